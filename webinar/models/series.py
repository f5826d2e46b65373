"""Series of talks: a page of their own, defaults for new talks, and who manages them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .organiser import Organiser
from .types import UTCDateTime, utcnow


class Series(db.Model):
    """A series of talks, such as the EU Clusters Talks, with its public page at /series/<slug>."""

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    # Plain text, a few sentences: shown on the series page and in its feeds.
    description: Mapped[str] = mapped_column(Text, default="")
    banner: Mapped[str | None] = mapped_column(String(200))
    banner_alt: Mapped[str] = mapped_column(String(300), default="")
    language: Mapped[str] = mapped_column(String(10), default="en")
    # What a new talk of the series starts with.
    organised_by: Mapped[str] = mapped_column(String(300), default="")
    event_type: Mapped[str] = mapped_column(String(80), default="")
    target_audience: Mapped[str] = mapped_column(String(300), default="")
    capacity: Mapped[int | None]
    waitlist_enabled: Mapped[bool] = mapped_column(default=False)
    reminder_24h: Mapped[bool] = mapped_column(default=True)
    reminder_1h: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    def __repr__(self) -> str:
        return f"<Series {self.slug}>"


class SeriesRole(db.Model):
    """An organiser's role on one series (owner, editor or viewer): one row per series and person.

    Unlike a talk, a series may have several owners: a series made from the
    free-text series of older talks is owned by the owners of those talks.
    """

    series_id: Mapped[int] = mapped_column(
        ForeignKey("series.id", ondelete="CASCADE"), primary_key=True
    )
    organiser_id: Mapped[int] = mapped_column(
        ForeignKey("organiser.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    role: Mapped[str] = mapped_column(String(20))

    organiser: Mapped[Organiser] = relationship()
    series: Mapped[Series] = relationship()

    def __repr__(self) -> str:
        return f"<SeriesRole {self.role} of {self.organiser_id} on {self.series_id}>"
