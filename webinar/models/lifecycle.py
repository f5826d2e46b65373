"""What the lifecycle of a talk leaves behind: announcements sent, and daily jobs run."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .event import Event
from .registration import RegistrationStatus
from .types import UTCDateTime, utcnow

# Who an announcement goes to: registration statuses of each audience.
ANNOUNCEMENT_AUDIENCES = {
    "confirmed": (RegistrationStatus.CONFIRMED,),
    "waitlisted": (RegistrationStatus.WAITLISTED,),
    "active": (RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED),
}


class Announcement(db.Model):
    """A message an organiser sent to the registrants of an event: the record of what went out."""

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    audience: Mapped[str] = mapped_column(String(20))
    subject: Mapped[str] = mapped_column(String(200))
    # Markdown as written; emails carry it sanitised (HTML) and as is (text).
    body: Mapped[str] = mapped_column(Text)
    # The message in the talk's other languages: {"fr": {"subject": ..., "body": ...}}.
    translations: Mapped[dict] = mapped_column(JSON, default=dict, server_default="{}")
    recipients: Mapped[int] = mapped_column(default=0)
    sent_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("organiser.id", ondelete="SET NULL")
    )
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    event: Mapped[Event] = relationship()

    def __repr__(self) -> str:
        return f"<Announcement {self.id} {self.audience}>"


class TaskRun(db.Model):
    """When a periodic job (the retention purge) last ran, shared by every worker process."""

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    last_run_at: Mapped[datetime] = mapped_column(UTCDateTime)
