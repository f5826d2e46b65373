"""The queries behind the public pages, each loading what its page shows in one go."""

from flask import abort
from sqlalchemy import Row, Select, bindparam, case, func, or_
from sqlalchemy.orm import selectinload

from ..database import PreparedRead
from ..extensions import db
from ..models import Event, EventStatus, Question, Series, Topic, utcnow
from ..models.event import event_topic

# What is public: published talks, and cancelled ones so that people who
# planned to come learn about it. Drafts never leave the organiser's pages.
PUBLIC_STATUSES = (EventStatus.PUBLISHED, EventStatus.CANCELLED)


def listing(
    *, past: bool, topic: str | None = None, event_type: str | None = None,
    series: str | None = None,
) -> Select:
    """Return the query of published talks, upcoming soonest first or past latest first."""
    now = utcnow()
    query = (
        db.select(Event)
        .where(Event.status == EventStatus.PUBLISHED)
        .options(selectinload(Event.series))
    )
    if past:
        query = query.where(Event.ends_at <= now).order_by(Event.starts_at.desc(), Event.id)
    else:
        query = query.where(Event.ends_at > now).order_by(Event.starts_at, Event.id)
    if topic:
        query = query.where(Event.topics.any(Topic.slug == topic))
    if event_type:
        query = query.where(Event.event_type == event_type)
    if series:
        query = query.where(Event.series.has(Series.slug == series))
    return query


def filter_choices() -> tuple[list[Topic], list[str]]:
    """Return the topics and event types a visitor can filter the list by."""
    # Only topics of published talks: one typed on a draft stays private until then.
    published = (
        db.select(event_topic.c.topic_id)
        .join(Event, Event.id == event_topic.c.event_id)
        .where(Event.status == EventStatus.PUBLISHED)
    )
    topics = db.session.scalars(
        db.select(Topic).where(Topic.id.in_(published)).order_by(Topic.name)
    ).all()
    types = db.session.scalars(
        db.select(Event.event_type)
        .where(Event.status == EventStatus.PUBLISHED, Event.event_type != "")
        .distinct()
        .order_by(Event.event_type)
    ).all()
    return list(topics), list(types)


def public_event(slug: str, *, with_details: bool = True, with_questions: bool = False) -> Event:
    """Return a published or cancelled event, or 404; with_details loads what its page lists.

    The registration pages ask without details: they show none of them, and
    a registration holds SQLite's write lock for as long as its queries take.
    with_questions loads the registration questions and their options.
    """
    query = db.select(Event).where(Event.slug == slug, Event.status.in_(PUBLIC_STATUSES))
    if with_questions:
        query = query.options(selectinload(Event.questions).selectinload(Question.options))
    if with_details:
        query = query.options(
            selectinload(Event.speakers),
            selectinload(Event.materials),
            selectinload(Event.topics),
            selectinload(Event.series),
        )
    return db.one_or_404(query)


# Built once, and of the table's columns rather than the model's attributes, so
# that it runs as plain SQL without the ORM's work: the talk page runs it on every
# request, cached rendering or not.
_EVENT = Event.__table__
_SERIES = Series.__table__
_PAGE_VERSION = PreparedRead(db.select(
    *(
        _EVENT.c[name]
        for name in (
            "id", "updated_at", "seats_taken", "status", "capacity", "ends_at",
            "registration_opens_at", "registration_closes_at", "waitlist_enabled",
            "language", "other_languages",
        )
    ),
    # The page names and links its series: a renamed series changes the page.
    _SERIES.c.updated_at.label("series_updated_at"),
).select_from(
    _EVENT.outerjoin(_SERIES, _SERIES.c.id == _EVENT.c.series_id)
).where(
    _EVENT.c.slug == bindparam("slug"),
    # Not IN (...): an IN list is expanded at every execution, equalities are compiled once.
    or_(*(_EVENT.c.status == status for status in PUBLIC_STATUSES)),
))  # fmt: skip


def public_event_version(slug: str) -> Row:
    """Return what a public talk page's key and registration state need, or 404.

    Plain columns, not an Event: a cached page is answered from this one row,
    and loading an ORM object would cost more than the rest of the request.
    """
    row = page_version(_PAGE_VERSION, slug=slug)
    if row is None:
        abort(404)
    return row


def page_version(statement: PreparedRead, **params) -> Row | None:
    """Return the one row that a cached page's key is made of, or None.

    It is read on a short connection of its own rather than through the
    session, whose bookkeeping costs as much again (and on the driver's
    cursor: database.PreparedRead); a page rendered after it is keyed by it
    or by what the session then loads, never by anything older.
    """
    return statement.one_or_none(db.engine, **params)


# What a list of published talks shows moves whenever one of these does: a talk
# published, edited (its speakers, topics and translations too) or withdrawn
# moves the count, the latest change or the sum of the ids; a talk ending moves
# the count of past ones, which is how a list follows the clock. Counted over
# the talks the query joins as published (None for a series without any).
TALKS_SHOWN = (
    func.count(_EVENT.c.id),
    func.max(_EVENT.c.updated_at),
    func.sum(_EVENT.c.id),
    func.count(case((_EVENT.c.ends_at <= bindparam("now"), 1))),
)
_IS_PUBLISHED = _EVENT.c.status == EventStatus.PUBLISHED

# The lists show every published talk's series by name and link, and offer the
# series as a filter: a series renamed or removed moves their latest change or count.
_LISTING_VERSION = PreparedRead(
    db.select(
        *TALKS_SHOWN,
        db.select(func.count(_SERIES.c.id)).scalar_subquery(),
        db.select(func.max(_SERIES.c.updated_at)).scalar_subquery(),
    ).where(_IS_PUBLISHED)
)


def listing_version() -> Row:
    """Return what the lists of talks (upcoming, past) show, as their cache key needs it."""
    return page_version(_LISTING_VERSION, now=utcnow())


def calendar_feed() -> list[Event]:
    """Return the talks of the subscribable feed: upcoming, published or cancelled."""
    query = (
        db.select(Event)
        .where(Event.status.in_(PUBLIC_STATUSES), Event.ends_at > utcnow())
        .order_by(Event.starts_at, Event.id)
    )
    return list(db.session.scalars(query))
