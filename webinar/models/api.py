"""API tokens, and the answers kept for Idempotency-Key headers.

A token is shown once, when it is made; the row keeps its SHA-256 only, so a
copy of the database opens no API. A token acts for its organiser and never
beyond what their roles allow; it may be narrowed to reading, and to some talks.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Column, ForeignKey, Index, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .event import Event
from .organiser import Organiser
from .types import UTCDateTime, utcnow


class Scope(StrEnum):
    """What a token may do: read (GET), write (every other method)."""

    READ = "read"
    WRITE = "write"


# The talks a token is limited to; none means every talk its organiser has a role on.
api_token_event = Table(
    "api_token_event",
    db.metadata,
    Column("token_id", ForeignKey("api_token.id", ondelete="CASCADE"), primary_key=True),
    Column("event_id", ForeignKey("event.id", ondelete="CASCADE"), primary_key=True),
)


class ApiToken(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    organiser_id: Mapped[int] = mapped_column(
        ForeignKey("organiser.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # The first characters of the token, so its owner can tell tokens apart.
    prefix: Mapped[str] = mapped_column(String(16))
    # Scope values separated by spaces, e.g. "read write".
    scopes: Mapped[str] = mapped_column(String(40))
    # Limited to the talks of `events`: once they are all deleted it reaches none,
    # never every talk.
    limited: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    organiser: Mapped[Organiser] = relationship()
    events: Mapped[list[Event]] = relationship(secondary=api_token_event, order_by="Event.id")

    def __repr__(self) -> str:
        return f"<ApiToken {self.id} {self.prefix}>"

    @property
    def scope_set(self) -> frozenset[Scope]:
        return frozenset(Scope(value) for value in self.scopes.split())

    def allows(self, scope: Scope) -> bool:
        return scope in self.scope_set


class IdempotentRequest(db.Model):
    """A write request sent with an Idempotency-Key: its body's hash, then its answer.

    The row is inserted and committed before the request is carried out, so a
    second request with the same key finds it at once (the unique index) and
    is told to wait (409) until the answer is stored; kept 24 hours.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    token_id: Mapped[int] = mapped_column(ForeignKey("api_token.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(200))
    request_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    # Empty until the first request has its answer.
    status_code: Mapped[int | None] = mapped_column()
    response_body: Mapped[str | None] = mapped_column(Text)
    mimetype: Mapped[str | None] = mapped_column(String(100))
    location: Mapped[str | None] = mapped_column(String(500))

    __table_args__ = (
        Index("uq_idempotent_request_token_key", "token_id", "key", unique=True),
    )

    def __repr__(self) -> str:
        return f"<IdempotentRequest {self.id}>"
