"""The attendee list as a CSV file, streamed row by row.

The rows come from a server-side cursor (yield_per: psycopg streams them on
PostgreSQL, sqlite3 fetches as it goes), so an export of 100,000 people
never holds the whole list in memory, neither in the database driver nor here.
The answers of everyone listed come streamed the same way from one more
query, in the list's order, and are merged in as both streams advance.

Answers come one column per question in form order, then one per removed
question that still has answers, headed by the label it had. Sensitive
questions, removed ones too, are left out unless asked for.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from sqlalchemy import ColumnElement, Row, Select, String, case, func
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from ...dates import local_minutes
from ...extensions import db
from ...models import NO, YES, Event, Question, QuestionKind, Registration, utcnow
from ...templating import STATUS_TEXTS, status_text
from .answers import (
    READABLE,
    WORDED_KINDS,
    event_questions,
    listed_answers,
    removed_questions,
)
from .attendee_list import (
    EMAIL_SUMMARIES,
    ListParams,
    matching,
    ordering,
    worst_email_state,
)

BYTE_ORDER_MARK = "\ufeff"
# A spreadsheet takes a cell that begins with one of these for a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
ROWS_PER_FETCH = 500
ANSWERS_PER_FETCH = 2_000
CHUNK_CHARACTERS = 16 * 1024
# Distinct answer cells kept checked for formulas at a time, and the longest kept.
INERT_CACHE_SIZE = 10_000
INERT_CACHE_LENGTH = 200


def inert_text(column: ColumnElement) -> ColumnElement:
    """Return a text column as the database reads it out: blank for NULL, made inert.

    The check runs in the database: in Python it was eight calls a row, the
    better part of the export's own time.
    """
    text = func.coalesce(column, "")
    return case((func.substr(text, 1, 1).in_(FORMULA_STARTS), "'" + text), else_=text)


class utc_minute(FunctionElement):
    """An instant as the text of its minute in UTC, 'YYYY-MM-DD HH:MM' (NULL for none)."""

    type = String()
    inherit_cache = True


@compiles(utc_minute, "sqlite")
def _utc_minute_sqlite(element, compiler, **kw) -> str:
    # SQLite keeps the instants as UTC text already.
    return f"substr({compiler.process(element.clauses, **kw)}, 1, 16)"


@compiles(utc_minute)
def _utc_minute(element, compiler, **kw) -> str:
    instant = compiler.process(element.clauses, **kw)
    return f"to_char({instant} AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI')"


class LocalMinutes(dict):
    """UTC minutes as the event's zone shows them, each worked out once.

    The export shows times to the minute, and registrations come in bursts:
    most rows find their minutes here. The whole is cleared now and then.
    """

    def __init__(self, zone: ZoneInfo):
        super().__init__({None: ""})
        self.zone = zone

    def __missing__(self, minute: str) -> str:
        if len(self) > INERT_CACHE_SIZE:
            self.clear()
            self[None] = ""
        moment = datetime.fromisoformat(minute).replace(tzinfo=UTC)
        local = self[minute] = local_minutes(moment, self.zone)
        return local


def yes_no(condition: ColumnElement) -> ColumnElement:
    return case((condition, "yes"), else_="no")


# The registration's cells as read: text made inert, times as their minute in
# UTC; the times in the event's zone and the worst email state are written out
# in Python.
COLUMNS = (
    inert_text(Registration.first_name),
    inert_text(Registration.last_name),
    inert_text(Registration.email),
    inert_text(Registration.organisation),
    inert_text(Registration.country),
    inert_text(Registration.status),
    utc_minute(Registration.created_at),
    yes_no(Registration.joined_at.is_not(None)),
    utc_minute(Registration.joined_at),
    worst_email_state(),
    yes_no(Registration.marketing_consent),
    utc_minute(Registration.marketing_consent_at),
    utc_minute(Registration.unsubscribed_at),
    utc_minute(Registration.privacy_consent_at),
    inert_text(Registration.privacy_notice_version),
    inert_text(Registration.utm_source),
)
TIMES = (6, 8, 11, 12, 13)
STATUS, EMAILS = 5, 9
YES_NO = (7, 10)


def inert(value: str) -> str:
    """Return a cell value that no spreadsheet runs as a formula."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def header(event: Event) -> list[str]:
    """Return the column titles in the organiser's language; times are in the event's zone."""
    zone = event.timezone
    return [
        _("First name"), _("Last name"), _("Email"), _("Organisation"), _("Country"),
        _("Status"), _("Registered (%(zone)s)", zone=zone), _("Joined"),
        _("Joined at (%(zone)s)", zone=zone), _("Emails"), _("Marketing consent"),
        _("Marketing consent at (%(zone)s)", zone=zone),
        _("Unsubscribed at (%(zone)s)", zone=zone), _("Privacy consent at (%(zone)s)", zone=zone),
        _("Privacy notice version"), "utm_source",
    ]  # fmt: skip


