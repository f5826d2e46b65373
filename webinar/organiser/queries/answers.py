"""The answers to a talk's questions as the attendee list and the CSV export show them.

The list filters people by answer. Without a search the people who gave
the answer are read once as a list (IN), through ix_answer_question_option
(question_id, option_id, registration_id): an option filter names the
option, and the other kinds look for option_id IS NULL, which the index
serves as an equality. After a search each person the search kept is
probed (EXISTS) through ix_answer_question_registration (question_id,
registration_id, option_id), where a person's answers to one question sit
side by side: one descent of the index a person, whatever the options. The
filter expected to keep the fewest people is probed first, so the others
probe only those it kept.
Every answer of a page is read in one query through ix_answer_registration;
the export reads the answers of everyone it lists in one streamed query, in
the list's order.

A removed question's answers keep their label and position (question_id is
NULL then); they show under that label, after the current questions.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import ColumnElement, Select
from sqlalchemy.orm import selectinload

from ...extensions import db
from ...languages import lazy_gettext as _l
from ...models import AGREED, NO, YES, Answer, Question, QuestionKind, Registration

# Filters are query arguments a<question id>=<value>: an option id for a choice
# question, yes or no, or answered / unanswered for the other kinds.
FILTER_ARGUMENT = re.compile(r"a(\d{1,9})")
ANSWERED, UNANSWERED = "answered", "unanswered"
MAX_FILTER_VALUES = 50
# The column of every removed question's answers, in the list's column choice; with
# REMOVED_SENSITIVE, the removed sensitive questions' answers show in it too.
REMOVED = "removed"
REMOVED_SENSITIVE = "removed_sensitive"
# How a yes/no or agreement answer reads in the list and the export, in the organiser's language.
READABLE = {YES: _l("Yes"), NO: _l("No"), AGREED: _l("Agreed")}


def event_questions(event_id: int) -> list[Question]:
    """Return the questions of an event in form order, with their options."""
    return list(
        db.session.scalars(
            db.select(Question)
            .where(Question.event_id == event_id)
            .options(selectinload(Question.options))
            .order_by(Question.position, Question.id)
        )
    )


def filter_name(question_id: int) -> str:
    return f"a{question_id}"


def filter_choices(question: Question) -> list[tuple[str, str]]:
    """Return the (value, text) pairs a question can be filtered by."""
    if question.is_choice:
        return [(str(option.id), option.text) for option in question.options]
    if question.kind == QuestionKind.YES_NO:
        return [(YES, _("Yes")), (NO, "No")]
    return [(ANSWERED, _("Answered")), (UNANSWERED, _("Not answered"))]


def raw_filters(args) -> tuple[tuple[int, tuple[str, ...]], ...]:
    """Read the answer filters of a query string, unchecked against any question yet."""
    found = []
    for name in sorted({key for key in args.keys() if FILTER_ARGUMENT.fullmatch(key)}):
        values = args.getlist(name) if hasattr(args, "getlist") else [args[name]]
        values = tuple(dict.fromkeys(v for v in values if v and len(v) <= 20))
        if values:
            found.append((int(name[1:]), values[:MAX_FILTER_VALUES]))
    return tuple(found)


@dataclass(frozen=True)
class AnswerFilter:
    """People who gave one of these answers to a question (option ids, yes/no, answered)."""

    question: Question
    values: tuple[str, ...]

    @property
    def texts(self) -> list[str]:
        choices = dict(filter_choices(self.question))
        return [choices[value] for value in self.values]

    @property
    def share(self) -> float:
        """Return the part of the answers this filter accepts: a guess of the people it keeps."""
        return len(self.values) / len(filter_choices(self.question))

    def clause(self, whole: bool = False) -> ColumnElement:
        """Return the WHERE clause of the registrations this filter keeps.

        Probing each registration for the answer (EXISTS) lets a page stop
        after its 50 rows and probes only the people a search kept. A query
        that reads every registration of the talk (the count of an unsearched
        list: `whole`) reads the people who gave the answer once, as a list
        (IN), instead: twice as fast as 100,000 probes on SQLite.
        """
        conditions = [Answer.question_id == self.question.id]
        probed = not whole or self.values == (UNANSWERED,)
        if self.question.is_choice:
            option = Answer.option_id
            if probed and len(self.values) > 1 and db.session.get_bind().dialect.name == "sqlite":
                # "+ 0": SQLite descends the index once a person and reads their
                # few answers to the question, rather than once per option asked
                # for (a quarter of two answers and a search).
                option = option + 0
            conditions.append(option.in_([int(value) for value in self.values]))
        else:
            conditions.append(Answer.option_id.is_(None))
            if self.question.kind == QuestionKind.YES_NO:
                conditions.append(Answer.value.in_(self.values))
            elif set(self.values) == {ANSWERED, UNANSWERED}:
                return Registration.id.is_not(None)
            else:
                conditions.append(Answer.value != "")
        if probed:
            # The id, not *: SQLite would read each answer's row, not the index alone.
            given = (
                db.select(Answer.id)
                .where(Answer.registration_id == Registration.id, *conditions)
                .exists()
            )
        else:
            given = Registration.id.in_(db.select(Answer.registration_id).where(*conditions))
        return ~given if self.values == (UNANSWERED,) else given


def resolve_filters(questions: Iterable[Question], raw) -> list[AnswerFilter]:
    """Return the filters that name a question of the event and answers it can have."""
    by_id = {question.id: question for question in questions}
    filters = []
    for question_id, values in raw:
        question = by_id.get(question_id)
        if question is None:
            continue
        offered = [value for value, _ in filter_choices(question)]
        kept = tuple(value for value in offered if value in values)
        if kept:
            filters.append(AnswerFilter(question, kept))
    return filters


def filter_clauses(event_id: int, raw, whole: bool = False,
                   questions: list[Question] | None = None) -> list[ColumnElement]:  # fmt: skip
    """Return the WHERE clauses of the answer filters asked for (several: all must hold).

    `questions`: the event's questions when the caller has them already.
    """
    if not raw:
        return []
    filters = resolve_filters(event_questions(event_id) if questions is None else questions, raw)
    # A database tests the probes of one row in the order written (SQLite does,
    # after the cheaper clauses): the narrowest first leaves the others fewer.
    filters.sort(key=lambda answer_filter: answer_filter.share)
    return [answer_filter.clause(whole) for answer_filter in filters]


# The kinds whose stored value reads better in words ("yes" -> "Yes").
WORDED_KINDS = frozenset({QuestionKind.YES_NO.value, QuestionKind.AGREEMENT.value})


def answer_rows(registration_ids: list[int], *, removed_sensitive: bool = True):
    """Return the stored answers of these registrations as plain rows, in question order.

    Each row is (registration id, question id, option id, label, position, kind,
    value), ordered by registration. Read through the connection rather than
    the ORM session: the export reads hundreds of thousands, and the ORM's row
    handling would cost as much again as the query. Without
    `removed_sensitive`, the answers to removed sensitive questions are left out.
    """
    unless_removed_sensitive = (
        () if removed_sensitive
        else (Answer.question_id.is_not(None) | Answer.question_sensitive.is_(False),)
    )  # fmt: skip
    return db.session.connection().execute(
        db.select(Answer.registration_id, Answer.question_id, Answer.option_id,
                  Answer.question_label, Answer.question_position, Answer.question_kind,
                  Answer.value)
        .where(Answer.registration_id.in_(registration_ids), *unless_removed_sensitive)
        .order_by(Answer.registration_id, Answer.question_position, Answer.id)
    )  # fmt: skip


def listed_answers(clauses: list[ColumnElement], order: list[ColumnElement]) -> Select:
    """Return the query of the answers of the registrations these clauses select, in this order.

    Rows as answer_rows() gives them, each person's together and in question
    order. The answers read are an alias of the table, so that an answer
    filter among the clauses still probes the answers of its registration only.
    """
    given = Answer.__table__.alias("given")
    return (
        db.select(given.c.registration_id, given.c.question_id, given.c.option_id,
                  given.c.question_label, given.c.question_position, given.c.question_kind,
                  given.c.value)
        .join_from(Registration, given, given.c.registration_id == Registration.id)
        .where(*clauses)
        .order_by(*order, given.c.question_position, given.c.id)
    )  # fmt: skip


def readable(kind: str, value: str) -> str:
    """Return an answer's value as the list and the export show it ("yes" -> "Yes")."""
    return str(READABLE[value]) if kind in WORDED_KINDS and value in READABLE else value


