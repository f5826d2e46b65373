"""How people answered a talk's choice and yes/no questions: counts per option, as bars.

Counted over the active registrations (confirmed and on the waiting list), in
one grouped query for all questions. A current option is counted by its id, so
an option renamed since some people ticked it still counts as one; an option
removed since shows under the text it had, without a link (the list cannot
filter by it any more).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import case, func, literal

from ...extensions import db
from ...models import CONDITION_KINDS, NO, YES, Answer, Question, Registration
from .answers import event_questions, filter_name
from .attendee_list import ACTIVE, ACTIVE_STATUSES

# The drawing, in SVG user units: a row per option, its text above its bar.
WIDTH, ROW_HEIGHT, BAR_HEIGHT, TEXT_ROOM, COUNT_ROOM = 640, 44, 18, 18, 70
# Longer option texts are cut in the drawing; the table below it has them whole.
SHOWN_CHARACTERS = 70


@dataclass(frozen=True)
class OptionBar:
    """One option of a question, how many people chose it, and where its bar is drawn."""

    text: str
    count: int
    # The attendee list's URL arguments for the people who chose it; None for a removed option.
    filter_args: dict | None
    y: int
    width: float

    @property
    def short_text(self) -> str:
        if len(self.text) <= SHOWN_CHARACTERS:
            return self.text
        return self.text[: SHOWN_CHARACTERS - 1] + "…"


@dataclass(frozen=True)
class AnswerChart:
    question: Question
    bars: list[OptionBar]
    people: int
    width: int = WIDTH
    text_room: int = TEXT_ROOM
    bar_height: int = BAR_HEIGHT

    @property
    def height(self) -> int:
        return ROW_HEIGHT * len(self.bars)


def option_counts(event_id: int, question_ids: list[int]) -> dict:
    """Return {question id: {option id or answer text: people}} over the active registrations."""
    counts: dict[int, dict[int | str, int]] = defaultdict(dict)
    if not question_ids:
        return counts
    # A current option counts by id; the value tells removed options and yes/no apart.
    text = case((Answer.option_id.is_(None), Answer.value), else_=literal(""))
    people = func.count(Answer.registration_id.distinct())
    rows = db.session.execute(
        db.select(Answer.question_id, Answer.option_id, text, people)
        .join(Registration, Answer.registration_id == Registration.id)
        .where(
            Answer.question_id.in_(question_ids),
            Registration.event_id == event_id,
            Registration.status.in_(ACTIVE_STATUSES),
        )
        .group_by(Answer.question_id, Answer.option_id, text)
    )
    for question_id, option_id, value, count in rows:
        counts[question_id][option_id if option_id is not None else value] = count
    return counts


def people_answering(event_id: int, question_ids: list[int]) -> dict[int, int]:
    """Return how many active people answered each question at all."""
    if not question_ids:
        return {}
    rows = db.session.execute(
        db.select(Answer.question_id, func.count(Answer.registration_id.distinct()))
        .join(Registration, Answer.registration_id == Registration.id)
        .where(
            Answer.question_id.in_(question_ids),
            Registration.event_id == event_id,
            Registration.status.in_(ACTIVE_STATUSES),
        )
        .group_by(Answer.question_id)
    )
    return dict(rows.all())


def chart_of(question: Question, counts: dict, people: int) -> AnswerChart:
    """Return the bars of one question: its options in order, then removed ones by count."""
    def link(value: str) -> dict:
        return {"status": ACTIVE, filter_name(question.id): value}

    if question.is_choice:
        rows = [(option.text, counts.get(option.id, 0), link(str(option.id)))
                for option in question.options]  # fmt: skip
        removed = sorted(((key, n) for key, n in counts.items() if isinstance(key, str)),
                         key=lambda item: (-item[1], item[0]))  # fmt: skip
        rows += [(f"{text} (removed option)", n, None) for text, n in removed]
    else:
        rows = [(_("Yes"), counts.get(YES, 0), link(YES)), ("No", counts.get(NO, 0), link(NO))]
    peak = max((n for _, n, _ in rows), default=0)
    room = WIDTH - COUNT_ROOM
    bars = [
        OptionBar(text=text, count=n, filter_args=args, y=number * ROW_HEIGHT,
                  width=round(room * n / peak, 2) if peak else 0)  # fmt: skip
        for number, (text, n, args) in enumerate(rows)
    ]
    return AnswerChart(question=question, bars=bars, people=people)


def answer_charts(event_id: int) -> list[AnswerChart]:
    """Return a chart for each single choice, multiple choice and yes/no question, in order."""
    questions = [q for q in event_questions(event_id) if q.kind in CONDITION_KINDS]
    ids = [question.id for question in questions]
    counts = option_counts(event_id, ids)
    people = people_answering(event_id, ids)
    return [chart_of(q, counts.get(q.id, {}), people.get(q.id, 0)) for q in questions]
