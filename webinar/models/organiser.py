"""Organisers: the people who publish talks and see who registered."""

from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .types import UTCDateTime, utcnow


class Organiser(UserMixin, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(300), default="")
    is_admin: Mapped[bool] = mapped_column(default=False)
    # The language of the organiser area and of every email to the organiser.
    language: Mapped[str] = mapped_column(String(8), default="en", server_default="en")
    failed_logins: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Two-factor sign-in: the TOTP secret (base32), set when set-up starts and
    # in force once a first code confirmed it; the time step of the last code
    # used, so that a code seen once is refused for the rest of its window.
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    totp_last_step: Mapped[int | None] = mapped_column()
    # Set by an administrator: the account can no longer sign in (Organisers page).
    deactivated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def is_active(self) -> bool:
        """Whether the account may sign in: it is not deactivated (Flask-Login's question)."""
        return self.deactivated_at is None

    @property
    def has_two_factor(self) -> bool:
        """Whether signing in needs a code after the password."""
        return self.totp_confirmed_at is not None

    def __repr__(self) -> str:
        return f"<Organiser {self.email}>"


class RecoveryCode(db.Model):
    """A single-use code that signs an organiser in instead of a TOTP code; stored hashed."""

    id: Mapped[int] = mapped_column(primary_key=True)
    organiser_id: Mapped[int] = mapped_column(
        ForeignKey("organiser.id", ondelete="CASCADE"), index=True
    )
    code_hash: Mapped[str] = mapped_column(String(64))

    def __repr__(self) -> str:
        return f"<RecoveryCode of {self.organiser_id}>"


class OrganiserSession(db.Model):
    """A browser an organiser signed in on: the server's half of its session cookie.

    The cookie names the row; deleting the row signs that browser out, even
    for a copy of the cookie (webinar/organiser/sessions.py).
    """

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    organiser_id: Mapped[int] = mapped_column(
        ForeignKey("organiser.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self) -> str:
        return f"<OrganiserSession of {self.organiser_id}>"


class PasswordResetToken(db.Model):
    """A "forgot your password" link: single use, short-lived, stored only as a hash.

    The link carries the token; the row holds its SHA-256, so a copy of the
    database opens no account (webinar/organiser/services/password_reset.py).
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    organiser_id: Mapped[int] = mapped_column(
        ForeignKey("organiser.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    def __repr__(self) -> str:
        return f"<PasswordResetToken of {self.organiser_id}>"
