"""The queries behind the public pages, each loading what its page shows in one go."""

from sqlalchemy import Select
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..models import Event, Topic, utcnow

# What is public: published talks, and cancelled ones so that people who
# planned to come learn about it. Drafts never leave the organiser's pages.
PUBLIC_STATUSES = ("published", "cancelled")


def listing(*, past: bool, topic: str | None = None, event_type: str | None = None) -> Select:
    """Return the query of published talks, upcoming soonest first or past latest first."""
    now = utcnow()
    query = db.select(Event).where(Event.status == "published")
    if past:
        query = query.where(Event.ends_at <= now).order_by(Event.starts_at.desc(), Event.id)
    else:
        query = query.where(Event.ends_at > now).order_by(Event.starts_at, Event.id)
    if topic:
        query = query.where(Event.topics.any(Topic.slug == topic))
    if event_type:
        query = query.where(Event.event_type == event_type)
    return query


def filter_choices() -> tuple[list[Topic], list[str]]:
    """Return the topics and event types a visitor can filter the list by."""
    topics = db.session.scalars(db.select(Topic).order_by(Topic.name)).all()
    types = db.session.scalars(
        db.select(Event.event_type)
        .where(Event.status == "published", Event.event_type != "")
        .distinct()
        .order_by(Event.event_type)
    ).all()
    return list(topics), list(types)


def public_event(slug: str) -> Event:
    """Return a published or cancelled event with its speakers, materials and topics, or 404."""
    return db.one_or_404(
        db.select(Event)
        .where(Event.slug == slug, Event.status.in_(PUBLIC_STATUSES))
        .options(
            selectinload(Event.speakers),
            selectinload(Event.materials),
            selectinload(Event.topics),
        )
    )


def public_event_row(slug: str) -> Event:
    """Return a published or cancelled event without its parts (one query), or 404."""
    return db.one_or_404(
        db.select(Event).where(Event.slug == slug, Event.status.in_(PUBLIC_STATUSES))
    )


def load_event_parts(event: Event) -> None:
    """Load an event's speakers, materials and topics, one query each."""
    db.session.execute(
        db.select(Event)
        .where(Event.id == event.id)
        .options(
            selectinload(Event.speakers),
            selectinload(Event.materials),
            selectinload(Event.topics),
        )
    ).scalar_one()


def calendar_feed() -> list[Event]:
    """Return the talks of the subscribable feed: upcoming, published or cancelled."""
    query = (
        db.select(Event)
        .where(Event.status.in_(PUBLIC_STATUSES), Event.ends_at > utcnow())
        .order_by(Event.starts_at, Event.id)
    )
    return list(db.session.scalars(query))
