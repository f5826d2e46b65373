"""Deliver webhooks: claim due deliveries, post each one signed, record what the receiver said.

The queue (claim, stuck rows) is webinar.queue. Particular to webhooks:
- only a 2xx answer counts; a redirect is not followed and counts as a failure;
- a 410 Gone fails the delivery and disables the endpoint;
- other failures (an error status, a timeout, a closed connection, an
  address refused by address.py) retry with doubling waits and jitter until
  WEBHOOK_RETRY_HOURS after the delivery was written, then it has failed;
- an endpoint failing without a success for WEBHOOK_DISABLE_AFTER_HOURS is
  disabled and its owner emailed.
Every try of a delivery carries its own webhook-id, the same each time, so a
receiver can drop one it already has: delivery is at least once.
"""

from __future__ import annotations

import http.client
import logging
import random
import re
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale, gettext, ngettext

from .. import queue
from ..calendar import public_url
from ..extensions import db
from ..languages import LazyText
from ..models import TEST_EVENT, OutboxStatus, WebhookDelivery, WebhookEndpoint, utcnow
from ..notifications.accounts import account_email
from .address import Refused, check_url, connect_to, resolve
from .signing import signature

logger = logging.getLogger(__name__)

GONE = 410
# Why an endpoint was turned off, stored in English (the record) and shown in the
# reader's language by reason_text.
TURNED_OFF = "Turned off by its owner."
GONE_REASON = "The receiver answered 410 Gone: it wants no more webhooks."
FAILED_FOR = "Every delivery failed for {hours} hours."
FAILED_FOR_PATTERN = re.compile(r"Every delivery failed for (\d+) hours\.")


def reason_text(stored: str) -> str:
    """Return why an endpoint was turned off in the reader's language (stored: in English)."""
    if stored == TURNED_OFF:
        return gettext("Turned off by its owner.")
    if stored == GONE_REASON:
        return gettext("The receiver answered 410 Gone: it wants no more webhooks.")
    if match := FAILED_FOR_PATTERN.fullmatch(stored or ""):
        hours = int(match.group(1))
        return ngettext("Every delivery failed for %(num)d hour.",
                        "Every delivery failed for %(num)d hours.", hours)  # fmt: skip
    return stored


@dataclass(frozen=True)
class Parcel:
    """A claimed delivery, read before the slow part (the HTTP request)."""

    id: int
    attempts: int
    claimed_at: datetime
    webhook_id: str
    event_type: str
    payload: str
    created_at: datetime
    endpoint_id: int
    url: str
    secrets: tuple[str, ...]
    enabled: bool

    @property
    def label(self) -> str:
        return f"Webhook {self.id} ({self.event_type})"

    @classmethod
    def from_row(cls, row: WebhookDelivery, claimed_at: datetime) -> Parcel:
        endpoint = row.endpoint
        return cls(
            id=row.id, attempts=row.attempts, claimed_at=claimed_at, webhook_id=row.webhook_id,
            event_type=row.event_type, payload=row.payload, created_at=row.created_at,
            endpoint_id=endpoint.id, url=endpoint.url, secrets=secrets_in_use(endpoint),
            enabled=endpoint.enabled,
        )  # fmt: skip


def secrets_in_use(endpoint: WebhookEndpoint) -> tuple[str, ...]:
    """Return the secrets that sign now: the current one, and the old one a day after rotating."""
    until = endpoint.previous_secret_until
    if endpoint.previous_secret and until is not None and until > utcnow():
        return (endpoint.secret, endpoint.previous_secret)
    return (endpoint.secret,)


def deliver_due() -> int:
    """Send the webhooks that are due; return how many a receiver took."""
    sent = 0
    batch_size = current_app.config["WEBHOOK_BATCH_SIZE"]
    while parcels := queue.claim_due(WebhookDelivery, batch_size, Parcel.from_row):
        sent += sum(deliver(parcel) for parcel in parcels)
        if len(parcels) < batch_size:
            break
    return sent