def answers_of(registration_ids: list[int], *,
               removed_sensitive: bool = True) -> dict[int, list[tuple]]:  # fmt: skip
    """Return the answers of these registrations in question order, read in one query.

    Each answer is a plain tuple (key, question id, option id, text as read).
    The key is the question's id, or (position, label) of a removed question.
    Without `removed_sensitive`, the answers to removed sensitive questions are
    left out.
    """
    found: dict[int, list[tuple]] = defaultdict(list)
    if not registration_ids:
        return found
    rows = answer_rows(registration_ids, removed_sensitive=removed_sensitive)
    for registration_id, question_id, option_id, label, position, kind, value in rows:
        key = question_id if question_id is not None else (position, label)
        found[registration_id].append((key, question_id, option_id, readable(kind, value)))
    return found


def by_question(answers: list[tuple]) -> dict[int | tuple[int, str], list[str]]:
    """Group one person's answers by question (id, or (position, label) once removed)."""
    grouped: dict[int | tuple[int, str], list[str]] = {}
    for key, _position, _label, text in answers:
        if key in grouped:
            grouped[key].append(text)
        else:
            grouped[key] = [text]
    return grouped


def removed_questions(event_id: int, *, sensitive: bool = True) -> list[tuple[int, str]]:
    """Return the (position, label) of the event's removed questions that still have answers.

    Without `sensitive`, those that were sensitive are left out.
    """
    unless_sensitive = () if sensitive else (Answer.question_sensitive.is_(False),)
    rows = db.session.execute(
        db.select(Answer.question_position, Answer.question_label)
        .join(Registration, Answer.registration_id == Registration.id)
        .where(Answer.question_id.is_(None), Registration.event_id == event_id,
               *unless_sensitive)
        .distinct()
        .order_by(Answer.question_position, Answer.question_label)
    )
    return [(position, label) for position, label in rows]


