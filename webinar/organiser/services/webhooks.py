"""An organiser's webhook endpoints: adding, changing, deleting, new secrets, sending by hand.

Only the endpoint's owner calls these (queries/webhooks.py finds the
endpoint among theirs). A secret is returned once, when it is made, and
never shown again. Each change writes one audit entry and commits.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _

from ... import audit, queue
from ...extensions import db
from ...languages import lazy_gettext as _l
from ...models import (
    TEST_EVENT,
    WEBHOOK_EVENTS,
    AuditAction,
    Event,
    Organiser,
    OutboxStatus,
    WebhookDelivery,
    WebhookEndpoint,
    utcnow,
)
from ...webhooks import body, new_webhook_id
from ...webhooks.address import Refused, check_destination
from ...webhooks.delivery import TURNED_OFF
from ...webhooks.signing import new_secret
from ..queries.access import managed_by

ONLY_YOUR_TALKS = _l("Choose only talks you have a role on.")


class WebhookInvalid(ValueError):
    """Endpoint settings that cannot be saved; errors maps each field to its messages."""

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__("; ".join(message for messages in errors.values() for message in messages))
        self.errors = errors


@dataclass
class EndpointData:
    """What the form (or the API) gives for an endpoint."""

    url: str
    events: list[str]
    description: str = ""
    talk_ids: list[int] = field(default_factory=list)
    include_personal_data: bool = False
    enabled: bool = True


def create_endpoint(owner: Organiser, data: EndpointData) -> tuple[WebhookEndpoint, str]:
    """Add an endpoint for this organiser and commit; return it and its secret (shown once)."""
    talks = _checked(owner, data)
    secret = new_secret()
    endpoint = WebhookEndpoint(owner_id=owner.id, secret=secret, created_at=utcnow())
    _write(endpoint, data, talks)
    db.session.add(endpoint)
    db.session.flush()
    audit.record(AuditAction.WEBHOOK_ADDED, details=_summary(endpoint))
    db.session.commit()
    return endpoint, secret


def update_endpoint(endpoint: WebhookEndpoint, data: EndpointData) -> WebhookEndpoint:
    """Change an endpoint and commit; turning it back on forgets why it was off. Return it."""
    talks = _checked(endpoint.owner, data)
    _write(endpoint, data, talks)
    audit.record(AuditAction.WEBHOOK_CHANGED, details=_summary(endpoint))
    db.session.commit()
    return endpoint


def delete_endpoint(endpoint: WebhookEndpoint) -> None:
    """Delete an endpoint with its delivery log; commit."""
    audit.record(AuditAction.WEBHOOK_DELETED, details=_summary(endpoint))
    db.session.delete(endpoint)
    db.session.commit()


def rotate_secret(endpoint: WebhookEndpoint) -> str:
    """Give an endpoint a new secret, the old one signing along for a while; commit; return it."""
    hours = current_app.config["WEBHOOK_OLD_SECRET_HOURS"]
    endpoint.previous_secret = endpoint.secret
    endpoint.previous_secret_until = utcnow() + timedelta(hours=hours)
    endpoint.secret = new_secret()
    audit.record(AuditAction.WEBHOOK_SECRET_ROTATED, details=_summary(endpoint))
    db.session.commit()
    return endpoint.secret


def send_again(endpoint: WebhookEndpoint, delivery_id: int) -> bool:
    """Put a sent or failed delivery back in the queue, with its same id; commit; say if it was."""
    again = queue.requeue(
        WebhookDelivery,
        [delivery_id],
        (OutboxStatus.SENT, OutboxStatus.FAILED),
        WebhookDelivery.endpoint_id == endpoint.id,
    )
    if again:
        audit.record(AuditAction.WEBHOOK_RESENT, details=f"delivery {delivery_id}, "
                     f"{_summary(endpoint)}")  # fmt: skip
        db.session.commit()
    return bool(again)


def send_test(endpoint: WebhookEndpoint) -> WebhookDelivery:
    """Queue a test event to one endpoint, sent even while it is turned off; commit."""
    now = utcnow()
    delivery = WebhookDelivery(
        endpoint_id=endpoint.id,
        webhook_id=new_webhook_id(),
        event_type=TEST_EVENT,
        payload=body(TEST_EVENT, {"endpoint_id": endpoint.id,
                                  "message": "A test event, sent from the endpoint's page."}),
        personal=False,
        created_at=now,
        next_attempt_at=now,
    )  # fmt: skip
    db.session.add(delivery)
    audit.record(AuditAction.WEBHOOK_TEST_SENT, details=_summary(endpoint))
    db.session.commit()
    return delivery


def talk_choices(organiser: Organiser) -> list[Event]:
    """Return the talks an endpoint of this organiser may be limited to, soonest first."""
    return list(
        db.session.scalars(
            db.select(Event).where(managed_by(organiser)).order_by(Event.starts_at.desc())
        )
    )


def _checked(owner: Organiser, data: EndpointData) -> list[Event]:
    errors: dict[str, list[str]] = {}
    try:
        check_destination(data.url)
    except Refused as error:
        errors["url"] = [str(error)]
    unknown = set(data.events) - set(WEBHOOK_EVENTS)
    if not data.events or unknown:
        errors["events"] = [_("Choose at least one event.") if not data.events
                            else _("Unknown events: %(names)s.",
                                   names=", ".join(sorted(unknown)))]  # fmt: skip
    talks = []
    if data.talk_ids:
        talks = list(
            db.session.scalars(
                db.select(Event).where(Event.id.in_(data.talk_ids), managed_by(owner))
            )
        )
        if len(talks) != len(set(data.talk_ids)):
            errors["talk_ids"] = [str(ONLY_YOUR_TALKS)]
    if errors:
        raise WebhookInvalid(errors)
    return talks


def _write(endpoint: WebhookEndpoint, data: EndpointData, talks: list[Event]) -> None:
    endpoint.url = data.url.strip()
    endpoint.description = data.description.strip()
    endpoint.events = " ".join(name for name in WEBHOOK_EVENTS if name in data.events)
    endpoint.include_personal_data = data.include_personal_data
    if data.enabled:
        # Turned (back) on: why it was off and since when it failed no longer matter.
        endpoint.disabled_reason, endpoint.failing_since = "", None
    elif endpoint.enabled is not False or not endpoint.disabled_reason:
        endpoint.disabled_reason = TURNED_OFF
    endpoint.enabled = data.enabled
    endpoint.talks = talks


def _summary(endpoint: WebhookEndpoint) -> str:
    # The URL is the organiser's own setting, not an attendee's data.
    return f"endpoint {endpoint.id}: {endpoint.url}"

