"""Deliver the outbox: claim due emails, send them, record what happened.

An email moves pending -> sending -> sent, or back to pending with a later
next_attempt_at after a transient failure, or to failed after a permanent
refusal or the last attempt. Delivery is at least once: an email whose
worker died while sending goes back to pending after OUTBOX_STUCK_AFTER.

The attempts counter counts real tries of each email:
- the server cannot be reached (refused, timed out, bad greeting): every
  email of the batch was due and tried, so each is charged an attempt and
  waits its backoff;
- the connection breaks while an email is on the wire (dropped, timed out,
  421): that email is charged; the rest of the batch was never tried and goes
  back to pending as it was (still due), for a fresh connection next pass.
Either way the pass ends there, so a server that never answers costs the
worker one timeout per pass.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from contextlib import ExitStack
from datetime import datetime, timedelta
from pathlib import Path
from typing import NamedTuple

from flask import current_app

from ..extensions import db
from ..models import OUTBOX_STATUSES, OutboxEmail, utcnow
from ..privacy import purge_if_due
from . import smtp
from .message import Letter, UnsafeHeader, build_message
from .reminders import enqueue_due_reminders

logger = logging.getLogger(__name__)


def run_once() -> int:
    """Do one pass of the outbox worker and return the number of emails sent."""
    release_stuck()
    enqueue_due_reminders()
    purge_if_due()
    return deliver_due()


def release_stuck() -> int:
    """Return emails left in "sending" by a worker that died to pending."""
    cutoff = utcnow() - timedelta(seconds=current_app.config["OUTBOX_STUCK_AFTER"])
    result = db.session.execute(
        db.update(OutboxEmail)
        .where(OutboxEmail.status == "sending", OutboxEmail.claimed_at < cutoff)
        .values(status="pending", claimed_at=None)
    )
    db.session.commit()
    if result.rowcount:
        logger.warning("%d emails were stuck in sending: back to pending", result.rowcount)
    return result.rowcount


class BatchOutcome(NamedTuple):
    sent: int
    interrupted: bool = False  # the connection failed: end the pass


def deliver_due() -> int:
    """Send the emails that are due, one batch per connection; return how many were sent."""
    sent = 0
    batch_size = current_app.config["OUTBOX_BATCH_SIZE"]
    while letters := claim_due(batch_size):
        outcome = send_batch(letters)
        sent += outcome.sent
        if outcome.interrupted or len(letters) < batch_size:
            break
    return sent


def claim_due(limit: int) -> list[Letter]:
    """Mark up to `limit` due emails as sending, commit, and return them."""
    now = utcnow()
    rows = db.session.scalars(
        db.select(OutboxEmail)
        .where(OutboxEmail.status == "pending", OutboxEmail.next_attempt_at <= now)
        .order_by(OutboxEmail.next_attempt_at, OutboxEmail.id)
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
                db.update(OutboxEmail)
                .where(OutboxEmail.id.in_([row.id for row in rows]))
                .where(OutboxEmail.status == "pending")
                .values(status="sending", claimed_at=now)
                .returning(OutboxEmail.id)
            )
        )
    letters = [Letter.from_row(row, claimed_at=now) for row in rows if row.id in claimed]
    # Commit before sending: no transaction (nor SQLite's write lock) is held
    # while the worker waits on a mail server.
    db.session.commit()
    return letters


def send_batch(letters: list[Letter]) -> BatchOutcome:
    """Send claimed emails over one SMTP connection, or into the mailbox folder without one."""
    if not current_app.config["MAIL_SERVER"]:
        return BatchOutcome(write_to_mailbox(letters))

    messages = []
    for letter in letters:
        try:
            messages.append((letter, build_message(letter)))
        except UnsafeHeader as error:
            mark_failed(letter, f"not sent: {error}")
    if not messages:
        return BatchOutcome(0)

    sent = 0
    with ExitStack() as stack:
        try:
            connection = stack.enter_context(smtp.connection())
        except smtp.CONNECTION_ERRORS as error:
            reason, _ = smtp.explain(error)
            for letter, _ in messages:
                retry_later(letter, f"could not connect to the mail server: {reason}")
            return BatchOutcome(0, interrupted=True)

        for position, (letter, message) in enumerate(messages):
            try:
                connection.send(message)
            except Exception as error:
                if not isinstance(error, smtp.CONNECTION_ERRORS):
                    logger.exception("Unexpected error sending email %d", letter.id)
                reason, permanent = smtp.explain(error)
                if permanent:
                    mark_failed(letter, reason)
                else:
                    retry_later(letter, reason)
                if not connection.is_open:
                    release(other for other, _ in messages[position + 1 :])
                    return BatchOutcome(sent, interrupted=True)
            else:
                mark_sent(letter)
                sent += 1
    return BatchOutcome(sent)


def write_to_mailbox(letters: list[Letter]) -> int:
    """Write each email as an .eml file into MAILBOX_FOLDER and log its path."""
    folder = Path(current_app.config["MAILBOX_FOLDER"])
    folder.mkdir(parents=True, exist_ok=True)
    written = 0
    for letter in letters:
        try:
            data = build_message(letter).as_bytes()
        except UnsafeHeader as error:
            mark_failed(letter, f"not sent: {error}")
            continue
        kind = re.sub(r"[^a-z0-9_]", "", letter.kind.lower()) or "email"
        # Named by time first, so a listing of the folder is in sending order.
        path = folder / f"{utcnow():%Y%m%dT%H%M%S%fZ}-{letter.id}-{kind}.eml"
        try:
            path.write_bytes(data)
        except OSError as error:
            retry_later(letter, f"could not write {path}: {error}")
            continue
        logger.info("Email %d (%s) written to %s", letter.id, letter.kind, path)
        mark_sent(letter)
        written += 1
    return written


def backoff(attempts: int) -> timedelta:
    """Return the wait before the next try after `attempts` failed ones (doubling, capped)."""
    config = current_app.config
    seconds = config["OUTBOX_RETRY_AFTER"] * 2 ** (attempts - 1)
    return timedelta(seconds=min(seconds, config["OUTBOX_RETRY_AFTER_MAX"]))


def mark_sent(letter: Letter) -> None:
    """Record that the email left."""
    _settle(letter, status="sent", sent_at=utcnow(), last_error="")


def mark_failed(letter: Letter, reason: str) -> None:
    """Give up on the email for good."""
    logger.error("Email %d (%s) failed: %s", letter.id, letter.kind, reason)
    _settle(letter, status="failed", attempts=letter.attempts + 1, last_error=reason)


def retry_later(letter: Letter, reason: str) -> None:
    """Charge the email an attempt and schedule the next one, or fail it after the last."""
    attempts = letter.attempts + 1
    if attempts >= current_app.config["OUTBOX_MAX_ATTEMPTS"]:
        mark_failed(letter, f"{reason} (gave up after {attempts} attempts)")
        return
    next_attempt_at = utcnow() + backoff(attempts)
    logger.warning(
        "Email %d (%s) not sent, next try at %s: %s",
        letter.id,
        letter.kind,
        f"{next_attempt_at:%H:%M:%S}",
        reason,
    )
    _settle(
        letter,
        status="pending",
        attempts=attempts,
        next_attempt_at=next_attempt_at,
        last_error=reason,
        claimed_at=None,
    )


def release(letters: Iterable[Letter]) -> None:
    """Put emails that were never tried back in the queue, as they were."""
    for letter in letters:
        _settle(letter, status="pending", claimed_at=None)


def _settle(letter: Letter, **values) -> None:
    """Update a claimed email, unless it was meanwhile released as stuck and claimed again."""
    if "last_error" in values:
        values["last_error"] = values["last_error"][:2000]
    db.session.execute(
        db.update(OutboxEmail)
        .where(OutboxEmail.id == letter.id)
        .where(OutboxEmail.status == "sending", OutboxEmail.claimed_at == letter.claimed_at)
        .values(**values)
    )
    db.session.commit()


def retry_failed(
    email_ids: Iterable[int] | None = None, statuses: tuple[str, ...] = ("failed",)
) -> int:
    """Put failed emails (all, or those given) back in the queue for a fresh series of tries.

    Held emails (webinar.mail.caps) are only sent again when `statuses` names them.
    """
    statement = (
        db.update(OutboxEmail)
        # One whose body the retention purge emptied would go out blank.
        .where(OutboxEmail.status.in_(statuses), OutboxEmail.text_body != "")
        .values(status="pending", attempts=0, next_attempt_at=utcnow(), claimed_at=None)
    )
    if email_ids is not None:
        statement = statement.where(OutboxEmail.id.in_(list(email_ids)))
    count = db.session.execute(statement).rowcount
    db.session.commit()
    return count


def counts_by_status() -> dict[str, int]:
    """Return how many emails are in each state, every state listed."""
    rows = db.session.execute(
        db.select(OutboxEmail.status, db.func.count()).group_by(OutboxEmail.status)
    )
    counts = dict.fromkeys(OUTBOX_STATUSES, 0)
    counts.update({status: count for status, count in rows})
    return counts


def next_due_at() -> datetime | None:
    """Return when the next pending email falls due, if any is pending."""
    return db.session.scalar(
        db.select(db.func.min(OutboxEmail.next_attempt_at)).where(OutboxEmail.status == "pending")
    )
