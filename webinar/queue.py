"""The durable job table's machinery: claim due rows, retry them with backoff, recover stuck ones.

A table of work that leaves the app (OutboxEmail, WebhookDelivery) takes
the columns of models.Queued, and its delivery code uses these functions:
a row moves pending -> sending -> sent, or back to pending with a later
next_attempt_at after a transient failure, or to failed after a permanent
one or the last attempt. A row whose worker died while it was
"sending" goes back to pending after OUTBOX_STUCK_AFTER: delivery is at
least once.

A claimed row is handled through a snapshot read before the slow part (SMTP,
HTTP), with its id, attempts and claimed_at and a label for the log.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime, timedelta
from typing import Protocol, TypeVar

import sqlalchemy as sa
from flask import current_app

from .extensions import db
from .models import OutboxStatus, utcnow
from .text import plural

logger = logging.getLogger(__name__)

Snapshot = TypeVar("Snapshot")


class Claimed(Protocol):
    """What settling a claimed row needs to know of it."""

    id: int
    attempts: int
    claimed_at: datetime

    @property
    def label(self) -> str: ...


def claim_due(model, limit: int, snapshot: Callable[..., Snapshot]) -> list[Snapshot]:
    """Mark up to `limit` due rows as sending, commit, and return their snapshots."""
    now = utcnow()
    rows = db.session.scalars(
        db.select(model)
        .where(model.status == OutboxStatus.PENDING, model.next_attempt_at <= now)
        .order_by(model.next_attempt_at, model.id)
        .limit(limit)
        # PostgreSQL skips rows another worker is claiming instead of waiting.
        # SQLite renders nothing here: the transaction is BEGIN IMMEDIATE, so
        # claimers take turns and the conditional UPDATE below sees the winner.
        .with_for_update(skip_locked=True)
    ).all()
    claimed: set[int] = set()
    if rows:
        claimed = set(
            db.session.scalars(
                db.update(model)
                .where(model.id.in_([row.id for row in rows]))
                .where(model.status == OutboxStatus.PENDING)
                .values(status=OutboxStatus.SENDING, claimed_at=now)
                .returning(model.id)
            )
        )
    taken = [snapshot(row, claimed_at=now) for row in rows if row.id in claimed]
    # Commit before delivering: no transaction (nor SQLite's write lock) is
    # held while the worker waits on another server.
    db.session.commit()
    return taken


def backoff(attempts: int) -> timedelta:
    """Return the wait before the next try after `attempts` failed ones (doubling, capped)."""
    config = current_app.config
    seconds = config["OUTBOX_RETRY_AFTER"] * 2 ** (attempts - 1)
    return timedelta(seconds=min(seconds, config["OUTBOX_RETRY_AFTER_MAX"]))


def mark_failed(model, item: Claimed, reason: str, **values) -> None:
    """Give up on a claimed row for good (values: more columns to set)."""
    logger.error("%s failed: %s", item.label, reason)
    settle(model, item, status=OutboxStatus.FAILED, attempts=item.attempts + 1, last_error=reason,
           **values)  # fmt: skip


def retry_later(model, item: Claimed, reason: str, wait: timedelta | None = None, **values) -> None:
    """Charge a claimed row an attempt and schedule the next one, or fail it after the last.

    With `wait` the caller has decided there is a next try and when; without,
    the outbox's backoff and OUTBOX_MAX_ATTEMPTS decide.
    """
    attempts = item.attempts + 1
    if wait is None:
        if attempts >= current_app.config["OUTBOX_MAX_ATTEMPTS"]:
            mark_failed(model, item, f"{reason} (gave up after {attempts} attempts)", **values)
            return
        wait = backoff(attempts)
    next_attempt_at = utcnow() + wait
    logger.warning(
        "%s not sent, next try at %s: %s", item.label, f"{next_attempt_at:%H:%M:%S}", reason
    )
    settle(
        model,
        item,
        status=OutboxStatus.PENDING,
        attempts=attempts,
        next_attempt_at=next_attempt_at,
        last_error=reason,
        claimed_at=None,
        **values,
    )


def release(model, items: Iterable[Claimed]) -> None:
    """Put claimed rows that were never tried back in the queue, as they were."""
    for item in items:
        settle(model, item, status=OutboxStatus.PENDING, claimed_at=None)


def settle(model, item: Claimed, **values) -> None:
    """Update a claimed row and commit, unless it was meanwhile released as stuck and re-claimed."""
    if "last_error" in values:
        values["last_error"] = values["last_error"][:2000]
    db.session.execute(
        db.update(model)
        .where(model.id == item.id)
        .where(model.status == OutboxStatus.SENDING, model.claimed_at == item.claimed_at)
        .values(**values)
    )
    db.session.commit()


def release_stuck(model, noun: str, now: datetime | None = None) -> int:
    """Return rows left in "sending" by a worker that died to pending; commit; return how many."""
    now = now or utcnow()
    cutoff = now - timedelta(seconds=current_app.config["OUTBOX_STUCK_AFTER"])
    result = db.session.execute(
        db.update(model)
        .where(model.status == OutboxStatus.SENDING, model.claimed_at < cutoff)
        .values(status=OutboxStatus.PENDING, claimed_at=None)
    )
    db.session.commit()
    if result.rowcount:
        logger.warning("%s stuck in sending: back to pending", plural(result.rowcount, noun))
    return result.rowcount


def requeue(
    model, ids: Iterable[int] | None, statuses: Sequence[str], *conditions: sa.ColumnElement[bool]
) -> int:
    """Put rows in these states (all, or those given) back in the queue afresh; commit."""
    statement = (
        db.update(model)
        .where(model.status.in_(statuses), *conditions)
        .values(status=OutboxStatus.PENDING, attempts=0, next_attempt_at=utcnow(), claimed_at=None)
    )
    if ids is not None:
        statement = statement.where(model.id.in_(list(ids)))
    count = db.session.execute(statement).rowcount
    db.session.commit()
    return count


def counts_by_status(
    model, statuses: Sequence[str], *conditions: sa.ColumnElement[bool]
) -> dict[str, int]:
    """Return how many rows (those meeting conditions) are in each state, every state listed."""
    rows = db.session.execute(
        db.select(model.status, db.func.count()).where(*conditions).group_by(model.status)
    )
    counts = dict.fromkeys(statuses, 0)
    counts.update({status: count for status, count in rows})
    return counts


def next_due_at(model) -> datetime | None:
    """Return when the next pending row falls due, if any is pending."""
    return db.session.scalar(
        db.select(db.func.min(model.next_attempt_at)).where(model.status == OutboxStatus.PENDING)
    )
