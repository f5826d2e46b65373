"""The cap on emails that strangers' form submissions send to one mailbox.

Anyone can type anyone's address into a public form. Without a cap, one
visitor could send a flood of confirmations to a victim by varying
victim+1@, victim+2@, ... across talks. Each email a public form causes is
counted against its recipient's canonical mailbox over the last hour; past
MAILBOX_EMAILS_PER_HOUR the registration still stands, but its email is
kept in the outbox as "held" (organisers see it and can send it by hand)
instead of being sent. Held, not delayed: an email sent later would still
flood the victim, only more slowly.

The count lives in the database and is taken in the transaction that writes
the row, so it holds with any number of web processes. On PostgreSQL a
transaction-scoped advisory lock on the mailbox makes concurrent requests
take turns; on SQLite every write transaction already does (BEGIN IMMEDIATE).
"""

from __future__ import annotations

import hashlib
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app

from ..extensions import db
from ..models import OutboxEmail, OutboxStatus, utcnow
from ..text import normalise_email

# Emails that a stranger's form submission can cause, counted by the cap.
FORM_KINDS = ("confirmation", "waitlisted", "already_registered", "follow_confirmation")
WINDOW = timedelta(hours=1)
HELD_REASON = (
    "Held, not sent: this mailbox already received {cap} emails from the registration "
    "form within an hour (a protection against sending many emails to someone else's "
    "address). Use Retry to send it."
)
# Providers where dots in the local part make no difference to the mailbox.
DOTLESS_DOMAINS = frozenset({"gmail.com", "googlemail.com"})


def canonical_mailbox(address: str) -> str:
    """Return the mailbox an address reaches: lower case, no +tag, no Gmail dots."""
    local, _, domain = normalise_email(address).rpartition("@")
    if not local:
        return normalise_email(address)
    local = local.split("+", 1)[0]
    if domain in DOTLESS_DOMAINS:
        local = local.replace(".", "")
        domain = "gmail.com"
    return f"{local}@{domain}"


# Built once: every registration runs it. Equalities rather than an IN list,
# which would be expanded at each execution.
_SENT_TO_MAILBOX = (
    sa.select(sa.func.count())
    .select_from(OutboxEmail)
    .where(
        OutboxEmail.mailbox == sa.bindparam("mailbox"),
        OutboxEmail.created_at > sa.bindparam("since", type_=OutboxEmail.created_at.type),
        sa.or_(*(OutboxEmail.kind == kind for kind in FORM_KINDS)),
        OutboxEmail.status != OutboxStatus.HELD,
    )
)


def mailbox_is_full(mailbox: str) -> bool:
    """Say whether this mailbox had its share of form emails in the last hour."""
    cap = current_app.config["MAILBOX_EMAILS_PER_HOUR"]
    if cap is None:
        return False
    # On the session's connection: in its transaction, without the ORM's work
    # and without flushing what the caller has added so far (it flushes once).
    connection = db.session.connection()
    _take_turns(connection, mailbox)
    count = connection.scalar(_SENT_TO_MAILBOX, {"mailbox": mailbox, "since": utcnow() - WINDOW})
    return count >= cap


def hold(email: OutboxEmail) -> None:
    """Keep an email in the outbox without sending it, saying why."""
    for name, value in held().items():
        setattr(email, name, value)


def held() -> dict[str, str]:
    """Return the columns of an email kept in the outbox without sending it, saying why."""
    reason = HELD_REASON.format(cap=current_app.config["MAILBOX_EMAILS_PER_HOUR"])
    return {"status": OutboxStatus.HELD, "last_error": reason}


_TAKE_TURNS = sa.select(sa.func.pg_advisory_xact_lock(sa.bindparam("key", type_=sa.BigInteger)))


def _take_turns(connection: sa.Connection, mailbox: str) -> None:
    """On PostgreSQL, wait for other transactions counting this mailbox (until commit)."""
    if connection.dialect.name != "postgresql":
        return
    key = int.from_bytes(hashlib.sha256(mailbox.encode()).digest()[:8], "big", signed=True)
    connection.execute(_TAKE_TURNS, {"key": key})
