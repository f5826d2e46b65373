"""The audit log as pages: a talk's entries, or every entry filtered by person, talk and action.

Newest first, 50 a page; the indexes on (event_id, at) and (actor_id, at)
serve a talk's log and a person's log in order.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy.orm import joinedload

from ...extensions import db
from ...models import AuditEntry, Event, Organiser

PER_PAGE = 50


@dataclass(frozen=True)
class LogFilter:
    """Which entries to show: every one, or one person's, one talk's, one action's; and the page."""

    actor_id: int | None = None
    event_id: int | None = None
    action: str = ""
    page: int = 1


def log_page(filters: LogFilter) -> Pagination:
    """Return the page of entries the filter asks for (beyond the last: empty)."""
    query = db.select(AuditEntry).options(
        joinedload(AuditEntry.event), joinedload(AuditEntry.actor)
    )
    if filters.actor_id is not None:
        query = query.where(AuditEntry.actor_id == filters.actor_id)
    if filters.event_id is not None:
        query = query.where(AuditEntry.event_id == filters.event_id)
    if filters.action:
        query = query.where(AuditEntry.action == filters.action)
    query = query.order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    return db.paginate(query, page=filters.page, per_page=PER_PAGE, error_out=False)


def people_choices() -> list[tuple[str, str]]:
    """Return every organiser as (id, "name (email)"), by name, for the log's person filter."""
    people = db.session.execute(
        db.select(Organiser.id, Organiser.name, Organiser.email).order_by(
            Organiser.name, Organiser.id
        )
    )
    return [(str(id_), f"{name} ({email})") for id_, name, email in people]


def talk_choices() -> list[tuple[str, str]]:
    """Return every talk as (id, "title, date"), latest first, for the log's talk filter."""
    talks = db.session.execute(
        db.select(Event.id, Event.title, Event.starts_at).order_by(
            Event.starts_at.desc(), Event.id
        )
    )
    return [(str(id_), f"{title}, {starts_at:%Y-%m-%d}") for id_, title, starts_at in talks]
