"""Registration questions a talk asks, and the answers people gave.

An answer keeps the question's label and the chosen option's text as they
were when the person answered: editing or removing a question later never
changes what an earlier answer says (its foreign keys then go to NULL).
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from sqlalchemy import JSON, ForeignKey, Index, String, Text, false
from sqlalchemy import event as sa_event
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from ..extensions import db

if TYPE_CHECKING:
    from .event import Event


class QuestionKind(StrEnum):
    """What kind of answer a question takes; stored as its text in a String column."""

    SHORT_TEXT = "short_text"
    LONG_TEXT = "long_text"
    SINGLE_CHOICE = "single_choice"
    MULTIPLE_CHOICE = "multiple_choice"
    YES_NO = "yes_no"
    # A statement the person must agree to ("I agree to be recorded"): always required.
    AGREEMENT = "agreement"
    NUMBER = "number"
    DATE = "date"
    COUNTRY = "country"
    URL = "url"


# Questions whose answers are options of their own (QuestionOption rows).
CHOICE_KINDS = frozenset({QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE})
# Questions a later question may depend on ("show only when ... is answered ...").
CONDITION_KINDS = CHOICE_KINDS | {QuestionKind.YES_NO}
# The stored values of a yes/no answer and of an agreed statement.
YES, NO, AGREED = "yes", "no", "agreed"


class FieldUse(StrEnum):
    """Whether the registration form asks for one of the configurable fixed fields."""

    REQUIRED = "required"
    OPTIONAL = "optional"
    OFF = "off"


class Question(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    # The order on the form: smallest first.
    position: Mapped[int] = mapped_column(default=0)
    kind: Mapped[str] = mapped_column(String(20))
    label: Mapped[str] = mapped_column(String(500))
    help_text: Mapped[str] = mapped_column(String(1000), default="")
    required: Mapped[bool] = mapped_column(default=False)
    # Sensitive answers are hidden in the attendee list by default and left
    # out of the export unless asked for (and that export is logged).
    sensitive: Mapped[bool] = mapped_column(default=False)
    # Text: the longest answer accepted.
    max_length: Mapped[int | None]
    # Number: the smallest and largest value; multiple choice: the fewest and
    # most options a person may tick.
    min_value: Mapped[int | None]
    max_value: Mapped[int | None]
    # Shown only when an earlier condition question got one of these answers:
    # option ids for a choice question, "yes" or "no" for a yes/no question.
    shown_if_id: Mapped[int | None] = mapped_column(
        ForeignKey("question.id", ondelete="SET NULL")
    )
    shown_if_answers: Mapped[list[str]] = mapped_column(JSON, default=list)
    # The label and help text in the talk's other languages: {"fr": {"label": ...}}.
    translations: Mapped[dict] = mapped_column(JSON, default=dict, server_default="{}")

    # The talk, for its languages: already loaded whenever its questions are.
    event: Mapped[Event] = relationship(back_populates="questions")
    options: Mapped[list[QuestionOption]] = relationship(
        back_populates="question",
        order_by="QuestionOption.position",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )
    shown_if: Mapped[Question | None] = relationship(remote_side=[id])

    def __repr__(self) -> str:
        return f"<Question {self.id} {self.kind}>"

    @property
    def is_choice(self) -> bool:
        return self.kind in CHOICE_KINDS


class QuestionOption(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(
        ForeignKey("question.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(default=0)
    text: Mapped[str] = mapped_column(String(300))
    # The text in the talk's other languages: {"fr": {"text": ...}}.
    translations: Mapped[dict] = mapped_column(JSON, default=dict, server_default="{}")

    question: Mapped[Question] = relationship(back_populates="options")

    @property
    def event(self):
        """Return the talk the option's question belongs to."""
        return self.question.event

    def __repr__(self) -> str:
        return f"<QuestionOption {self.id}>"


class Answer(db.Model):
    """One answer of one registration: one row per ticked option of a choice question."""

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(
        ForeignKey("registration.id", ondelete="CASCADE")
    )
    question_id: Mapped[int | None] = mapped_column(
        ForeignKey("question.id", ondelete="SET NULL")
    )
    option_id: Mapped[int | None] = mapped_column(
        ForeignKey("question_option.id", ondelete="SET NULL")
    )
    # The question as the person saw it, so that the answer keeps its meaning.
    question_label: Mapped[str] = mapped_column(String(500))
    question_kind: Mapped[str] = mapped_column(String(20))
    question_position: Mapped[int] = mapped_column(default=0)
    # Whether the question was sensitive: its answers stay hidden once it is removed.
    question_sensitive: Mapped[bool] = mapped_column(default=False, server_default=false())
    # The text typed, the number, the ISO date, the country code, the address,
    # "yes"/"no", "agreed", or the chosen option's text as it read then.
    value: Mapped[str] = mapped_column(Text, default="")

    __table_args__ = (
        # A registration's answers, in question order.
        Index("ix_answer_registration", "registration_id", "question_position"),
        # The attendee list filtered by an option, and the figures' counts per option.
        Index("ix_answer_question_option", "question_id", "option_id", "registration_id"),
        # The attendee list filtered by answer after a search: each person the
        # search kept is probed for a question's answers, which sit side by side
        # here (one descent of the index, however many options are asked for).
        Index("ix_answer_question_registration", "question_id", "registration_id", "option_id"),
    )

    def __repr__(self) -> str:
        return f"<Answer {self.id} to {self.question_id}>"


@sa_event.listens_for(Session, "before_flush")
def touch_events_whose_questions_changed(session: Session, _context, _instances) -> None:
    """Raise a talk's content_version when its questions or their options change.

    The registration form is cached under it (registration.form_page), so a
    changed question must raise it; the talk's own UPDATE moves updated_at too.
    """
    from .event import Event

    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, QuestionOption):
            obj = obj.question or (obj.question_id and session.get(Question, obj.question_id))
        if isinstance(obj, Question):
            event = obj.event or (obj.event_id and session.get(Event, obj.event_id))
            # A talk being created has no cached form yet: it starts at 0.
            if event is not None and event not in session.new:
                event.content_version = Event.content_version + 1
