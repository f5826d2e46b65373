"""The organiser's dashboard: their events with registration and email figures."""

from collections import defaultdict
from dataclasses import dataclass, field

from flask import render_template
from sqlalchemy import func

from ..extensions import db
from ..models import Event, OutboxEmail, Registration, utcnow
from . import bp
from .access import managed_events


@dataclass
class EventFigures:
    """Registration and email counts of one event."""

    confirmed: int = 0
    waitlisted: int = 0
    cancelled: int = 0
    joined: int = 0
    emails: dict[str, int] = field(default_factory=dict)

    @property
    def emails_pending(self) -> int:
        return self.emails.get("pending", 0) + self.emails.get("sending", 0)

    @property
    def emails_failed(self) -> int:
        return self.emails.get("failed", 0)


def figures_for(event_ids: list[int]) -> dict[int, EventFigures]:
    """Return the figures of these events, counted in two grouped queries."""
    figures: dict[int, EventFigures] = defaultdict(EventFigures)
    if not event_ids:
        return figures
    registrations = db.session.execute(
        db.select(
            Registration.event_id,
            Registration.status,
            func.count(),
            func.count(Registration.joined_at),
        )
        .where(Registration.event_id.in_(event_ids))
        .group_by(Registration.event_id, Registration.status)
    )
    for event_id, status, count, joined in registrations:
        if status in ("confirmed", "waitlisted", "cancelled"):
            setattr(figures[event_id], status, count)
        figures[event_id].joined += joined
    emails = db.session.execute(
        db.select(Registration.event_id, OutboxEmail.status, func.count())
        .join(Registration, OutboxEmail.registration_id == Registration.id)
        .where(
            Registration.event_id.in_(event_ids),
            OutboxEmail.status.in_(("pending", "sending", "failed")),
        )
        .group_by(Registration.event_id, OutboxEmail.status)
    )
    for event_id, status, count in emails:
        figures[event_id].emails[status] = count
    return figures


@bp.get("/")
def dashboard():
    """Show the organiser's events: upcoming, past and drafts."""
    events = db.session.scalars(managed_events().order_by(Event.starts_at)).all()
    now = utcnow()
    groups = {
        "upcoming": [e for e in events if e.status != "draft" and e.ends_at >= now],
        "past": [e for e in events if e.status != "draft" and e.ends_at < now][::-1],
        "drafts": [e for e in events if e.status == "draft"],
    }
    figures = figures_for([event.id for event in events])
    return render_template("organiser/dashboard.html", groups=groups, figures=figures)
