"""The followers' side of privacy: their anonymising, erasing, data download and retention.

As for registrations (webinar.privacy): anonymise() blanks every personal
detail of followers and of their emails while the counts stay; erase() is
what a person asks for on their "my subscriptions" page; the daily purge
deletes follows never confirmed within FOLLOW_CONFIRM_DAYS and anonymises
followers RETENTION_DAYS after they stopped following.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from .extensions import db
from .models import Follower, OutboxEmail, utcnow
from .notifications.followers import series_page_url
from .privacy import email_records, forget_emails


def anonymise(ids: list[int], now: datetime | None = None) -> None:
    """Blank these followers' details and their emails' ones, keeping who was told; caller commits.

    Their links stop working: each secret becomes a placeholder unique per row.
    """
    if not ids:
        return
    placeholder = sa.literal("anonymised-") + sa.cast(Follower.id, sa.String)
    db.session.execute(
        sa.update(Follower)
        .where(Follower.id.in_(ids))
        .values(
            email="",
            name="",
            email_normalised=placeholder,
            token=placeholder,
            unsubscribe_token=placeholder,
            confirm_token_hash=None,
            anonymised_at=now or utcnow(),
        )
        .execution_options(synchronize_session=False)
    )
    forget_emails(OutboxEmail.follower_id.in_(ids))


def same_address(follower: Follower) -> list[Follower]:
    """Return every follow of this follower's address (the "my subscriptions" link reaches all)."""
    return list(
        db.session.scalars(
            db.select(Follower)
            .where(
                Follower.email_normalised == follower.email_normalised,
                Follower.anonymised_at.is_(None),
            )
            .order_by(Follower.id)
        )
    )


def erase(follower: Follower) -> None:
    """Stop every follow of this address and erase its details and emails; commit."""
    ids = [row.id for row in same_address(follower)]
    db.session.execute(
        sa.update(Follower)
        .where(Follower.id.in_(ids), Follower.unsubscribed_at.is_(None))
        .values(unsubscribed_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    anonymise(ids)
    db.session.commit()


def _moment(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def personal_data(follower: Follower) -> dict:
    """Return everything stored about the follows of this address, as JSON-ready values."""
    follows = same_address(follower)
    emails = db.session.scalars(
        db.select(OutboxEmail)
        .where(OutboxEmail.follower_id.in_([row.id for row in follows]))
        .order_by(OutboxEmail.id)
    )
    return {
        "follows": [
            {
                "series": row.series.name,
                "page": series_page_url(row.series),
                "email": row.email,
                "name": row.name,
                "language": row.language,
                "asked_at": _moment(row.created_at),
                "privacy_notice_agreed_at": _moment(row.privacy_consent_at),
                "privacy_notice_version": row.privacy_notice_version,
                "confirmation_sent_at": _moment(row.confirmation_sent_at),
                "confirmed_at": _moment(row.confirmed_at),
                "unsubscribed_at": _moment(row.unsubscribed_at),
            }
            for row in follows
        ],
        "emails": email_records(emails),
    }


def purge(now: datetime) -> tuple[int, int]:
    """Delete stale unconfirmed follows, anonymise long-unsubscribed followers; caller commits.

    Return (deleted, anonymised).
    """
    config = current_app.config
    asked_before = now - timedelta(days=config["FOLLOW_CONFIRM_DAYS"])
    deleted = db.session.execute(
        sa.delete(Follower)
        .where(
            Follower.confirmed_at.is_(None),
            sa.func.coalesce(Follower.confirmation_sent_at, Follower.created_at) <= asked_before,
        )
        .execution_options(synchronize_session=False)
    ).rowcount
    left_before = now - timedelta(days=config["RETENTION_DAYS"])
    expired = list(
        db.session.scalars(
            db.select(Follower.id).where(
                Follower.anonymised_at.is_(None), Follower.unsubscribed_at <= left_before
            )
        )
    )
    anonymise(expired, now)
    return deleted, len(expired)
