"""Deliver the emails of the outbox: claim due ones, write them, send them, record what happened.

An email enqueued without its bodies (webinar.notifications.rows) is written
here, after the claim and before sending, in the language its row names;
the bodies are stored on the row, so it keeps exactly what was sent.

The queue itself (claim, backoff, retries, stuck rows) is webinar.queue;
this module adds what is particular to email: one SMTP connection per batch,
or .eml files in the mailbox folder when no server is configured.

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

import dataclasses
import logging
import re
from collections.abc import Iterable
from contextlib import ExitStack
from datetime import datetime
from pathlib import Path
from typing import NamedTuple

import sqlalchemy as sa
from flask import current_app

from .. import queue
from ..extensions import db
from ..models import OutboxEmail, OutboxStatus, Registration, utcnow
from ..talk_languages import in_language
from . import smtp
from .message import Letter, UnsafeHeader, build_message
from .render import render_email, template_of

logger = logging.getLogger(__name__)


class BatchOutcome(NamedTuple):
    sent: int
    interrupted: bool = False  # the connection failed: end the pass


def deliver_due() -> int:
    """Send the emails that are due, one batch per connection; return how many were sent."""
    sent = 0
    batch_size = current_app.config["OUTBOX_BATCH_SIZE"]
    while letters := claim_due(batch_size):
        outcome = send_batch(write_bodies(letters))
        sent += outcome.sent
        if outcome.interrupted or len(letters) < batch_size:
            break
    return sent


def claim_due(limit: int) -> list[Letter]:
    """Mark up to `limit` due emails as sending, commit, and return them."""
    return queue.claim_due(OutboxEmail, limit, Letter.from_row)


def write_bodies(letters: list[Letter]) -> list[Letter]:
    """Write the emails enqueued without their bodies; return the batch, bodies written.

    Each rendering reads in a transaction of its own, ended at once: outside a
    request every transaction takes SQLite's write lock (webinar.database), so
    registrations wait for one email's rendering at most, not a batch's. The
    bodies are stored with the outcome of the sending (outcome_columns), in
    the same UPDATE. One that cannot be written waits its backoff like a
    failed send.
    """
    written = []
    for letter in letters:
        if letter.language is None:
            written.append(letter)
            continue
        try:
            registration = db.session.get(Registration, letter.registration_id)
            bodies = written_email(letter.kind, registration, letter.language)
        except Exception as error:
            db.session.rollback()
            logger.exception("Could not write email %d", letter.id)
            retry_later(letter, f"could not write the email: {error}")
            continue
        db.session.rollback()  # a read only: end it, and SQLite's lock with it
        written.append(dataclasses.replace(letter, language=None, written=True, **bodies))
    return written


def outcome_columns(letter: Letter) -> dict[str, str | None]:
    """Return what to store of an email with its outcome: the bodies this worker wrote."""
    if not letter.written:
        return {}
    return {
        "subject": letter.subject,
        "text_body": letter.text_body,
        "html_body": letter.html_body,
        "ics": letter.ics,
        "unsubscribe_url": letter.unsubscribe_url,
        "language": None,
    }


def written_email(kind: str, registration: Registration, language: str) -> dict[str, str | None]:
    """Return the columns of an email enqueued without its bodies, written now in its language."""
    with in_language(language):
        email = render_email(template_of(kind), registration)
    return {
        "subject": email.subject,
        "text_body": email.text_body,
        "html_body": email.html_body,
        "ics": email.ics,
        "unsubscribe_url": email.unsubscribe_url,
    }


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


def mark_sent(letter: Letter) -> None:
    """Record that the email left."""
    queue.settle(OutboxEmail, letter, status=OutboxStatus.SENT, sent_at=utcnow(), last_error="",
                 **outcome_columns(letter))  # fmt: skip


def mark_failed(letter: Letter, reason: str) -> None:
    """Give up on the email for good."""
    queue.mark_failed(OutboxEmail, letter, reason, **outcome_columns(letter))


def retry_later(letter: Letter, reason: str) -> None:
    """Charge the email an attempt and schedule the next one, or fail it after the last."""
    queue.retry_later(OutboxEmail, letter, reason, **outcome_columns(letter))


def release(letters: Iterable[Letter]) -> None:
    """Put emails that were never tried back in the queue, as they were."""
    queue.release(OutboxEmail, letters)


def retry_failed(
    email_ids: Iterable[int] | None = None, statuses: tuple[str, ...] = (OutboxStatus.FAILED,)
) -> int:
    """Put failed emails (all, or those given) back in the queue for a fresh series of tries.

    Held emails (webinar.notifications.caps) are only sent again when `statuses` names them.
    """
    # One whose body the retention purge emptied would go out blank; one still
    # to be written is written when it is sent.
    written = sa.or_(OutboxEmail.text_body != "", OutboxEmail.language.is_not(None))
    return queue.requeue(OutboxEmail, email_ids, statuses, written)


def counts_by_status() -> dict[str, int]:
    """Return how many emails are in each state, every state listed."""
    return queue.counts_by_status(OutboxEmail, tuple(OutboxStatus))


def next_due_at() -> datetime | None:
    """Return when the next pending email falls due, if any is pending."""
    return queue.next_due_at(OutboxEmail)
