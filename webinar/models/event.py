"""Events and what belongs to them: speakers, materials, topics."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from sqlalchemy import JSON, Column, ForeignKey, Index, String, Table, Text, literal_column
from sqlalchemy import event as sa_event
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from ..extensions import db
from .types import UTCDateTime, utcnow

if TYPE_CHECKING:
    from .organiser import Organiser
    from .question import Question
    from .series import Series

event_topic = Table(
    "event_topic",
    db.metadata,
    Column("event_id", ForeignKey("event.id", ondelete="CASCADE"), primary_key=True),
    Column("topic_id", ForeignKey("topic.id", ondelete="CASCADE"), primary_key=True),
)


class EventStatus(StrEnum):
    """Where a talk stands; stored as its text in a String column."""

    DRAFT = "draft"
    PUBLISHED = "published"
    CANCELLED = "cancelled"


class Topic(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(120))

    def __repr__(self) -> str:
        return f"<Topic {self.slug}>"


class Event(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(200), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    series_id: Mapped[int | None] = mapped_column(
        ForeignKey("series.id", ondelete="SET NULL"), index=True
    )
    # The series' name as this talk shows it, when it differs from the series' own
    # name (kept from the free text of older talks); empty means the series' name.
    series_label: Mapped[str] = mapped_column(String(120), default="")
    event_type: Mapped[str] = mapped_column(String(80), default="")
    target_audience: Mapped[str] = mapped_column(String(300), default="")
    organised_by: Mapped[str] = mapped_column(String(300), default="")
    summary: Mapped[str] = mapped_column(Text, default="")
    description: Mapped[str] = mapped_column(Text, default="")
    banner: Mapped[str | None] = mapped_column(String(200))
    banner_alt: Mapped[str] = mapped_column(String(300), default="")
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    timezone: Mapped[str] = mapped_column(String(64), default="Europe/Brussels")
    location: Mapped[str] = mapped_column(String(120), default="Virtual Event")
    # Private: shown only to registered attendees through their join link.
    join_url: Mapped[str] = mapped_column(String(500), default="")
    capacity: Mapped[int | None]
    # Kept by webinar.seats, and only there.
    seats_taken: Mapped[int] = mapped_column(default=0)
    waitlist_enabled: Mapped[bool] = mapped_column(default=False)
    registration_opens_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    registration_closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(20), default=EventStatus.DRAFT)
    recording_url: Mapped[str] = mapped_column(String(500), default="")
    post_summary: Mapped[str] = mapped_column(Text, default="")
    # The language the texts above are written in, the other languages the
    # talk is offered in, and their texts: {"fr": {"title": ...}} (see
    # webinar.talk_languages).
    language: Mapped[str] = mapped_column(String(8), default="en", server_default="en")
    other_languages: Mapped[list[str]] = mapped_column(JSON, default=list, server_default="[]")
    translations: Mapped[dict] = mapped_column(JSON, default=dict, server_default="{}")
    reminder_24h: Mapped[bool] = mapped_column(default=True)
    reminder_1h: Mapped[bool] = mapped_column(default=True)
    # Whether the registration form asks for these fixed fields (a FieldUse).
    organisation_field: Mapped[str] = mapped_column(String(10), default="required")
    job_title_field: Mapped[str] = mapped_column(String(10), default="optional")
    country_field: Mapped[str] = mapped_column(String(10), default="required")
    # Raised on every change of time or join URL so calendars update their entry.
    ics_sequence: Mapped[int] = mapped_column(default=0)
    # When the follow-up (recording, summary, slides) was first sent.
    follow_up_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("organiser.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    # Counts the changes of what the talk's registration form shows: raised by
    # every UPDATE of the row, except a seat taken or released (seats.py), so
    # the cached form (registration.form_page) outlives registrations. Raised
    # with the talk's questions too (question.touch_events_whose_questions_changed).
    content_version: Mapped[int] = mapped_column(
        default=0, server_default="0", onupdate=literal_column("content_version") + 1
    )

    speakers: Mapped[list[Speaker]] = relationship(
        back_populates="event", order_by="Speaker.position", cascade="all, delete-orphan"
    )
    materials: Mapped[list[Material]] = relationship(
        back_populates="event", order_by="Material.position", cascade="all, delete-orphan"
    )
    topics: Mapped[list[Topic]] = relationship(secondary=event_topic, order_by="Topic.name")
    questions: Mapped[list[Question]] = relationship(
        back_populates="event",
        order_by="Question.position",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )
    owner: Mapped[Organiser | None] = relationship(foreign_keys=[owner_id])
    series: Mapped[Series | None] = relationship()

    __table_args__ = (Index("ix_event_status_starts_at", "status", "starts_at"),)

    def __repr__(self) -> str:
        return f"<Event {self.slug}>"

    @property
    def series_name(self) -> str:
        """Return the series as this talk names it, or "" for a talk of no series."""
        if self.series_label:
            return self.series_label
        return self.series.name if self.series is not None else ""

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def local_start(self) -> datetime:
        return self.starts_at.astimezone(self.zone)

    @property
    def local_end(self) -> datetime:
        return self.ends_at.astimezone(self.zone)

    @property
    def seats_left(self) -> int | None:
        if self.capacity is None:
            return None
        return max(self.capacity - self.seats_taken, 0)

    def has_ended(self, now: datetime | None = None) -> bool:
        return (now or utcnow()) >= self.ends_at

    def registration_state(self, now: datetime | None = None) -> str:
        """Say whether people can register now, and if not, why.

        One of: "open", "waitlist" (full, new people join the waiting list),
        "full" (full, no waiting list), "not_open_yet", "closed", "ended",
        "cancelled", "draft".
        """
        return registration_state(self, now)


def registration_state(row, now: datetime | None = None) -> str:
    """Return Event.registration_state() of an event or of a row of its columns.

    The row needs status, ends_at, registration_opens_at, registration_closes_at,
    capacity, seats_taken and waitlist_enabled: the talk page reads only those
    to decide whether its cached rendering still holds.
    """
    now = now or utcnow()
    if row.status != EventStatus.PUBLISHED:
        # Plain text even when the status was set from the enum: page keys repr() it.
        return str(row.status)
    if now >= row.ends_at:
        return "ended"
    if row.registration_opens_at and now < row.registration_opens_at:
        return "not_open_yet"
    if row.registration_closes_at and now >= row.registration_closes_at:
        return "closed"
    if row.capacity is not None and row.seats_taken >= row.capacity:
        return "waitlist" if row.waitlist_enabled else "full"
    return "open"


@sa_event.listens_for(Session, "before_flush")
def touch_events_whose_parts_changed(session: Session, _context, _instances) -> None:
    """Move an event's updated_at when its speakers, materials or topics change.

    The public page is cached under updated_at, so any change to what it
    shows must move it, not only changes to the event's own row.
    """
    now = utcnow()
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, Speaker | Material):
            event = obj.event or (obj.event_id and session.get(Event, obj.event_id))
            if event is not None:
                event.updated_at = now
        elif isinstance(obj, Event) and obj in session.dirty and session.is_modified(obj):
            obj.updated_at = now


class Speaker(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(200), default="")
    organisation: Mapped[str] = mapped_column(String(200), default="")
    photo: Mapped[str | None] = mapped_column(String(200))
    # The role in the talk's other languages: {"fr": {"role": ...}}.
    translations: Mapped[dict] = mapped_column(JSON, default=dict, server_default="{}")

    event: Mapped[Event] = relationship(back_populates="speakers")


class Material(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    kind: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(200))
    # Either an uploaded file (name under instance/uploads) or an external URL.
    filename: Mapped[str | None] = mapped_column(String(200))
    url: Mapped[str | None] = mapped_column(String(500))
    # The title in the talk's other languages: {"fr": {"title": ...}}.
    translations: Mapped[dict] = mapped_column(JSON, default=dict, server_default="{}")

    event: Mapped[Event] = relationship(back_populates="materials")
