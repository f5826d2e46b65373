"""Webhooks: an organiser's endpoints and the deliveries to them, a durable job table."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, ForeignKey, Index, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..languages import lazy_gettext as _l
from .event import Event
from .organiser import Organiser
from .outbox import Queued
from .types import UTCDateTime, utcnow

# The events an endpoint can ask for, with what each means to its owner.
WEBHOOK_EVENTS = {
    "registration.created": _l("Someone registered (a seat or the waiting list)"),
    "registration.confirmed": _l("Someone got a seat when registering"),
    "registration.waitlisted": _l("Someone joined the waiting list"),
    "registration.promoted": _l("Someone got a seat from the waiting list"),
    "registration.cancelled": _l("A registration was cancelled"),
    "registration.erased": _l("A person's details were erased (ids only)"),
    "attendance.recorded": _l("Attendance was recorded"),
    "talk.published": _l("A talk was published"),
    "talk.updated": _l("A talk was changed"),
    "talk.cancelled": _l("A talk was cancelled"),
}
# The event of "Send a test event": sent only when asked, to one endpoint.
TEST_EVENT = "webhook.test"

webhook_endpoint_talk = Table(
    "webhook_endpoint_talk",
    db.metadata,
    Column(
        "endpoint_id", ForeignKey("webhook_endpoint.id", ondelete="CASCADE"), primary_key=True
    ),
    # Looked up from the talk's side on every change of it.
    Column("event_id", ForeignKey("event.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class WebhookEndpoint(db.Model):
    """An address that receives signed events about an organiser's talks."""

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("organiser.id", ondelete="CASCADE"))
    url: Mapped[str] = mapped_column(String(2000))
    description: Mapped[str] = mapped_column(String(200), default="")
    # The names of WEBHOOK_EVENTS it receives, separated by spaces.
    events: Mapped[str] = mapped_column(Text, default="")
    include_personal_data: Mapped[bool] = mapped_column(default=False)
    # The signing key (whsec_ and base64), shown once; signing needs it as it is.
    secret: Mapped[str] = mapped_column(String(100))
    # After a rotation the old key signs too until then, so receivers can switch over.
    previous_secret: Mapped[str | None] = mapped_column(String(100))
    previous_secret_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    enabled: Mapped[bool] = mapped_column(default=True)
    disabled_reason: Mapped[str] = mapped_column(String(300), default="")
    # When deliveries started failing without a success since; None while they work.
    failing_since: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    owner: Mapped[Organiser] = relationship()
    # Empty: every talk its owner has a role on.
    talks: Mapped[list[Event]] = relationship(
        secondary=webhook_endpoint_talk, order_by=Event.starts_at
    )

    __table_args__ = (
        # emit() asks for the enabled endpoints on every change: cheap when there are none.
        Index("ix_webhook_endpoint_enabled_owner", "enabled", "owner_id"),
    )

    @property
    def event_types(self) -> list[str]:
        """Return the events it receives, in the order of WEBHOOK_EVENTS."""
        chosen = set(self.events.split())
        return [name for name in WEBHOOK_EVENTS if name in chosen]

    def __repr__(self) -> str:
        return f"<WebhookEndpoint {self.id} of {self.owner_id}>"


class WebhookDelivery(Queued, db.Model):
    """One event on its way to one endpoint; its webhook_id stays the same on every try."""

    id: Mapped[int] = mapped_column(primary_key=True)
    endpoint_id: Mapped[int] = mapped_column(
        ForeignKey("webhook_endpoint.id", ondelete="CASCADE")
    )
    webhook_id: Mapped[str] = mapped_column(String(40), unique=True)
    event_type: Mapped[str] = mapped_column(String(40))
    # What it is about, so the erase and the purge find the payloads that name a person.
    event_id: Mapped[int | None] = mapped_column(ForeignKey("event.id", ondelete="SET NULL"))
    registration_id: Mapped[int | None] = mapped_column(
        ForeignKey("registration.id", ondelete="SET NULL")
    )
    # The JSON body, exactly as it is sent and signed.
    payload: Mapped[str] = mapped_column(Text)
    # Whether the payload holds a person's details (its "person" part).
    personal: Mapped[bool] = mapped_column(default=False)
    response_status: Mapped[int | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    endpoint: Mapped[WebhookEndpoint] = relationship()

    __table_args__ = (
        Index("ix_webhook_delivery_status_next_attempt", "status", "next_attempt_at"),
        # An endpoint's log, newest first.
        Index("ix_webhook_delivery_endpoint_created", "endpoint_id", "created_at"),
        Index("ix_webhook_delivery_registration", "registration_id"),
    )

    def __repr__(self) -> str:
        return f"<WebhookDelivery {self.id} {self.event_type} {self.status}>"
