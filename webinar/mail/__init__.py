"""Emails to attendees, written to the outbox with the change that causes them.

Each function adds one OutboxEmail row to the session and leaves the commit
to its caller, so a registration and its email are saved together or not at
all. Delivery (webinar.mail.delivery) sends the rows later.
"""

from __future__ import annotations

from datetime import timedelta

from ..extensions import db
from ..models import OutboxEmail, Registration, utcnow
from .caps import canonical_mailbox, hold, mailbox_is_full
from .render import render_email

# "Already registered" emails re-send the personal link; one per this period at most.
ALREADY_REGISTERED_INTERVAL = timedelta(minutes=10)


def enqueue(kind: str, registration: Registration) -> OutboxEmail:
    """Render an email of this kind for the registration and add it to the outbox."""
    rendered = render_email(kind, registration)
    email = OutboxEmail(
        kind=kind,
        registration=registration,
        recipient=registration.email,
        mailbox=canonical_mailbox(registration.email),
        subject=rendered.subject,
        text_body=rendered.text_body,
        html_body=rendered.html_body,
        ics=rendered.ics,
        unsubscribe_url=rendered.unsubscribe_url,
        next_attempt_at=utcnow(),
    )
    db.session.add(email)
    return email


def enqueue_from_form(kind: str, registration: Registration) -> OutboxEmail:
    """Add an email a public form caused; hold it if its mailbox had enough this hour."""
    # Counted before the row is added: the query would flush it and count it too.
    full = mailbox_is_full(canonical_mailbox(registration.email))
    email = enqueue(kind, registration)
    if full:
        hold(email)
    return email


def enqueue_confirmation(registration: Registration) -> OutboxEmail:
    """Tell a new attendee their seat is confirmed, with the join link and calendar file."""
    return enqueue_from_form("confirmation", registration)


def enqueue_confirmation_again(registration: Registration) -> OutboxEmail:
    """Send an attendee their confirmation once more, at an organiser's request."""
    email = enqueue("confirmation", registration)
    # "confirmation" goes out once per registration (a unique index keeps it so);
    # a re-send is a kind of its own that may repeat, with the same content.
    email.kind = "confirmation_resend"
    return email


def enqueue_waitlisted(registration: Registration) -> OutboxEmail:
    """Tell a new registrant they are on the waiting list."""
    return enqueue_from_form("waitlisted", registration)


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
    enqueue_from_form("already_registered", registration)
    return True
