"""The reads behind a series' public page and feeds.

A series shows its published talks only: a draft stays with its organisers,
and a cancelled talk leaves the page and the Atom feed. The calendar feed
keeps an upcoming cancelled talk, marked cancelled, so that calendars which
subscribed to it drop the entry (as the site's own calendar feed does).
"""

from flask import abort
from sqlalchemy import Row, Select, bindparam
from sqlalchemy.orm import selectinload

from ..database import PreparedRead
from ..events.queries import TALKS_SHOWN, page_version
from ..extensions import db
from ..models import Event, EventStatus, Series, utcnow

# Past talks the series page lists; the rest are on the past talks page, filtered by the series.
PAST_ON_PAGE = 24
# Entries in the Atom feed: the newest talks.
FEED_ENTRIES = 50


def public_series(slug: str) -> Series:
    """Return the series with this address, or answer 404."""
    return db.one_or_404(db.select(Series).where(Series.slug == slug))


_SERIES = Series.__table__
_EVENT = Event.__table__
# The series' own row and its published talks: what its page shows.
_PAGE_VERSION = PreparedRead(
    db.select(_SERIES.c.id, _SERIES.c.updated_at, *TALKS_SHOWN)
    .select_from(
        _SERIES.outerjoin(
            _EVENT,
            (_EVENT.c.series_id == _SERIES.c.id) & (_EVENT.c.status == EventStatus.PUBLISHED),
        )
    )
    .where(_SERIES.c.slug == bindparam("slug"))
    .group_by(_SERIES.c.id, _SERIES.c.updated_at)
)


def series_page_version(slug: str) -> Row:
    """Return what a series page's cache key needs, or answer 404."""
    row = page_version(_PAGE_VERSION, slug=slug, now=utcnow())
    if row is None:
        abort(404)
    return row


def _published(series: Series) -> Select:
    return (
        db.select(Event)
        .where(Event.series_id == series.id, Event.status == EventStatus.PUBLISHED)
        .options(selectinload(Event.series))
    )


def upcoming_talks(series: Series) -> list[Event]:
    """Return the series' published talks still to come or running, soonest first."""
    query = _published(series).where(Event.ends_at > utcnow())
    return list(db.session.scalars(query.order_by(Event.starts_at, Event.id)))


def past_talks(series: Series, limit: int = PAST_ON_PAGE) -> tuple[list[Event], bool]:
    """Return the series' latest published past talks, most recent first, and whether more exist."""
    query = _published(series).where(Event.ends_at <= utcnow())
    found = list(db.session.scalars(
        query.order_by(Event.starts_at.desc(), Event.id.desc()).limit(limit + 1)))  # fmt: skip
    return found[:limit], len(found) > limit


def calendar_talks(series: Series) -> list[Event]:
    """Return the talks of the series' calendar feed: published ones, and cancelled ones to come."""
    cancelled_to_come = (Event.status == EventStatus.CANCELLED) & (Event.ends_at > utcnow())
    query = db.select(Event).where(
        Event.series_id == series.id, (Event.status == EventStatus.PUBLISHED) | cancelled_to_come
    )
    return list(db.session.scalars(query.order_by(Event.starts_at, Event.id)))


def feed_talks(series: Series, limit: int = FEED_ENTRIES) -> list[Event]:
    """Return the series' published talks for its Atom feed, the newest first."""
    query = _published(series).order_by(Event.created_at.desc(), Event.id.desc()).limit(limit)
    return list(db.session.scalars(query))


def listed_series() -> list[Series]:
    """Return the series that have a published talk, by name: the home page's filter."""
    published = db.select(Event.series_id).where(Event.status == EventStatus.PUBLISHED)
    query = db.select(Series).where(Series.id.in_(published)).order_by(Series.name, Series.id)
    return list(db.session.scalars(query))