def words() -> dict[str, str]:
    """Return the cells that are words (a status, yes or no) in the organiser's language."""
    said = {value: status_text(value) for value in STATUS_TEXTS}
    return said | {"yes": str(READABLE[YES]), "no": str(READABLE[NO])}


def cells(row, minutes: LocalMinutes, said: dict[str, str]) -> list[str]:
    """Return the CSV cells of one registration row: times in the event's zone, words translated."""
    found = list(row)
    for place in TIMES:
        found[place] = minutes[found[place]]
    for place in YES_NO:
        found[place] = said[found[place]]
    found[STATUS] = said.get(found[STATUS], found[STATUS])
    found[EMAILS] = said[EMAIL_SUMMARIES[found[EMAILS]]] if found[EMAILS] in EMAIL_SUMMARIES else ""
    return found


@dataclass(frozen=True)
class ExportOptions:
    """What the organiser asked the export for, beyond the list's own parameters."""

    sensitive: bool = False
    per_option: bool = False

    @classmethod
    def from_args(cls, args) -> ExportOptions:
        return cls(sensitive=args.get("sensitive") == "1", per_option=args.get("per_option") == "1")


class AnswerColumns:
    """The answer columns of the export: their titles, and one person's cells."""

    def __init__(self, event: Event, options: ExportOptions):
        self.questions: list[Question] = [
            question for question in event_questions(event.id)
            if options.sensitive or not question.sensitive
        ]  # fmt: skip
        self.removed = removed_questions(event.id, sensitive=options.sensitive)
        self.per_option = options.per_option
        # A ticked option's own column says Yes or No, in the organiser's language.
        self.yes, self.no = str(READABLE[YES]), str(READABLE[NO])

    def split(self, question: Question) -> bool:
        return self.per_option and question.kind == QuestionKind.MULTIPLE_CHOICE

    def header(self) -> list[str]:
        titles = []
        for question in self.questions:
            if self.split(question):
                titles += [f"{question.label}: {option.text}" for option in question.options]
                titles.append(_("%(question)s: other answers", question=question.label))
            else:
                titles.append(question.label)
        return titles + [label for _, label in self.removed]

    def places(self) -> tuple[dict, dict, list[str | None]]:
        """Return where each answer goes: its cell by key, its cell by option, the blank row.

        A question's answers go to its cell (key: question id; a removed
        question's: (position, label)); a ticked option of a question split
        into one column per option goes to that option's Yes cell, and a
        removed option of it to the question's "other answers" cell. Blank
        text cells are None until an answer fills them.
        """
        by_key: dict = {}
        by_option: dict[int, int] = {}
        blank: list[str | None] = []
        for question in self.questions:
            if self.split(question):
                for option in question.options:
                    by_option[option.id] = len(blank)
                    blank.append(self.no)
            by_key[question.id] = len(blank)
            blank.append(None)
        for key in self.removed:
            by_key[key] = len(blank)
            blank.append(None)
        return by_key, by_option, blank

    def alongside(self, registrations: Iterable[Row],
                  answers: Iterable[Row]) -> Iterator[tuple[Row, list[str]]]:  # fmt: skip
        """Yield each registration row with its answer cells, made inert.

        The answers come in the registrations' order, each person's together,
        so the two streams advance side by side, led by the answers. The cells are built straight
        from the rows: this runs for every answer of an export, hundreds of
        thousands of times.
        """
        by_key, by_option, blank = self.places()
        no_answers = self.blank()
        protect = Inert()
        words = {value: str(text) for value, text in READABLE.items()}  # translated once
        registrations = iter(registrations)
        row, person, cells = None, None, None
        for person_id, question_id, option_id, label, position, kind, value in answers:
            if person_id != person:
                if cells is not None:
                    yield row, [protect[cell] for cell in cells]
                for row in registrations:
                    if row[0] == person_id:
                        break
                    yield row, no_answers
                else:  # the answers of someone not listed: not within one snapshot
                    return
                person, cells = person_id, blank.copy()
            place = by_option.get(option_id) if option_id is not None else None
            if place is not None:
                cells[place] = self.yes
                continue
            place = by_key.get(question_id if question_id is not None else (position, label))
            if place is None:  # a sensitive question left out
                continue
            text = words.get(value, value) if kind in WORDED_KINDS else value
            given = cells[place]
            cells[place] = text if given is None else f"{given}; {text}"
        if cells is not None:
            yield row, [protect[cell] for cell in cells]
        for row in registrations:
            yield row, no_answers

    def blank(self) -> list[str]:
        """Return the answer cells of a person who gave no answer."""
        return ["" if cell is None else cell for cell in self.places()[2]]


