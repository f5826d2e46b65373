"""What an organiser can do to the registrations of a talk, and to their emails."""

from datetime import datetime

from flask_babel import gettext as _

from ... import audit, notifications, privacy, seats, webhooks
from ...extensions import db
from ...mail.delivery import retry_failed
from ...models import AuditAction, Event, Registration
from ..queries.figures import NOT_SENT, not_sent_email_ids

# Failed emails put back in the queue per statement (SQLite caps bound parameters).
RETRY_CHUNK = 500


class AttendeeError(ValueError):
    """An action on a registration that cannot be done; the message says why."""


def add(event: Event, data: dict) -> seats.Outcome:
    """Register someone for a talk on an organiser's behalf (the API), as the form does."""
    return seats.register(
        event, data, on_created=lambda added: _record(AuditAction.REGISTRATION_ADDED, added)
    )


def record_attendance(registration: Registration, attended_at: datetime | None) -> None:
    """Record when a person attended the talk (None: they did not after all); commit.

    The one place attendance changes, so whatever follows from it is added here.
    """
    if registration.anonymised_at is not None:
        raise AttendeeError(_("These details were erased; there is no one to record."))
    registration.attended_at = attended_at
    webhooks.registration_event("attendance.recorded", registration)
    audit.record(
        AuditAction.ATTENDANCE_RECORDED,
        event=registration.event,
        registration_id=registration.id,
        details="attended" if attended_at is not None else "did not attend",
    )
    db.session.commit()


def cancel(registration: Registration) -> None:
    """Cancel a registration; its seat goes to the oldest person on the waiting list; commit."""
    cancelled = seats.withdraw(registration)
    if cancelled:
        _record(AuditAction.REGISTRATION_CANCELLED, registration)
    db.session.commit()
    if not cancelled:
        name = registration.full_name
        raise AttendeeError(_("%(name)s was already cancelled.", name=name) if name
                            else _("This registration was already cancelled."))  # fmt: skip


def promote(registration: Registration) -> None:
    """Give a person on the waiting list a seat, if one is free."""
    name = registration.full_name
    # Added first so that it commits with the promotion; a refusal rolls it back.
    _record(AuditAction.REGISTRATION_PROMOTED, registration)
    outcome = seats.promote(registration)
    if outcome != seats.CONFIRMED:
        db.session.rollback()
    if outcome == seats.FULL:
        raise AttendeeError(
            _(
                "No seat is free for %(name)s. Raise the capacity of the talk first, or cancel "
                "someone else's registration.",
                name=name
            )
        )
    if outcome != seats.CONFIRMED:
        raise AttendeeError(_("%(name)s is not on the waiting list any more.", name=name))


def resend_confirmation(registration: Registration) -> None:
    """Send a confirmed attendee their confirmation, with the join link, once more; commit."""
    if registration.status != seats.CONFIRMED or registration.anonymised_at is not None:
        raise AttendeeError(_("Only a confirmed attendee has a confirmation to send again."))
    notifications.enqueue_confirmation_again(registration)
    _record(AuditAction.CONFIRMATION_RESENT, registration)
    db.session.commit()


def check_erasable(registration: Registration) -> None:
    """Refuse to erase details that are erased already."""
    if registration.anonymised_at is not None:
        raise AttendeeError(_("These details were already erased."))


def erase(registration: Registration) -> None:
    """Erase one person's details on their request; commit."""
    check_erasable(registration)
    # Committed by privacy.erase with the erasure; the entry keeps the id only.
    _record(AuditAction.REGISTRATION_ERASED, registration)
    privacy.erase(registration)


def _record(action: AuditAction, registration: Registration) -> None:
    audit.record(action, event=registration.event, registration_id=registration.id)


def retry_failed_emails(event: Event) -> int:
    """Put an event's failed and held emails back in the queue; return how many."""
    failed = not_sent_email_ids(event)
    return sum(
        retry_failed(failed[start : start + RETRY_CHUNK], statuses=NOT_SENT)
        for start in range(0, len(failed), RETRY_CHUNK)
    )
