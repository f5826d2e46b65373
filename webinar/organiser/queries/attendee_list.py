"""The attendee list of an event as queries: search, filter, sort, and email delivery states.

Shared by the page (50 rows at a time) and the CSV export (every row,
streamed), so both always show the same people.

At 100,000 registrations an event's rows are found through indexes on
(event_id, created_at, id) and (event_id, last_name, first_name, id), so
sorting and paging read the index in order. A search (search.py) finds the
matching rows in a trigram index; one pass finds the page and counts the
matches.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from flask_sqlalchemy.pagination import Pagination, SelectPagination
from sqlalchemy import ColumnElement, Select, case, func, text

from ...extensions import db
from ...languages import lazy_gettext as _l
from ...models import OutboxEmail, OutboxStatus, Question, Registration, RegistrationStatus
from ...paging import page_number
from .answers import REMOVED, REMOVED_SENSITIVE, filter_clauses, filter_name, raw_filters
from .search import indexed_matches, search_clause

PER_PAGE = 50
SORTS = {
    "time": (Registration.created_at, Registration.id),
    "name": (Registration.last_name, Registration.first_name, Registration.id),
}
ORDERS = ("asc", "desc")
# Confirmed people and those on the waiting list, as the figures count them.
ACTIVE = "active"
ACTIVE_STATUSES = (RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED)
# The list's status filter, as its select offers it: every status, the active ones, or one.
STATUS_CHOICES = (
    ("", _l("All")),
    (ACTIVE, _l("Confirmed and waiting list")),
    (RegistrationStatus.CONFIRMED, _l("Confirmed")),
    (RegistrationStatus.WAITLISTED, _l("Waiting list")),
    (RegistrationStatus.CANCELLED, _l("Cancelled")),
)

# The summary of a person's emails is the worst state among them.
EMAIL_RANKS = {
    OutboxStatus.SENT: 1,
    OutboxStatus.PENDING: 2,
    OutboxStatus.SENDING: 2,
    OutboxStatus.FAILED: 3,
    OutboxStatus.HELD: 3,
}
EMAIL_SUMMARIES = {0: "none", 1: OutboxStatus.SENT, 2: OutboxStatus.PENDING, 3: OutboxStatus.FAILED}


@dataclass(frozen=True)
class ListParams:
    """What the organiser asked the list for: search, status, answers, sort, page, columns.

    `answers` are the answer filters as read (question id, values), checked
    against the event's questions when the query is built; `columns` are the
    question columns chosen (None: the default ones).
    """

    q: str = ""
    status: str = ""
    sort: str = "time"
    order: str = "desc"
    page: int = 1
    answers: tuple[tuple[int, tuple[str, ...]], ...] = ()
    columns: tuple[str, ...] | None = None

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> ListParams:
        """Read the parameters from a query string or form, ignoring values that make no sense."""
        status = args.get("status", "")
        sort = args.get("sort", "time")
        order = args.get("order", "desc")
        columns = None
        # The column form sends cols=1, so that no ticked box at all still means "none".
        if "cols" in args:
            chosen = args.getlist("col") if hasattr(args, "getlist") else [args.get("col", "")]
            kept = (c for c in chosen if c.isdecimal() or c in (REMOVED, REMOVED_SENSITIVE))
            columns = tuple(dict.fromkeys(kept))
        return cls(
            q=args.get("q", "").strip()[:200],
            status=status if status in (*RegistrationStatus, ACTIVE) else "",
            sort=sort if sort in SORTS else "time",
            order=order if order in ORDERS else "desc",
            page=page_number(args) or 1,
            answers=raw_filters(args),
            columns=columns[:100] if columns is not None else None,
        )

    @property
    def filtered(self) -> bool:
        """Say whether the list shows only some people."""
        return bool(self.q or self.status or self.answers)

    def query_args(self, **changes) -> dict[str, str | int | list[str]]:
        """Return the non-default parameters as URL arguments, with some changed."""
        values = {"q": self.q, "status": self.status, "sort": self.sort,
                  "order": self.order, "page": self.page}  # fmt: skip
        answers = dict(changes.pop("answers", self.answers))
        columns = changes.pop("columns", self.columns)
        values.update(changes)
        defaults = ListParams()
        found: dict = {key: value for key, value in values.items()
                       if value != getattr(defaults, key)}  # fmt: skip
        for question_id, chosen in answers.items():
            found[filter_name(question_id)] = list(chosen)
        if columns is not None:
            found["cols"] = "1"
            found["col"] = list(columns)
        return found

    def without_answer(self, question_id: int | None = None) -> dict:
        """Return the URL arguments with one answer filter (or all of them) taken away."""
        kept = [(qid, values) for qid, values in self.answers
                if question_id is not None and qid != question_id]  # fmt: skip
        return self.query_args(answers=kept, page=1)


def matching(event_id: int, params: ListParams, whole: bool = False,
             questions: list[Question] | None = None) -> list[ColumnElement]:  # fmt: skip
    """Return the WHERE clauses of the registrations the parameters select.

    `whole`: the query reads every registration that matches (a count), so
    answer filters are read as lists rather than probed person by person.
    `questions`: the event's questions, when the caller has read them already.
    """
    clauses = [Registration.event_id == event_id]
    if params.status == ACTIVE:
        clauses.append(Registration.status.in_(ACTIVE_STATUSES))
    elif params.status:
        clauses.append(Registration.status == params.status)
    if params.q:
        searched = params.q.lower()
        found = indexed_matches(searched)
        if found is not None:
            # "+ 0" keeps SQLite from reading the event's index entries: the
            # few rows the search index found are read by id instead.
            clauses[0] = Registration.event_id + 0 == event_id
            clauses.append(found)
        clauses.append(search_clause(searched))
    # Last, so that a database evaluating the clauses in order probes the answers
    # only of the people the cheaper clauses kept.
    clauses += filter_clauses(event_id, params.answers, whole=whole and not params.q,
                              questions=questions)  # fmt: skip
    return clauses


def ordering(params: ListParams, columns=None) -> list[ColumnElement]:
    """Return the ORDER BY of the list (of these columns standing for its sort keys)."""
    columns = SORTS[params.sort] if columns is None else columns
    return [column.desc() if params.order == "desc" else column.asc() for column in columns]


def registrations_query(event_id: int, params: ListParams) -> Select:
    """Return the query of the registrations the list shows, in its order."""
    clauses = matching(event_id, params)
    return db.select(Registration).where(*clauses).order_by(*ordering(params))


class SearchPagination(Pagination):
    """A page of a searched or filtered list, counted from the same pass that finds its rows.

    A search or an answer filter reads every registration that matches, so
    counting them in a second query would read them all twice. The matches'
    ids and sort keys are kept once (a materialised CTE: narrow rows), then
    counted and sorted for the page; the page's 50 registrations are then read
    by id. Counting apart from the page, rather than count(*) OVER () beside
    LIMIT, also keeps PostgreSQL from planning as if it could stop after 50
    rows: with accurate statistics it then walked the whole talk in list order,
    probing every person, about three times slower.
    """

    def _query_items(self) -> list[Registration]:
        params: ListParams = self._query_args["params"]
        if params.q and db.session.get_bind().dialect.name == "postgresql":
            # After a search's index has found its few rows, parallel workers
            # each built the same hash of an answer's people: 69 ms against
            # 27 ms alone. SET LOCAL ends with the request's transaction.
            db.session.execute(text("SET LOCAL max_parallel_workers_per_gather = 0"))
        keys = SORTS[params.sort]
        # Referenced twice, the CTE is materialised by both databases anyway;
        # saying so keeps PostgreSQL from ever inlining it into the page's LIMIT.
        found = (
            db.select(*keys)
            .where(*self._query_args["clauses"])
            .cte("found")
            .prefix_with("MATERIALIZED", dialect="postgresql")
        )
        total = db.select(func.count()).select_from(found).scalar_subquery()
        rows = db.session.execute(
            db.select(found.c.id, total)
            .order_by(*ordering(params, [found.c[key.key] for key in keys]))
            .limit(self.per_page)
            .offset(self._query_offset)
        ).all()
        # No row: nothing matches (on the first page) or the page is past the last.
        self._total = rows[0][1] if rows else (0 if self.page == 1 else None)
        ids = [row[0] for row in rows]
        if not ids:
            return []
        found_rows = {
            registration.id: registration
            for registration in db.session.scalars(
                db.select(Registration).where(Registration.id.in_(ids))
            )
        }
        return [found_rows[registration_id] for registration_id in ids]

    def _query_count(self) -> int:
        if self._total is not None:
            return self._total
        matches = db.select(Registration.id).where(*self._query_args["clauses"]).subquery()
        return db.session.execute(db.select(func.count()).select_from(matches)).scalar_one()


def list_page(event_id: int, params: ListParams,
              questions: list[Question] | None = None) -> Pagination:  # fmt: skip
    """Return the page of the list the parameters ask for (beyond the last: empty).

    `questions`: the event's questions, when the caller has read them already.
    """
    if params.q or params.answers:
        # A search or an answer filter reads every registration of the talk
        # (and every answer given) anyway: one pass finds the page and counts.
        clauses = matching(event_id, params, whole=True, questions=questions)
        return SearchPagination(page=params.page, per_page=PER_PAGE, error_out=False,
                                clauses=clauses, params=params)  # fmt: skip
    # Without them, the page reads the index in order and stops after its rows,
    # and the count reads only the index: two queries are cheaper than one here.
    return WholePagination(select=registrations_query(event_id, params), session=db.session(),
                           page=params.page, per_page=PER_PAGE, error_out=False,
                           event_id=event_id, params=params)  # fmt: skip


class WholePagination(SelectPagination):
    """A page of the list neither searched nor filtered by answer, read from the nearer end.

    OFFSET reads and skips every row before the page: the last page of
    100,000 read 99,950 index entries. Past the middle, the page is read in
    the opposite order from the other end, and turned around.
    """

    def _query_items(self) -> list[Registration]:
        self._total = super()._query_count()
        offset, params = self._query_offset, self._query_args["params"]
        if offset * 2 <= self._total:
            return super()._query_items()
        after = self._total - offset  # the rows from the page's first to the end
        if after <= 0:
            return []
        backwards = replace(params, order="asc" if params.order == "desc" else "desc")
        query = registrations_query(self._query_args["event_id"], backwards)
        rows = db.session.scalars(
            query.limit(min(self.per_page, after)).offset(max(0, after - self.per_page))
        )
        return list(rows)[::-1]

    def _query_count(self) -> int:
        return self._total


def worst_email_state() -> ColumnElement:
    """Return a correlated subquery giving the rank of a registration's worst email state."""
    rank = case(
        *((OutboxEmail.status == status, rank) for status, rank in EMAIL_RANKS.items()),
        else_=0,
    )
    return (
        db.select(func.coalesce(func.max(rank), 0))
        .where(OutboxEmail.registration_id == Registration.id)
        .scalar_subquery()
    )


@dataclass
class EmailState:
    """The emails of one registration: the latest state of each kind, and the worst of all."""

    latest: dict[str, str] = field(default_factory=dict)
    worst: int = 0

    @property
    def summary(self) -> str:
        return EMAIL_SUMMARIES[self.worst]


def email_states(registration_ids: list[int]) -> dict[int, EmailState]:
    """Return the email states of these registrations, read in one query."""
    states = {registration_id: EmailState() for registration_id in registration_ids}
    if not registration_ids:
        return states
    rows = db.session.execute(
        db.select(OutboxEmail.registration_id, OutboxEmail.kind, OutboxEmail.status)
        .where(OutboxEmail.registration_id.in_(registration_ids))
        .order_by(OutboxEmail.id)
    )
    for registration_id, kind, status in rows:
        state = states[registration_id]
        # Later rows of a kind replace earlier ones: the latest counts.
        state.latest[kind] = status
        state.worst = max(state.worst, EMAIL_RANKS.get(status, 0))
    return states
