"""Reading a talk's questions: one of them by id, and the talks whose questions may be copied."""

from ...extensions import db
from ...models import Answer, Event, Organiser, Question
from .access import managed_by


def get_question_or_404(event: Event, question_id: int) -> Question:
    """Return a question of this event, or answer 404."""
    return db.one_or_404(
        db.select(Question).where(Question.id == question_id, Question.event_id == event.id)
    )


def talks_to_copy_from(organiser: Organiser, event: Event) -> list[Event]:
    """Return the organiser's other talks that have questions, newest first."""
    with_questions = db.select(Question.event_id)
    return db.session.scalars(
        db.select(Event)
        .where(managed_by(organiser), Event.id != event.id, Event.id.in_(with_questions))
        .order_by(Event.starts_at.desc(), Event.id.desc())
    ).all()


def answer_counts(event: Event) -> dict[int, int]:
    """Return {question id: how many registrations answered it} for the talk's questions."""
    rows = db.session.execute(
        db.select(Answer.question_id, db.func.count(db.distinct(Answer.registration_id)))
        .join(Question, Question.id == Answer.question_id)
        .where(Question.event_id == event.id)
        .group_by(Answer.question_id)
    )
    return dict(rows.all())
