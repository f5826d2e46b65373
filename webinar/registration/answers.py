"""A person's answers to a talk's questions: how they read, and changing them later."""

from __future__ import annotations

from datetime import date
from itertools import groupby

import sqlalchemy as sa
from flask import redirect, render_template, request, url_for
from flask_babel import gettext

from ..extensions import db
from ..languages import lazy_gettext as _l
from ..models import Answer, QuestionKind, Registration
from . import bp
from .forms import country_choices
from .questions import answers_form_class, initial_data
from .views import answers_may_change, private, registration_for

YES_NO_TEXTS = {"yes": _l("Yes"), "no": _l("No")}


def answer_lines(answers: list[Answer]) -> list[tuple[str, str]]:
    """Return (question, answer) as a person reads them: a multiple choice on one line.

    The labels and option texts are those the person saw when answering.
    """
    countries = dict(country_choices())
    lines = []
    ordered = sorted(answers, key=lambda a: (a.question_position, a.question_id or 0, a.id or 0))

    def question(a: Answer) -> tuple:
        return a.question_position, a.question_id, a.question_label, a.question_kind

    for (_position, _id, label, kind), rows in groupby(ordered, key=question):
        values = [row.value for row in rows]
        if kind == QuestionKind.COUNTRY:
            values = [countries.get(value, value) for value in values]
        elif kind == QuestionKind.YES_NO:
            values = [str(YES_NO_TEXTS.get(value, value.capitalize())) for value in values]
        elif kind == QuestionKind.AGREEMENT:
            values = [gettext("Agreed")]
        elif kind == QuestionKind.DATE:
            values = [readable_date(value) for value in values]
        lines.append((label, ", ".join(values)))
    return lines


def readable_date(value: str) -> str:
    """Return an ISO date as people write it ("1 March 2015"); anything else as it is."""
    try:
        day = date.fromisoformat(value)
    except ValueError:
        return value
    return f"{day.day} {day:%B %Y}"


def replace_answers(registration: Registration, rows: list[dict]) -> None:
    """Replace a registration's answers to the talk's questions by these, and commit.

    Answers to questions since removed stay: they cannot be given again.
    """
    db.session.execute(
        sa.delete(Answer)
        .where(Answer.registration_id == registration.id, Answer.question_id.is_not(None))
        .execution_options(synchronize_session=False)
    )
    db.session.add_all(Answer(registration_id=registration.id, **row) for row in rows)
    db.session.commit()


@bp.route("/registrations/<token>/answers", methods=["GET", "POST"])
def change_answers(token: str):
    """Show a person's answers in a form, and save the changes while registration is open."""
    registration = registration_for(token)
    event = registration.event
    open_ = answers_may_change(registration)
    # Posted answers replace the stored ones whole: nothing stored fills a field left empty.
    stored = None if request.method == "POST" else initial_data(registration)
    form = answers_form_class(event)(data=stored)
    if open_ and form.validate_on_submit():
        replace_answers(registration, form.answers())
        return redirect(url_for(".manage", token=token, saved="answers") + "#answers", code=303)
    status = 409 if form.is_submitted() and not open_ else 200
    page = render_template(
        "registration/answers.html",
        registration=registration,
        event=event,
        form=form,
        may_change=open_,
        lines=answer_lines(registration.answers),
    )
    return private(page, status)
