"""Unsubscribe: one click stops every email that is news rather than about a registration.

Announcements and follow-ups are not strictly about the registration a
person made, so each carries an unsubscribe link, in its body and in the
List-Unsubscribe header (RFC 8058 one-click). Unsubscribing withdraws
marketing consent on every registration of that person (same normalised
address) and records when, so none of them gets news again.

The link's secret is Registration.unsubscribe_token, a random value stored
with the registration, not the personal token: mail providers see these
links, and this one can do nothing but unsubscribe. Stored rather than
signed with SECRET_KEY, so rotating that key never breaks the links in
emails people already have, and erasing a registration replaces it, so an
erased person's old link leads nowhere.
"""

from __future__ import annotations

import re

import sqlalchemy as sa

from .calendar import public_url
from .extensions import db
from .models import OutboxEmail, OutboxStatus, Registration, utcnow

# The kinds of email that are news: they carry the link, and stop after it is used.
NEWS_KINDS = ("announcement", "follow_up")
# What secrets.token_urlsafe(32) gives; anything else is refused before the database.
TOKEN_FORMAT = re.compile(r"[A-Za-z0-9_-]{43}")


def unsubscribe_url(registration: Registration) -> str:
    """Return the absolute one-click unsubscribe link of a registration."""
    return public_url("registration.unsubscribe", token=registration.unsubscribe_token)


def receives_news() -> sa.ColumnElement[bool]:
    """Return the condition a registration must meet to be sent news."""
    return Registration.unsubscribed_at.is_(None)


def registration_for(token: str) -> Registration | None:
    """Return the registration whose unsubscribe link this is, or None."""
    if not TOKEN_FORMAT.fullmatch(token):
        return None
    return db.session.execute(
        db.select(Registration).where(
            Registration.unsubscribe_token == token, Registration.anonymised_at.is_(None)
        )
    ).scalar_one_or_none()


def unsubscribe(registration: Registration) -> None:
    """Stop news to this person on all their registrations, drop their unsent news; commit.

    The first unsubscription's time stays: unsubscribing twice changes nothing.
    """
    same_person = (
        Registration.email_normalised == registration.email_normalised,
        Registration.anonymised_at.is_(None),
    )
    now = utcnow()
    db.session.execute(
        sa.update(Registration)
        .where(*same_person)
        .values(
            marketing_consent=False,
            unsubscribed_at=sa.func.coalesce(Registration.unsubscribed_at, now),
        )
        .execution_options(synchronize_session=False)
    )
    # News already in the outbox but not yet sent would arrive after the
    # person said stop; an email being sent right now still goes.
    db.session.execute(
        sa.delete(OutboxEmail)
        .where(
            OutboxEmail.registration_id.in_(db.select(Registration.id).where(*same_person)),
            OutboxEmail.kind.in_(NEWS_KINDS),
            OutboxEmail.status == OutboxStatus.PENDING,
        )
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
