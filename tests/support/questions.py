"""Plugin: `make_question` and `make_answer`, which store a talk's questions and answers directly.

Like the factories, they write through the models so a test sets up exactly
the questions (and earlier answers) it needs, and return ids.
"""

from __future__ import annotations

import pytest

from webinar.extensions import db
from webinar.models import Answer, Question, QuestionOption


@pytest.fixture
def make_question(app):
    """Add a question to an event; return {"id": ..., "options": [option ids]}.

    `options` are the option texts of a choice question; any other keyword
    sets a Question column (required, help_text, shown_if_id, ...).
    """

    def make(event, kind: str, label: str, options: tuple[str, ...] = (), **fields) -> dict:
        event_id = event if isinstance(event, int) else event.id
        with app.app_context():
            position = len(db.session.scalars(
                db.select(Question.id).where(Question.event_id == event_id)
            ).all())
            question = Question(event_id=event_id, kind=kind, label=label, position=position,
                                **fields)
            question.options = [
                QuestionOption(text=text, position=number) for number, text in enumerate(options)
            ]
            db.session.add(question)
            db.session.commit()
            return {"id": question.id, "options": [option.id for option in question.options]}

    return make


@pytest.fixture
def make_answer(app):
    """Store one answer row of a registration to a question; return its id.

    For a choice question give `option_id`; the value then defaults to that
    option's text, as the form stores it.
    """

    def make(registration, question_id: int, value: str = "", option_id: int | None = None) -> int:
        registration_id = registration if isinstance(registration, int) else registration.id
        with app.app_context():
            question = db.session.get(Question, question_id)
            if option_id is not None and not value:
                value = db.session.get(QuestionOption, option_id).text
            answer = Answer(
                registration_id=registration_id, question_id=question_id, option_id=option_id,
                question_label=question.label, question_kind=question.kind,
                question_position=question.position, question_sensitive=question.sensitive,
                value=value,
            )
            db.session.add(answer)
            db.session.commit()
            return answer.id

    return make
