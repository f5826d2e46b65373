"""Organisers: the people who publish talks and see who registered."""

from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db, login_manager
from .types import UTCDateTime, utcnow


class Organiser(UserMixin, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(300), default="")
    is_admin: Mapped[bool] = mapped_column(default=False)
    failed_logins: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self) -> str:
        return f"<Organiser {self.email}>"


@login_manager.user_loader
def load_organiser(organiser_id: str) -> Organiser | None:
    """Return the signed-in organiser of a session, if they still exist."""
    if not organiser_id.isdigit():
        return None
    return db.session.get(Organiser, int(organiser_id))