def deliver(parcel: Parcel) -> bool:
    """Post one delivery and settle it; return whether the receiver took it."""
    # A test event goes out all the same: it is how an owner checks a receiver before
    # turning its endpoint back on.
    if not parcel.enabled and parcel.event_type != TEST_EVENT:
        queue.mark_failed(WebhookDelivery, parcel, "not sent: the endpoint is disabled")
        return False
    try:
        parts = check_url(parcel.url)
        addresses = resolve(parts)
    except Refused as error:
        with force_locale("en"):  # a delivery's record is kept in English
            reason = f"refused: {error}"
        failed(parcel, reason)
        return False
    # The moment of this try by the wall clock, which receivers compare with theirs.
    timestamp = int(time.time())
    headers = {
        "Content-Type": "application/json",
        "User-Agent": f"{current_app.config['SITE_NAME']} webhooks",
        "webhook-id": parcel.webhook_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": signature(parcel.secrets, parcel.webhook_id, timestamp,
                                       parcel.payload),
    }  # fmt: skip
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    connection = connect_to(parts, addresses, current_app.config["WEBHOOK_TIMEOUT"])
    try:
        connection.request("POST", target, body=parcel.payload.encode(), headers=headers)
        response = connection.getresponse()
        response.read(65536)  # the answer's body is not kept
        status = response.status
    except (OSError, http.client.HTTPException) as error:
        failed(parcel, f"no answer from {parts.hostname}: {error or type(error).__name__}")
        return False
    finally:
        connection.close()
    if 200 <= status < 300:
        queue.settle(WebhookDelivery, parcel, status=OutboxStatus.SENT, sent_at=utcnow(),
                     attempts=parcel.attempts + 1, response_status=status,
                     last_error="")  # fmt: skip
        db.session.execute(
            sa.update(WebhookEndpoint)
            .where(WebhookEndpoint.id == parcel.endpoint_id)
            .where(WebhookEndpoint.failing_since.is_not(None))
            .values(failing_since=None)
        )
        db.session.commit()
        return True
    if status == GONE:
        queue.mark_failed(WebhookDelivery, parcel, "the endpoint answered 410 Gone",
                          response_status=status)  # fmt: skip
        disable(parcel.endpoint_id, GONE_REASON)
        return False
    moved = " (redirects are not followed)" if 300 <= status < 400 else ""
    failed(parcel, f"the endpoint answered {status}{moved}", response_status=status)
    return False


def backoff(attempts: int) -> timedelta:
    """Return the wait after `attempts` failed tries: doubling to a cap, give or take a quarter."""
    config = current_app.config
    seconds = min(config["WEBHOOK_RETRY_AFTER"] * 2 ** (attempts - 1),
                  config["WEBHOOK_RETRY_AFTER_MAX"])  # fmt: skip
    # Jitter, so that deliveries that failed together do not all come back together.
    return timedelta(seconds=seconds * random.uniform(0.75, 1.25))


def failed(parcel: Parcel, reason: str, **values) -> None:
    """Schedule the next try, or fail the delivery once its time is up; note the endpoint fails."""
    wait = backoff(parcel.attempts + 1)
    give_up_at = parcel.created_at + timedelta(hours=current_app.config["WEBHOOK_RETRY_HOURS"])
    if utcnow() + wait > give_up_at:
        queue.mark_failed(WebhookDelivery, parcel, f"{reason} (gave up after "
                          f"{parcel.attempts + 1} tries)", **values)  # fmt: skip
    else:
        queue.retry_later(WebhookDelivery, parcel, reason, wait=wait, **values)
    note_failure(parcel.endpoint_id)


def note_failure(endpoint_id: int) -> None:
    """Remember since when an endpoint fails; disable it once that is too long ago. Commit."""
    now = utcnow()
    db.session.execute(
        sa.update(WebhookEndpoint)
        .where(WebhookEndpoint.id == endpoint_id, WebhookEndpoint.failing_since.is_(None))
        .values(failing_since=now)
    )
    db.session.commit()
    hours = current_app.config["WEBHOOK_DISABLE_AFTER_HOURS"]
    since = db.session.scalar(
        sa.select(WebhookEndpoint.failing_since).where(WebhookEndpoint.id == endpoint_id)
    )
    if since is not None and since <= now - timedelta(hours=hours):
        disable(endpoint_id, FAILED_FOR.format(hours=hours))


def disable(endpoint_id: int, reason: str) -> None:
    """Disable an endpoint and email its owner, once; commit."""
    disabled = db.session.execute(
        sa.update(WebhookEndpoint)
        .where(WebhookEndpoint.id == endpoint_id, WebhookEndpoint.enabled.is_(True))
        .values(enabled=False, disabled_reason=reason)
    ).rowcount
    if disabled:
        endpoint = db.session.get(WebhookEndpoint, endpoint_id)
        logger.warning("Webhook endpoint %d disabled: %s", endpoint_id, reason)
        page = public_url("organiser.webhook", endpoint_id=endpoint_id)
        # Read when the email is rendered, in its owner's language.
        account_email("webhook_disabled", endpoint.owner, endpoint=endpoint,
                      reason=LazyText(reason_text, reason), endpoint_url=page)  # fmt: skip
    db.session.commit()
