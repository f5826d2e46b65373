"""API: the webhook endpoints of the token's organiser: list, add (its secret once), change,
delete, a new secret, a test event.

The same service as the Webhooks pages (organiser/services/webhooks.py). A
token limited to some talks sees and makes only endpoints limited to those talks.
"""

from __future__ import annotations

from ..extensions import db
from ..models import WebhookEndpoint
from ..organiser.services import webhooks as service
from .auth import current_token, resource_blueprint
from .idempotency import idempotent
from .problems import refuse
from .registrations import IDEMPOTENCY_KEY
from .schemas import (
    WebhookDeliverySchema,
    WebhookEndpointChange,
    WebhookEndpointList,
    WebhookEndpointSchema,
    WebhookEndpointSettings,
    WebhookEndpointWithSecret,
)

blp = resource_blueprint("api_webhooks", "The webhook endpoints of the token's organiser.")

TALKS_OF_THE_TOKEN = "This token is limited to some talks: limit the endpoint to some of them."


def _within_token(talk_ids) -> bool:
    token_talks = {event.id for event in current_token().events}
    return not token_talks or bool(talk_ids) and set(talk_ids) <= token_talks


def _endpoints() -> list[WebhookEndpoint]:
    organiser = current_token().organiser
    endpoints = db.session.scalars(
        db.select(WebhookEndpoint)
        .where(WebhookEndpoint.owner_id == organiser.id)
        .order_by(WebhookEndpoint.id)
    )
    return [one for one in endpoints if _within_token([talk.id for talk in one.talks])]


def _endpoint_or_404(endpoint_id: int) -> WebhookEndpoint:
    endpoint = db.session.get(WebhookEndpoint, endpoint_id)
    if endpoint is None or endpoint.owner_id != current_token().organiser.id:
        refuse(404)
    if not _within_token([talk.id for talk in endpoint.talks]):
        refuse(404)
    return endpoint


def _saved(save, data: service.EndpointData):
    if not _within_token(data.talk_ids):
        refuse(422, errors={"talk_ids": [TALKS_OF_THE_TOKEN]})
    try:
        return save(data)
    except service.WebhookInvalid as error:
        refuse(422, errors=error.errors)


@blp.route("/webhooks")
@blp.response(200, WebhookEndpointList)
def list_webhooks():
    """List the organiser's webhook endpoints."""
    return {"items": _endpoints()}


@blp.route("/webhooks", methods=["POST"])
@idempotent
@blp.doc(parameters=[IDEMPOTENCY_KEY])
@blp.arguments(WebhookEndpointSettings)
@blp.response(201, WebhookEndpointWithSecret)
def create_webhook(body: dict):
    """Add a webhook endpoint; the answer holds its secret, this once."""
    organiser = current_token().organiser
    endpoint, _ = _saved(lambda data: service.create_endpoint(organiser, data),
                         service.EndpointData(**body))  # fmt: skip
    return endpoint


@blp.route("/webhooks/<int:endpoint_id>")
@blp.response(200, WebhookEndpointSchema)
def get_webhook(endpoint_id: int):
    """Show one webhook endpoint."""
    return _endpoint_or_404(endpoint_id)


@blp.route("/webhooks/<int:endpoint_id>", methods=["PATCH"])
@idempotent
@blp.doc(parameters=[IDEMPOTENCY_KEY])
@blp.arguments(WebhookEndpointChange)
@blp.response(200, WebhookEndpointSchema)
def change_webhook(body: dict, endpoint_id: int):
    """Change an endpoint's settings; those left out stay as they are."""
    endpoint = _endpoint_or_404(endpoint_id)
    current = {"url": endpoint.url, "description": endpoint.description,
               "events": endpoint.event_types, "talk_ids": [talk.id for talk in endpoint.talks],
               "include_personal_data": endpoint.include_personal_data,
               "enabled": endpoint.enabled}  # fmt: skip
    data = service.EndpointData(**{**current, **body})
    return _saved(lambda checked: service.update_endpoint(endpoint, checked), data)


@blp.route("/webhooks/<int:endpoint_id>", methods=["DELETE"])
@idempotent
@blp.doc(parameters=[IDEMPOTENCY_KEY])
@blp.response(204)
def delete_webhook(endpoint_id: int):
    """Delete an endpoint with its delivery log."""
    service.delete_endpoint(_endpoint_or_404(endpoint_id))


@blp.route("/webhooks/<int:endpoint_id>/secret", methods=["POST"])
@idempotent
@blp.doc(parameters=[IDEMPOTENCY_KEY])
@blp.response(200, WebhookEndpointWithSecret)
def rotate_webhook_secret(endpoint_id: int):
    """Give an endpoint a new secret, shown this once; the old one signs along for a day."""
    endpoint = _endpoint_or_404(endpoint_id)
    service.rotate_secret(endpoint)
    return endpoint


@blp.route("/webhooks/<int:endpoint_id>/test", methods=["POST"])
@idempotent
@blp.doc(parameters=[IDEMPOTENCY_KEY])
@blp.response(202, WebhookDeliverySchema)
def test_webhook(endpoint_id: int):
    """Send a test event to the endpoint (webhook.test); the answer says its webhook-id."""
    return service.send_test(_endpoint_or_404(endpoint_id))

