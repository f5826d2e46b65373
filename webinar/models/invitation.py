"""Invitations: an administrator asks a person by email to create an organiser account."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .organiser import Organiser
from .outbox import OutboxEmail
from .types import UTCDateTime, utcnow


class Invitation(db.Model):
    """A single-use link to create an account, stored only as the SHA-256 of its token.

    It is open until accepted or revoked; a resend gives it a new token (the
    old link stops working) and a new expiry. At most one open invitation per
    address: a partial unique index keeps it so under concurrent requests.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254))
    # The name the administrator suggested; the invitee chooses their own.
    name: Mapped[str] = mapped_column(String(200), default="")
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    invited_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("organiser.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The last email sent with the link: its outbox status tells whether it went out.
    email_id: Mapped[int | None] = mapped_column(
        ForeignKey("outbox_email.id", ondelete="SET NULL")
    )

    invited_by: Mapped[Organiser | None] = relationship()
    email_row: Mapped[OutboxEmail | None] = relationship()

    __table_args__ = (
        Index(
            "uq_invitation_open_email",
            "email",
            unique=True,
            sqlite_where=text("accepted_at IS NULL AND revoked_at IS NULL"),
            postgresql_where=text("accepted_at IS NULL AND revoked_at IS NULL"),
        ),
    )

    @property
    def is_open(self) -> bool:
        """Whether the invitation is neither accepted nor revoked (it may have expired)."""
        return self.accepted_at is None and self.revoked_at is None

    def __repr__(self) -> str:
        return f"<Invitation of {self.email}>"
