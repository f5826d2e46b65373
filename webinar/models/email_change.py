"""A change of an organiser's sign-in email, waiting for the link sent to the new address."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .organiser import Organiser
from .types import UTCDateTime, utcnow


class EmailChange(db.Model):
    """A new address to confirm through a single-use link; the link's token is stored hashed.

    Following the link (webinar/organiser/services/email_change.py) proves
    control of the new mailbox and makes the change. A newer request or a
    cancel ends a pending one by setting expires_at to that moment.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    organiser_id: Mapped[int] = mapped_column(
        ForeignKey("organiser.id", ondelete="CASCADE"), index=True
    )
    new_email: Mapped[str] = mapped_column(String(254))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    organiser: Mapped[Organiser] = relationship()

    def __repr__(self) -> str:
        return f"<EmailChange of {self.organiser_id}>"
