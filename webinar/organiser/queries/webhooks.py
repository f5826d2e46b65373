"""An organiser's webhook endpoints and their delivery logs: reads only.

An endpoint is its owner's alone: other organisers, administrators too, get
a 404 for it.
"""

from __future__ import annotations

from flask import abort
from flask_sqlalchemy.pagination import Pagination

from ...extensions import db
from ...models import Organiser, OutboxStatus, WebhookDelivery, WebhookEndpoint
from ...queue import counts_by_status

PER_PAGE = 25
STATUSES = (OutboxStatus.PENDING, OutboxStatus.SENDING, OutboxStatus.SENT, OutboxStatus.FAILED)


def endpoints_of(organiser: Organiser) -> list[WebhookEndpoint]:
    """Return the organiser's endpoints, oldest first."""
    return list(
        db.session.scalars(
            db.select(WebhookEndpoint)
            .where(WebhookEndpoint.owner_id == organiser.id)
            .order_by(WebhookEndpoint.id)
        )
    )


def get_endpoint_or_404(organiser: Organiser, endpoint_id: int) -> WebhookEndpoint:
    """Return one of the organiser's endpoints, or answer 404."""
    endpoint = db.session.get(WebhookEndpoint, endpoint_id)
    if endpoint is None or endpoint.owner_id != organiser.id:
        abort(404)
    return endpoint


def delivery_log(endpoint: WebhookEndpoint, page: int) -> Pagination:
    """Return a page of an endpoint's deliveries, newest first."""
    query = (
        db.select(WebhookDelivery)
        .where(WebhookDelivery.endpoint_id == endpoint.id)
        .order_by(WebhookDelivery.created_at.desc(), WebhookDelivery.id.desc())
    )
    return db.paginate(query, page=page, per_page=PER_PAGE, error_out=False)


def delivery_counts(endpoint: WebhookEndpoint) -> dict[str, int]:
    """Return how many of an endpoint's deliveries are in each state."""
    return counts_by_status(WebhookDelivery, STATUSES, WebhookDelivery.endpoint_id == endpoint.id)
