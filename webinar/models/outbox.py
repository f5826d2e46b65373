"""The transactional outbox: emails written with the change that causes them."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .registration import Registration
from .types import UTCDateTime, utcnow


class OutboxStatus(StrEnum):
    """Where a row of a durable job table stands (webinar.queue moves it along)."""

    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    # Not sent because the mailbox had its share of emails from public forms
    # this hour (webinar.notifications.caps); an organiser can still send it by hand.
    HELD = "held"


# Kinds that go out at most once per registration, enforced by a unique index.
ONCE_PER_REGISTRATION = (
    "confirmation",
    "waitlisted",
    "promoted",
    "cancelled",
    "event_cancelled",
    "reminder_24h",
    "reminder_1h",
    "follow_up",
)
_once = ", ".join(f"'{kind}'" for kind in ONCE_PER_REGISTRATION)


class Queued:
    """The columns of a row in a durable job table (webinar.queue claims and retries it)."""

    status: Mapped[str] = mapped_column(String(20), default=OutboxStatus.PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_error: Mapped[str] = mapped_column(Text, default="")
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class OutboxEmail(Queued, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    registration_id: Mapped[int | None] = mapped_column(
        ForeignKey("registration.id", ondelete="CASCADE")
    )
    # An email to a series' follower (confirmation, announcement) belongs to no registration.
    follower_id: Mapped[int | None] = mapped_column(ForeignKey("follower.id", ondelete="CASCADE"))
    recipient: Mapped[str] = mapped_column(String(254))
    # The recipient's mailbox as the cap on emails per mailbox counts it
    # (webinar.notifications.caps.canonical_mailbox): victim+1@ and victim+2@ are one.
    mailbox: Mapped[str] = mapped_column(String(254), default="", server_default="")
    subject: Mapped[str] = mapped_column(String(300))
    text_body: Mapped[str] = mapped_column(Text)
    html_body: Mapped[str] = mapped_column(Text, default="")
    ics: Mapped[str | None] = mapped_column(Text)
    # The one-click unsubscribe link of news emails: it becomes the List-Unsubscribe header.
    unsubscribe_url: Mapped[str | None] = mapped_column(String(500))
    # Set while the bodies are still to be written: the worker renders them in
    # this language just before sending (webinar.mail.render.write_bodies), then
    # clears it. None for an email written in full when it was enqueued.
    language: Mapped[str | None] = mapped_column(String(8))
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    registration: Mapped[Registration | None] = relationship()

    __table_args__ = (
        Index(
            "uq_outbox_email_registration_kind_once",
            "registration_id",
            "kind",
            unique=True,
            sqlite_where=text(f"kind IN ({_once})"),
            postgresql_where=text(f"kind IN ({_once})"),
        ),
        Index("ix_outbox_email_status_next_attempt", "status", "next_attempt_at"),
        Index("ix_outbox_email_registration_kind", "registration_id", "kind"),
        Index("ix_outbox_email_mailbox_created", "mailbox", "created_at"),
        Index("ix_outbox_email_follower_kind", "follower_id", "kind"),
    )

    def __repr__(self) -> str:
        return f"<OutboxEmail {self.id} {self.kind} {self.status}>"
