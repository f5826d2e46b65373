"""Following a series: asking to, confirming by the emailed link, and stopping.

Following means ongoing email, so it starts only once the person opens the
link sent to the address (double opt-in). Anyone can type anyone's address
into the form, so:
- the answer to the form is the same whether or not the address already
  follows (nobody can find out who follows what);
- one address gets at most one confirmation email per series a day
  (CONFIRMATION_INTERVAL), whatever is typed, and the per-mailbox cap of
  public forms applies as well;
- the link's secret is stored only as its SHA-256: the database alone
  confirms nobody.
A follow that is not confirmed within UNCONFIRMED_DAYS is deleted by the
retention purge (webinar.privacy).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.exc import IntegrityError

from .calendar import public_url
from .extensions import db
from .models import Follower, OutboxEmail, OutboxStatus, Series, utcnow
from .notifications.followers import enqueue_follow_confirmation
from .text import normalise_email

CONFIRMATION_INTERVAL = timedelta(days=1)
# Emails that stop when the person stops following.
FOLLOWER_NEWS = ("series_announcement",)


@dataclass(frozen=True)
class FollowRequest:
    email: str
    name: str
    privacy_notice_version: str
    language: str = ""


def token_hash(token: str) -> str:
    """Return the stored form of a confirmation link's secret."""
    return hashlib.sha256(token.encode()).hexdigest()


def follow(series: Series, request: FollowRequest) -> bool:
    """Ask to follow a series: email the confirmation link unless sent lately; commit.

    Return whether an email was written (the visitor is told the same either way).
    """
    try:
        sent = _follow(series, request)
        db.session.commit()
    except IntegrityError:
        # The same address asked at the same moment from elsewhere: the
        # second try finds that row and is treated as a repeat.
        db.session.rollback()
        sent = _follow(series, request)
        db.session.commit()
    return sent


def _follow(series: Series, request: FollowRequest) -> bool:
    email_normalised = normalise_email(request.email)
    now = utcnow()
    follower = db.session.execute(
        db.select(Follower).where(
            Follower.series_id == series.id, Follower.email_normalised == email_normalised
        )
    ).scalar_one_or_none()
    if follower is None:
        follower = Follower(
            series=series,
            email=request.email,
            email_normalised=email_normalised,
            name=request.name,
            language=request.language or series.language,
            privacy_consent_at=now,
            privacy_notice_version=request.privacy_notice_version,
            created_at=now,
        )
        db.session.add(follower)
        db.session.flush()
    elif (
        follower.confirmation_sent_at is not None
        and follower.confirmation_sent_at > now - CONFIRMATION_INTERVAL
    ):
        return False
    elif not follower.is_following:
        # A new consent, given now; the details stay as the person confirmed
        # them, so a stranger cannot change what a follower's emails say.
        follower.privacy_consent_at = now
        follower.privacy_notice_version = request.privacy_notice_version
        if follower.confirmed_at is None:
            follower.name = request.name
            follower.email = request.email
    token = secrets.token_urlsafe(32)
    follower.confirm_token_hash = token_hash(token)
    follower.confirmation_sent_at = now
    enqueue_follow_confirmation(follower, public_url("following.confirm", confirm_token=token))
    return True


def pending_follower(token: str) -> Follower | None:
    """Return the follower a confirmation link was sent to, while it works; otherwise None."""
    if not token or len(token) > 100:
        return None
    follower = db.session.execute(
        db.select(Follower).where(
            Follower.confirm_token_hash == token_hash(token), Follower.anonymised_at.is_(None)
        )
    ).scalar_one_or_none()
    if follower is None or follower.confirmation_sent_at is None:
        return None
    days = current_app.config["FOLLOW_CONFIRM_DAYS"]
    if follower.confirmation_sent_at <= utcnow() - timedelta(days=days):
        return None
    return follower


def confirm(follower: Follower) -> None:
    """Start (or start again) following: announcements from now on; commit.

    The link works once: its secret is forgotten. Someone who follows already
    keeps the time they started.
    """
    if not follower.is_following:
        follower.confirmed_at = utcnow()
    follower.unsubscribed_at = None
    follower.confirm_token_hash = None
    db.session.commit()


def follower_by(column: sa.Column, token: str) -> Follower | None:
    """Return the follower whose link secret (token or unsubscribe_token) this is, or None."""
    if not token or len(token) > 100:
        return None
    return db.session.execute(
        db.select(Follower).where(column == token, Follower.anonymised_at.is_(None))
    ).scalar_one_or_none()


def subscriptions(follower: Follower) -> list[Follower]:
    """Return the follows of this follower's address that are confirmed, by series name."""
    return list(
        db.session.scalars(
            db.select(Follower)
            .join(Series, Series.id == Follower.series_id)
            .where(
                Follower.email_normalised == follower.email_normalised,
                Follower.confirmed_at.is_not(None),
                Follower.anonymised_at.is_(None),
            )
            .order_by(Series.name, Follower.id)
        )
    )


def unfollow(follower: Follower) -> None:
    """Stop a follower's announcements, dropping those not yet sent; commit.

    The first time stays: stopping twice changes nothing.
    """
    if follower.unsubscribed_at is None:
        follower.unsubscribed_at = utcnow()
    # An announcement written but not yet sent would arrive after the person
    # said stop; an email being sent right now still goes.
    db.session.execute(
        sa.delete(OutboxEmail)
        .where(
            OutboxEmail.follower_id == follower.id,
            OutboxEmail.kind.in_(FOLLOWER_NEWS),
            OutboxEmail.status == OutboxStatus.PENDING,
        )
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
