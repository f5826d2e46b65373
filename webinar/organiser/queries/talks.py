"""Reads about talks for the organiser pages: the dashboard's groups, topics, announcements."""

from ...extensions import db
from ...models import Announcement, Event, EventStatus, Organiser, Topic, utcnow
from .access import managed_events


def dashboard_groups(organiser: Organiser) -> dict[str, list[Event]]:
    """Return the organiser's events as upcoming (soonest first), past (latest first) and drafts."""
    events = db.session.scalars(managed_events(organiser).order_by(Event.starts_at)).all()
    now = utcnow()
    return {
        "upcoming": [e for e in events if e.status != EventStatus.DRAFT and e.ends_at >= now],
        "past": [e for e in events if e.status != EventStatus.DRAFT and e.ends_at < now][::-1],
        "drafts": [e for e in events if e.status == EventStatus.DRAFT],
    }


def topic_choices() -> list[tuple[int, str]]:
    """Return every topic as (id, name), by name, for the event form's choices."""
    topics = db.session.scalars(db.select(Topic).order_by(Topic.name))
    return [(topic.id, topic.name) for topic in topics]


def announcements_of(event: Event) -> list[Announcement]:
    """Return the announcements sent about an event, the latest first."""
    return list(
        db.session.scalars(
            db.select(Announcement)
            .where(Announcement.event_id == event.id)
            .order_by(Announcement.sent_at.desc(), Announcement.id.desc())
        )
    )
