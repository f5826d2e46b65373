"""Reminders before a talk: 24 hours and 1 hour before the start, each once per seat.

The outbox loop calls enqueue_due_reminders() on every pass. A reminder is
due from its moment (the start minus its lead time) for a grace period
(REMINDER_GRACE_SECONDS); after that it is skipped, so someone who registers
two hours before the start gets the one-hour reminder but no "tomorrow" one.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from flask import current_app

from ..extensions import db
from ..models import Event, Registration, utcnow
from .bulk import enqueue_for

logger = logging.getLogger(__name__)

# Each reminder: its kind, how long before the start it is due, the event's switch.
REMINDERS = (
    ("reminder_24h", timedelta(hours=24), Event.reminder_24h),
    ("reminder_1h", timedelta(hours=1), Event.reminder_1h),
)


def events_due(kind: str, lead: timedelta, switch, now: datetime) -> list[int]:
    """Return the ids of the published events whose `kind` reminder is due now."""
    grace = timedelta(seconds=current_app.config["REMINDER_GRACE_SECONDS"][kind])
    return list(
        db.session.scalars(
            db.select(Event.id).where(
                Event.status == "published",
                switch.is_(True),
                Event.starts_at <= now + lead,
                Event.starts_at >= now + lead - grace,
            )
        )
    )


def enqueue_due_reminders(now: datetime | None = None) -> int:
    """Enqueue the reminders due now to confirmed registrants, once each; return how many."""
    if not current_app.config["REMINDERS_ENABLED"]:
        return 0
    now = now or utcnow()
    written = 0
    for kind, lead, switch in REMINDERS:
        for event_id in events_due(kind, lead, switch, now):
            confirmed = db.select(Registration).where(
                Registration.event_id == event_id, Registration.status == "confirmed"
            )
            written += enqueue_for(kind, confirmed, commit=True)
    db.session.commit()
    if written:
        logger.info("%d reminders added to the outbox", written)
    return written
