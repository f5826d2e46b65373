"""What the app tells people: one function per occasion, each writing to the outbox.

Every function adds its emails in the caller's transaction (those that
commit say so), through the one row builder (rows.py), where the cap on
emails from public forms and the unsubscribe rule apply. Delivery
(webinar.mail.delivery) sends the rows later; the periodic jobs
(webinar.jobs) call enqueue_due_reminders.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from flask import current_app

from .. import audit
from ..extensions import db
from ..lifecycle import announcement_context, follow_up_context, registrants
from ..models import (
    ANNOUNCEMENT_AUDIENCES,
    Announcement,
    AuditAction,
    Event,
    EventStatus,
    OutboxEmail,
    Registration,
    RegistrationStatus,
    utcnow,
)
from ..talk_languages import text_of
from .accounts import (  # noqa: F401
    enqueue_invitation,
    enqueue_password_changed,
    enqueue_password_reset,
)
from .rows import enqueue, enqueue_for, insert_email

logger = logging.getLogger(__name__)

# "Already registered" emails re-send the personal link; one per this period at most.
ALREADY_REGISTERED_INTERVAL = timedelta(minutes=10)

# Each reminder: its kind, how long before the start it is due, the event's switch.
REMINDERS = (
    ("reminder_24h", timedelta(hours=24), Event.reminder_24h),
    ("reminder_1h", timedelta(hours=1), Event.reminder_1h),
)


# -- About one registration --------------------------------------------------


def enqueue_confirmation(registration: Registration) -> OutboxEmail:
    """Tell a new attendee their seat is confirmed, with the join link and calendar file."""
    return enqueue("confirmation", registration)


def enqueue_confirmation_again(registration: Registration) -> OutboxEmail:
    """Send an attendee their confirmation once more, at an organiser's request."""
    # "confirmation" goes out once per registration (a unique index keeps it so);
    # a re-send is a kind of its own that may repeat, with the same content
    # (mail.render.TEMPLATES).
    return enqueue("confirmation_resend", registration)


def enqueue_waitlisted(registration: Registration) -> OutboxEmail:
    """Tell a new registrant they are on the waiting list."""
    return enqueue("waitlisted", registration)


def enqueue_registered(registration) -> None:
    """Tell someone seats.register has just registered: seat confirmed, or on the waiting list."""
    confirmed = registration.status == RegistrationStatus.CONFIRMED
    insert_email("confirmation" if confirmed else "waitlisted", registration)


def enqueue_promoted(registration: Registration) -> OutboxEmail:
    """Tell a waitlisted person a seat is now theirs, with the join link and calendar file."""
    return enqueue("promoted", registration)


def enqueue_cancelled(registration: Registration) -> OutboxEmail:
    """Confirm to an attendee that their registration is cancelled."""
    return enqueue("cancelled", registration)


def enqueue_already_registered(registration: Registration) -> bool:
    """Re-send the personal link to someone who registered again; False if sent lately."""
    since = utcnow() - ALREADY_REGISTERED_INTERVAL
    recent = db.session.execute(
        db.select(OutboxEmail.id)
        .where(
            OutboxEmail.registration_id == registration.id,
            OutboxEmail.kind == "already_registered",
            OutboxEmail.created_at > since,
        )
        .limit(1)
    ).scalar_one_or_none()
    if recent is not None:
        return False
    enqueue("already_registered", registration)
    return True


# -- About a talk, to its registrants -----------------------------------------


def enqueue_event_updated(event: Event) -> int:
    """Tell every confirmed registrant that the time or join link changed; the caller commits.

    The calendar file has the UID of the one in their confirmation and the
    event's raised sequence, so calendar apps move the entry.
    """
    return enqueue_for("updated", registrants(event, RegistrationStatus.CONFIRMED))


def enqueue_event_cancelled(event: Event) -> int:
    """Tell every active registrant that the talk is cancelled (once each); the caller commits."""
    return enqueue_for(
        "event_cancelled",
        registrants(event, RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED),
        context=lambda _registration: {"join_url": None},
    )


def enqueue_follow_up(event: Event) -> int:
    """Enqueue the follow-up for everyone with a seat who lacks it; commit; return how many.

    People who stayed on the waiting list never had a seat, so they get none.
    """
    confirmed = registrants(event, RegistrationStatus.CONFIRMED)

    def language(registration: Registration) -> str:
        # The summary is the heart of the follow-up: without it in the person's
        # language, the whole email is in the talk's, not half and half.
        own = registration.language
        if not event.post_summary.strip() or text_of(event, "post_summary", own).lang == own:
            return own
        return event.language

    written = enqueue_for("follow_up", confirmed, context=follow_up_context, language=language)
    if written and event.follow_up_sent_at is None:
        event.follow_up_sent_at = utcnow()
    if written:
        audit.record(AuditAction.FOLLOW_UP_SENT, event=event, details=f"{written} emails")
    db.session.commit()
    return written


def enqueue_announcement(
    event: Event,
    audience: str,
    subject: str,
    body: str,
    sent_by_id: int | None,
    translations: dict[str, dict[str, str]] | None = None,
) -> Announcement:
    """Record an announcement and enqueue it for its audience; commit.

    `translations` holds the message in other languages of the talk
    ({"fr": {"subject": ..., "body": ...}}): each person gets it in theirs
    when it is written, otherwise the whole email is in the talk's language.
    """
    written = {event.language: (subject, body)}
    for code, texts in (translations or {}).items():
        written[code] = (texts["subject"], texts["body"])
    contexts = {code: announcement_context(*texts) for code, texts in written.items()}

    def language(registration: Registration) -> str:
        return registration.language if registration.language in written else event.language

    recipients = enqueue_for(
        "announcement",
        registrants(event, *ANNOUNCEMENT_AUDIENCES[audience]),
        context=lambda registration: contexts[language(registration)],
        language=language,
    )
    announcement = Announcement(
        event=event,
        audience=audience,
        subject=subject,
        body=body,
        translations=translations or {},
        recipients=recipients,
        sent_by_id=sent_by_id,
    )
    db.session.add(announcement)
    audit.record(
        AuditAction.ANNOUNCEMENT_SENT, event=event, details=f"to {audience}: {recipients} emails"
    )
    db.session.commit()
    current_app.logger.info("Announcement %d queued for %d people", announcement.id, recipients)
    return announcement


# -- Reminders before a talk --------------------------------------------------
# 24 hours and 1 hour before the start, each once per seat. A reminder is due
# from its moment (the start minus its lead time) for a grace period
# (REMINDER_GRACE_SECONDS); after that it is skipped, so someone who registers
# two hours before the start gets the one-hour reminder but no "tomorrow" one.


def events_due(kind: str, lead: timedelta, switch, now: datetime) -> list[int]:
    """Return the ids of the published events whose `kind` reminder is due now."""
    grace = timedelta(seconds=current_app.config["REMINDER_GRACE_SECONDS"][kind])
    return list(
        db.session.scalars(
            db.select(Event.id).where(
                Event.status == EventStatus.PUBLISHED,
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
                Registration.event_id == event_id,
                Registration.status == RegistrationStatus.CONFIRMED,
            )
            written += enqueue_for(kind, confirmed, commit=True)
    db.session.commit()
    if written:
        logger.info("%d reminders added to the outbox", written)
    return written
