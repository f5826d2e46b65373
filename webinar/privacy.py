"""Privacy by default: the one way to anonymise, the retention purge, a person's copy of their data.

anonymise() blanks every personal detail of registrations and of their
emails; erase() uses it for a person who asks to be forgotten (themselves or
through an organiser), and the purge for registrations past retention.

The purge anonymises registrations RETENTION_DAYS after their event ended,
empties the bodies of emails sent (or failed, or held) more than
EMAIL_BODY_RETENTION_DAYS ago, removes the person from webhook deliveries
as old, deletes the .eml files of the development
mailbox as old, and deletes organiser sessions that went idle and password
reset links that expired. Followers have the same
treatment in follower_privacy.py, called from here. It runs from
`flask privacy purge` and once a day from the periodic jobs; it logs counts,
never who.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import AppGroup

from . import webhooks
from .calendar import public_url
from .extensions import db
from .models import (
    Answer,
    EmailChange,
    Event,
    OutboxEmail,
    OutboxStatus,
    Registration,
    WebhookDelivery,
    utcnow,
)
from .seats import withdraw

logger = logging.getLogger(__name__)

CHUNK = 500

# Fields of a registration that name a person or say where they came from;
# anonymise() blanks them.
PERSONAL_FIELDS = (
    "first_name",
    "last_name",
    "email",
    "organisation",
    "country",
    "job_title",
    "attendee_timezone",
    "utm_source",
    "utm_medium",
    "utm_campaign",
    "referrer",
)


@dataclass(frozen=True)
class PurgeResult:
    registrations: int
    email_bodies: int
    mailbox_files: int = 0
    organiser_sessions: int = 0
    reset_links: int = 0
    email_links: int = 0
    invitations: int = 0
    unconfirmed_follows: int = 0
    followers: int = 0
    webhook_payloads: int = 0


def purge(now: datetime | None = None) -> PurgeResult:
    """Anonymise registrations past retention, empty old emails, delete idle sessions; commit.

    Return the counts.
    """
    # Imported here: the organiser package and follower_privacy import this module.
    from . import follower_privacy
    from .organiser.services.invitations import delete_closed_invitations
    from .organiser.services.password_reset import delete_expired_links
    from .organiser.services.sessions import end_idle_sessions

    now = now or utcnow()
    config = current_app.config
    ended_before = now - timedelta(days=config["RETENTION_DAYS"])
    expired = list(
        db.session.scalars(
            db.select(Registration.id)
            .join(Event, Event.id == Registration.event_id)
            .where(Registration.anonymised_at.is_(None), Event.ends_at <= ended_before)
            .order_by(Registration.id)
        )
    )
    for start in range(0, len(expired), CHUNK):
        anonymise(expired[start : start + CHUNK], now)

    sent_before = now - timedelta(days=config["EMAIL_BODY_RETENTION_DAYS"])
    # A failed email's last try is when it was last claimed; a held one was never tried.
    failed_before = sa.func.coalesce(OutboxEmail.claimed_at, OutboxEmail.created_at) <= sent_before
    sent = OutboxEmail.status == OutboxStatus.SENT
    not_sent = OutboxEmail.status.in_((OutboxStatus.FAILED, OutboxStatus.HELD))
    bodies = db.session.execute(
        sa.update(OutboxEmail)
        .where(
            sa.or_(
                sa.and_(sent, OutboxEmail.sent_at <= sent_before),
                sa.and_(not_sent, failed_before),
            )
        )
        .where(
            sa.or_(
                OutboxEmail.text_body != "",
                OutboxEmail.html_body != "",
                OutboxEmail.ics.is_not(None),
                # Held past the period and never written: never written then.
                OutboxEmail.language.is_not(None),
            )
        )
        .values(text_body="", html_body="", ics=None, language=None)
        .execution_options(synchronize_session=False)
    ).rowcount
    sessions = end_idle_sessions(now)
    reset_links = delete_expired_links(now)
    email_links = delete_expired_links(now, EmailChange)
    invitations = delete_closed_invitations(now)
    unconfirmed_follows, followers = follower_privacy.purge(now)
    # Deliveries keep their event and status; a person's details leave them as emails' bodies do.
    payloads = webhooks.strip_personal(WebhookDelivery.created_at <= sent_before)
    db.session.commit()
    result = PurgeResult(
        registrations=len(expired),
        email_bodies=bodies,
        mailbox_files=purge_mailbox(sent_before),
        organiser_sessions=sessions,
        reset_links=reset_links,
        email_links=email_links,
        invitations=invitations,
        unconfirmed_follows=unconfirmed_follows,
        followers=followers,
        webhook_payloads=payloads,
    )
    logger.info(
        "Retention purge: %d registrations anonymised, %d email bodies deleted, "
        "%d old files deleted from the mailbox folder, %d idle organiser sessions ended, "
        "%d expired password reset links, %d expired email change links and "
        "%d closed invitations deleted, %d unconfirmed follows deleted, "
        "%d followers anonymised; personal data removed from %d webhook deliveries",
        result.registrations,
        result.email_bodies,
        result.mailbox_files,
        result.organiser_sessions,
        result.reset_links,
        result.email_links,
        result.invitations,
        result.unconfirmed_follows,
        result.followers,
        result.webhook_payloads,
    )
    return result


def purge_mailbox(written_before: datetime) -> int:
    """Delete the .eml files of the development mailbox written before a moment; return how many.

    They hold whole emails (addresses, personal links), so they last no
    longer than the bodies kept in the outbox.
    """
    folder = Path(current_app.config["MAILBOX_FOLDER"])
    if not folder.is_dir():
        return 0
    deleted = 0
    for path in folder.glob("*.eml"):
        try:
            if path.is_file() and path.stat().st_mtime <= written_before.timestamp():
                path.unlink()
                deleted += 1
        except OSError as error:
            # A file removed meanwhile or not ours to delete: the next purge tries again.
            logger.warning("Could not delete an old mailbox file: %s", error.strerror)
    return deleted


def erase(registration: Registration) -> None:
    """Cancel a registration, erase the person's details and their emails, and commit."""
    withdraw(registration, notify=False)
    anonymise([registration.id])
    db.session.commit()


