"""The organiser's dashboard: their events with registration and email figures."""

from collections import defaultdict
from dataclasses import dataclass, field

from flask import flash, redirect, render_template, url_for
from sqlalchemy import func

from ...extensions import db
from ...mail.delivery import retry_failed
from ...models import Event, OutboxEmail, Registration, utcnow
from .. import bp
from ..queries.access import get_managed_event_or_404, managed_events

# Failed emails put back in the queue per statement (SQLite caps bound parameters).
RETRY_CHUNK = 500
# Emails not sent that the Retry button sends: failed ones, and those held by
# the cap on emails per mailbox (webinar.mail.caps), which an organiser may send.
NOT_SENT = ("failed", "held")


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
        return sum(self.emails.get(status, 0) for status in NOT_SENT)

    @property
    def attendance_rate(self) -> float | None:
        """Return the share of confirmed attendees who joined, None when nobody was confirmed."""
        return self.joined / self.confirmed if self.confirmed else None


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
            OutboxEmail.status.in_(("pending", "sending", *NOT_SENT)),
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


@bp.post("/events/<int:event_id>/emails/retry")
def retry_failed_emails(event_id: int):
    """Put an event's failed emails back in the queue."""
    event = get_managed_event_or_404(event_id)
    failed = db.session.scalars(
        db.select(OutboxEmail.id)
        .join(Registration, OutboxEmail.registration_id == Registration.id)
        .where(Registration.event_id == event.id, OutboxEmail.status.in_(NOT_SENT))
    ).all()
    queued = sum(
        retry_failed(failed[start : start + RETRY_CHUNK], statuses=NOT_SENT)
        for start in range(0, len(failed), RETRY_CHUNK)
    )
    if queued:
        flash(f"{queued} failed {'email is' if queued == 1 else 'emails are'} queued again "
              f"for “{event.title}”.", "success")  # fmt: skip
    else:
        flash(f"“{event.title}” has no failed emails.", "warning")
    return redirect(url_for("organiser.dashboard"))
