"""Registrations: one person's place (or place in line) at one event."""

from __future__ import annotations

import secrets
from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String, func, literal_column, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .event import Event
from .question import Answer
from .types import UTCDateTime, only_on, utcnow


class RegistrationStatus(StrEnum):
    """Where a registration stands; stored as its text in a String column."""

    CONFIRMED = "confirmed"
    WAITLISTED = "waitlisted"
    CANCELLED = "cancelled"


def new_secret() -> str:
    """Return a fresh random, URL-safe secret for a personal or join link."""
    return secrets.token_urlsafe(32)


class Registration(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"))
    # The attendee's personal link (see, cancel, erase, download): secrets.token_urlsafe(32).
    token: Mapped[str] = mapped_column(String(64), unique=True)
    # The join link's own secret, which opens the talk and nothing else: a
    # join link ends up in forwarded emails and shared calendars.
    join_token: Mapped[str] = mapped_column(String(64), unique=True, default=new_secret)
    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100))
    email: Mapped[str] = mapped_column(String(254))
    email_normalised: Mapped[str] = mapped_column(String(254))
    organisation: Mapped[str] = mapped_column(String(200), default="")
    country: Mapped[str] = mapped_column(String(2), default="")
    job_title: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    joined_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_joined_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    attendee_timezone: Mapped[str] = mapped_column(String(64), default="")
    # The language the person registered in: every email to them is written in it.
    language: Mapped[str] = mapped_column(String(8), default="en", server_default="en")
    utm_source: Mapped[str] = mapped_column(String(200), default="")
    utm_medium: Mapped[str] = mapped_column(String(200), default="")
    utm_campaign: Mapped[str] = mapped_column(String(200), default="")
    referrer: Mapped[str] = mapped_column(String(500), default="")
    privacy_consent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    privacy_notice_version: Mapped[str] = mapped_column(String(40), default="")
    marketing_consent: Mapped[bool] = mapped_column(default=False)
    marketing_consent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The secret of the unsubscribe link in announcements and follow-ups. Mail
    # providers see that link, so it is not `token`: it can only stop news.
    unsubscribe_token: Mapped[str] = mapped_column(
        String(64), unique=True, default=lambda: secrets.token_urlsafe(32)
    )
    # When the person unsubscribed: no announcements, follow-ups or news since.
    unsubscribed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    anonymised_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When the person attended, as recorded by an organiser (a video platform's list).
    attended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Any change of the row: what an API client syncing the list asks for.
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    event: Mapped[Event] = relationship()
    answers: Mapped[list[Answer]] = relationship(
        order_by="Answer.question_position, Answer.id",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )

    __table_args__ = (
        # One active registration per person and event; cancelled rows stay as history.
        Index(
            "uq_registration_event_email_active",
            "event_id",
            "email_normalised",
            unique=True,
            sqlite_where=text("status != 'cancelled'"),
            postgresql_where=text("status != 'cancelled'"),
        ),
        Index("ix_registration_event_status_created", "event_id", "status", "created_at", "id"),
        # The attendee list, all statuses, by time or by name: read in index order.
        Index("ix_registration_event_created", "event_id", "created_at", "id"),
        # The API's list for syncing: changed since a time, in order of change.
        Index("ix_registration_event_updated", "event_id", "updated_at", "id"),
        Index("ix_registration_event_name", "event_id", "last_name", "first_name", "id"),
        # Unsubscribing reaches every registration of the same person.
        Index("ix_registration_email_normalised", "email_normalised"),
    )

    def __repr__(self) -> str:
        return f"<Registration {self.id} {self.status}>"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def is_active(self) -> bool:
        return self.status != RegistrationStatus.CANCELLED


# The name as the attendee list shows it. The space is written into the SQL,
# not bound, so that PostgreSQL matches the search's expression to the index's.
FULL_NAME = Registration.first_name + literal_column("' '") + Registration.last_name

# The attendee search looks for a substring in each name, the full name, the
# address and the organisation. No B-tree serves a substring, so each database
# gets its own index: PostgreSQL a trigram index that finds the matching rows
# (pg_trgm, the lower-case text the search compares); SQLite a trigram
# full-text table (types.SEARCH_TABLE, FTS5, kept by triggers of migration 0024) for
# searches that find few people, and an index that holds every searched column
# in list order, read instead of the much wider rows, for those that find many.
only_on(
    "postgresql",
    Index(
        "ix_registration_search",
        func.lower(Registration.first_name).label("first_name"),
        func.lower(Registration.last_name).label("last_name"),
        # FULL_NAME with the brackets PostgreSQL shows, so that migrations compare equal.
        func.lower(literal_column("(first_name || ' ') || last_name")).label("full_name"),
        Registration.email_normalised,
        func.lower(Registration.organisation).label("organisation"),
        postgresql_using="gin",
        postgresql_ops={
            name: "gin_trgm_ops"
            for name in ("first_name", "last_name", "full_name", "email_normalised", "organisation")
        },
    ),
)
only_on(
    "sqlite",
    Index(
        "ix_registration_event_search",
        Registration.event_id,
        Registration.created_at,
        Registration.id,
        Registration.first_name,
        Registration.last_name,
        Registration.email_normalised,
        Registration.organisation,
    ),
)