def anonymise(ids: list[int], now: datetime | None = None) -> None:
    """Blank the personal details of these registrations and of their emails, keeping the counts.

    Statuses and join times stay, so attendance figures survive; the
    normalised address becomes a placeholder unique per row, since the
    one-active-registration index still covers these rows. The caller commits.
    """
    # Receivers are told first, while each registration still names its talk; the
    # person leaves the deliveries already written about them.
    webhooks.erased_events(ids)
    webhooks.strip_personal(WebhookDelivery.registration_id.in_(ids))
    placeholder = sa.literal("anonymised-") + sa.cast(Registration.id, sa.String)
    db.session.execute(
        sa.update(Registration)
        .where(Registration.id.in_(ids))
        .values(
            **dict.fromkeys(PERSONAL_FIELDS, ""),
            email_normalised=placeholder,
            marketing_consent=False,
            marketing_consent_at=None,
            # The old unsubscribe link, seen by mail providers, now leads nowhere.
            unsubscribe_token=placeholder,
            unsubscribed_at=None,
            anonymised_at=now or utcnow(),
        )
        .execution_options(synchronize_session=False)
    )
    # A new join secret for each, never sent anywhere: old join links stop working.
    db.session.execute(
        sa.update(Registration),
        [{"id": row_id, "join_token": secrets.token_urlsafe(32)} for row_id in ids],
    )
    # Answers are the person's own words and choices: none is kept.
    db.session.execute(
        sa.delete(Answer)
        .where(Answer.registration_id.in_(ids))
        .execution_options(synchronize_session=False)
    )
    forget_emails(OutboxEmail.registration_id.in_(ids))