def has_removed_answers(event_id: int) -> bool:
    """Say whether anyone of the event answered a question that has since been removed."""
    return db.session.scalar(
        db.select(
            db.select(Answer.id)
            .join(Registration, Answer.registration_id == Registration.id)
            .where(Answer.question_id.is_(None), Registration.event_id == event_id)
            .exists()
        )
    )


def default_columns(questions: Iterable[Question]) -> tuple[str, ...]:
    """Return the columns the list shows unless told: every question that is not sensitive."""
    return tuple(str(question.id) for question in questions if not question.sensitive)


@dataclass
class ListColumns:
    """The question columns of one page of the attendee list, and each person's cells."""

    questions: list[Question]
    shown: list[Question]
    show_removed: bool
    removed_sensitive: bool
    answers: dict[int, list]

    def cells(self, registration_id: int) -> list[str]:
        grouped = by_question(self.answers.get(registration_id, []))
        return [", ".join(grouped.get(question.id, [])) for question in self.shown]

    def removed(self, registration_id: int) -> list[tuple[str, str]]:
        """Return (label, answer) of the person's answers to removed questions."""
        grouped = by_question(self.answers.get(registration_id, []))
        return [(key[1], ", ".join(values)) for key, values in grouped.items()
                if isinstance(key, tuple)]  # fmt: skip


def list_columns(questions: list[Question], chosen: tuple[str, ...] | None,
                 registration_ids: list[int]) -> ListColumns:  # fmt: skip
    """Return the question columns the organiser chose, with the page's answers."""
    if chosen is None:
        chosen = default_columns(questions)
    shown = [question for question in questions if str(question.id) in chosen]
    removed_sensitive = REMOVED_SENSITIVE in chosen
    show_removed = REMOVED in chosen or removed_sensitive
    wanted = shown or show_removed
    answers = answers_of(registration_ids, removed_sensitive=removed_sensitive) if wanted else {}
    return ListColumns(
        questions=questions,
        shown=shown,
        show_removed=show_removed,
        removed_sensitive=removed_sensitive,
        answers=answers,
    )