class Inert(dict):
    """Formula-safe cells by value: the check runs once per distinct value.

    Most answer cells repeat (an option's text, "Yes"). Long texts are not
    kept, and the whole is cleared now and then, so that an export of
    free-text answers does not hold them all.
    """

    def __init__(self):
        super().__init__({None: "", "": ""})

    def __missing__(self, value: str) -> str:
        if len(value) > INERT_CACHE_LENGTH:
            return inert(value)
        if len(self) > INERT_CACHE_SIZE:
            self.clear()
            self.update({None: "", "": ""})
        safe = self[value] = inert(value)
        return safe


def csv_lines(event: Event, params: ListParams,
              options: ExportOptions = ExportOptions()) -> Iterator[str]:  # fmt: skip
    """Yield the CSV file: the byte-order mark and header, then the registrations' lines."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)  # RFC 4180 quoting, CRLF line ends

    def taken() -> str:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    one_snapshot()
    answer_columns = AnswerColumns(event, options)
    buffer.write(BYTE_ORDER_MARK)
    # Labels are typed by organisers: as untrusted as any answer.
    writer.writerow(header(event) + [inert(title) for title in answer_columns.header()])
    yield taken()
    clauses, order = matching(event.id, params), ordering(params)
    # Through the connection, not the ORM session: its row handling costs as much as the query.
    rows = db.select(Registration.id, *COLUMNS).where(*clauses).order_by(*order)
    registrations = driver_rows(rows, "export_registrations", ROWS_PER_FETCH)
    wanted = answer_columns.questions or answer_columns.removed
    given = (driver_rows(listed_answers(clauses, order), "export_answers", ANSWERS_PER_FETCH)
             if wanted else ())  # fmt: skip
    minutes = LocalMinutes(ZoneInfo(event.timezone))
    said = words()
    for row, answer_cells in answer_columns.alongside(registrations, given):
        writer.writerow(cells(row[1:], minutes, said) + answer_cells)
        # Lines go out in chunks of a few kilobytes rather than one write each.
        if buffer.tell() >= CHUNK_CHARACTERS:
            yield taken()
    yield taken()


def driver_rows(statement: Select, name: str, rows_per_fetch: int) -> Iterator[tuple]:
    """Yield the rows of a query as the database driver gives them: tuples, not SQLAlchemy rows.

    Every cell the export reads is text or a whole number, which SQLAlchemy
    would hand over unchanged; making its Row objects was a fifth of the time.
    The parameters, too, reach the driver as they are, without SQLAlchemy's
    type processing: the list's clauses bind only text and numbers. On
    PostgreSQL the cursor is a named one, kept on the server, so the rows come
    as they are read (SQLite's cursor steps through its rows anyway).
    """
    connection = db.session.connection()
    compiled = statement.compile(dialect=connection.dialect,
                                 compile_kwargs={"render_postcompile": True})  # fmt: skip
    parameters = compiled.construct_params()
    driver = connection.connection.driver_connection
    if connection.dialect.name == "postgresql":
        cursor = driver.cursor(name=name)
    else:
        cursor = driver.cursor()
        parameters = [parameters[key] for key in compiled.positiontup]
    try:
        cursor.execute(str(compiled), parameters)
        while batch := cursor.fetchmany(rows_per_fetch):
            yield from batch
    finally:
        cursor.close()


def one_snapshot() -> None:
    """Have the export's two streams, registrations and answers, read the same data.

    They are merged as they come, so an answer of a person the registrations'
    stream does not hold would stall the merge. SQLite reads one snapshot for
    the whole transaction; PostgreSQL does only at REPEATABLE READ, which must
    be asked for before the transaction's first query (the export view has
    just committed).
    """
    if db.session().in_transaction() or db.session.get_bind().dialect.name != "postgresql":
        return
    db.session.connection(execution_options={"isolation_level": "REPEATABLE READ"})


def file_name(event: Event) -> str:
    """Return '<slug>-attendees-<YYYY-MM-DD>.csv', dated today (UTC)."""
    return f"{event.slug}-attendees-{utcnow():%Y-%m-%d}.csv"