def forget_emails(whose: sa.ColumnElement[bool]) -> None:
    """Delete the unsent emails of people to be forgotten; keep only the kind and times of sent
    ones. The caller commits."""
    db.session.execute(
        sa.delete(OutboxEmail)
        .where(whose, OutboxEmail.status != OutboxStatus.SENT)
        .execution_options(synchronize_session=False)
    )
    db.session.execute(
        sa.update(OutboxEmail)
        .where(whose)
        .values(recipient="", mailbox="", subject="", text_body="", html_body="", ics=None)
        .execution_options(synchronize_session=False)
    )


def _moment(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def personal_data(registration: Registration) -> dict:
    """Return everything stored about a person's registration, as JSON-ready values."""
    # Imported here: the registration package imports this module.
    from .registration.answers import answer_lines

    event = registration.event
    emails = db.session.scalars(
        db.select(OutboxEmail)
        .where(OutboxEmail.registration_id == registration.id)
        .order_by(OutboxEmail.id)
    )
    return {
        "registration": {
            "first_name": registration.first_name,
            "last_name": registration.last_name,
            "email": registration.email,
            "organisation": registration.organisation,
            "job_title": registration.job_title,
            "country": registration.country,
            "status": registration.status,
            "registered_at": _moment(registration.created_at),
            "cancelled_at": _moment(registration.cancelled_at),
            "first_joined_at": _moment(registration.joined_at),
            "last_joined_at": _moment(registration.last_joined_at),
            "attended_at": _moment(registration.attended_at),
            "time_zone": registration.attendee_timezone,
            "language": registration.language,
            "came_from": {
                "utm_source": registration.utm_source,
                "utm_medium": registration.utm_medium,
                "utm_campaign": registration.utm_campaign,
                "referrer": registration.referrer,
            },
            "privacy_notice_agreed_at": _moment(registration.privacy_consent_at),
            "privacy_notice_version": registration.privacy_notice_version,
            "marketing_consent": registration.marketing_consent,
            "marketing_consent_at": _moment(registration.marketing_consent_at),
            "unsubscribed_at": _moment(registration.unsubscribed_at),
            "anonymised_at": _moment(registration.anonymised_at),
        },
        "answers": [
            {"question": label, "answer": value}
            for label, value in answer_lines(registration.answers)
        ],
        "event": {
            "title": event.title,
            "page": public_url("events.detail", slug=event.slug),
            "starts_at": _moment(event.starts_at),
            "ends_at": _moment(event.ends_at),
            "time_zone": event.timezone,
        },
        "webhooks": [
            {
                "event": delivery.event_type,
                "to": delivery.endpoint.url,
                "included_personal_data": delivery.personal,
                "status": delivery.status,
                "created_at": _moment(delivery.created_at),
                "sent_at": _moment(delivery.sent_at),
            }
            for delivery in db.session.scalars(
                db.select(WebhookDelivery)
                .where(WebhookDelivery.registration_id == registration.id)
                .order_by(WebhookDelivery.id)
            )
        ],
        "emails": email_records(emails),
    }


def email_records(emails) -> list[dict]:
    """Return what a person's data download says of each email sent to them."""
    return [
        {
            "kind": email.kind,
            "to": email.recipient,
            "subject": email.subject,
            "status": email.status,
            "created_at": _moment(email.created_at),
            "sent_at": _moment(email.sent_at),
        }
        for email in emails
    ]


privacy_group = AppGroup("privacy", help="Retention of personal data.")


@privacy_group.command("purge")
def purge_command() -> None:
    """Anonymise registrations past retention and delete the bodies of old emails."""
    result = purge()
    click.echo(
        f"Anonymised {result.registrations} registrations; "
        f"deleted the bodies of {result.email_bodies} sent or failed emails "
        f"and {result.mailbox_files} old files of the mailbox folder."
    )
