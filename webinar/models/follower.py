"""People who follow a series: who they are, what they were sent, and the job that tells them.

A follower is one address following one series. Following starts once the
person opens the link emailed to them (double opt-in): until then the row
only remembers that a confirmation was sent, and when, so the form cannot
be used to mail someone again and again.
"""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .event import Event
from .outbox import Queued
from .series import Series
from .types import UTCDateTime, utcnow


def new_secret() -> str:
    """Return a fresh random, URL-safe secret for a follower's links."""
    return secrets.token_urlsafe(32)


class Follower(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    series_id: Mapped[int] = mapped_column(ForeignKey("series.id", ondelete="CASCADE"))
    email: Mapped[str] = mapped_column(String(254))
    email_normalised: Mapped[str] = mapped_column(String(254))
    name: Mapped[str] = mapped_column(String(120), default="")
    # The language of the emails to this person (a code such as "en").
    language: Mapped[str] = mapped_column(String(16), default="")
    privacy_consent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    privacy_notice_version: Mapped[str] = mapped_column(String(40), default="")
    # SHA-256 of the secret in the confirmation link: the link itself is only in the email.
    confirm_token_hash: Mapped[str | None] = mapped_column(String(64))
    confirmation_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The "my subscriptions" link: every series this address follows, each with its way out.
    token: Mapped[str] = mapped_column(String(64), unique=True, default=new_secret)
    # The one-click unsubscribe link (List-Unsubscribe); mail providers see it, so it
    # stops this series' emails and can do nothing else.
    unsubscribe_token: Mapped[str] = mapped_column(String(64), unique=True, default=new_secret)
    unsubscribed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    anonymised_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    series: Mapped[Series] = relationship()

    __table_args__ = (
        UniqueConstraint("series_id", "email_normalised", name="uq_follower_series_email"),
        Index("ix_follower_email_normalised", "email_normalised"),
        Index("ix_follower_series_confirmed", "series_id", "confirmed_at"),
    )

    def __repr__(self) -> str:
        return f"<Follower {self.id} of series {self.series_id}>"

    @property
    def is_following(self) -> bool:
        """Say whether this person gets the series' announcements now."""
        return (
            self.confirmed_at is not None
            and self.unsubscribed_at is None
            and self.anonymised_at is None
        )


class FollowerAnnouncement(db.Model):
    """That a follower was told about a talk: once per follower and talk, whatever happens later."""

    id: Mapped[int] = mapped_column(primary_key=True)
    follower_id: Mapped[int] = mapped_column(ForeignKey("follower.id", ondelete="CASCADE"))
    event_id: Mapped[int] = mapped_column(
        ForeignKey("event.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (
        UniqueConstraint("follower_id", "event_id", name="uq_follower_announcement"),
    )


class SeriesMailing(Queued, db.Model):
    """The job of telling a series' followers about a talk just published.

    Publishing writes this one row; the worker claims it (webinar.queue) and
    writes the followers' emails in batches, so a talk with thousands of
    followers is published as fast as one with none.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    # How many emails this job wrote so far.
    written: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    event: Mapped[Event] = relationship()

    __table_args__ = (Index("ix_series_mailing_status_next_attempt", "status", "next_attempt_at"),)

    def __repr__(self) -> str:
        return f"<SeriesMailing {self.id} {self.status}>"
