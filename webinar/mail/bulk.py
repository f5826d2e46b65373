"""Emails to many registrants at once: rendered in batches, written without duplicates.

A talk can have thousands of registrants, so registrations are read in
batches by id, each batch rendered and inserted in one statement. For the
kinds that go out once per registration, people who already have that email
are left out of the query, and the insert skips any row another process
wrote meanwhile (the unique index decides).
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Select

from ..database import insert_new
from ..extensions import db
from ..models import ONCE_PER_REGISTRATION, OutboxEmail, Registration, utcnow
from ..unsubscribe import NEWS_KINDS, receives_news
from .render import render_email

BATCH_SIZE = 200


def outbox_row(kind: str, registration: Registration, **extra) -> dict:
    """Render one email and return its outbox row as column values."""
    rendered = render_email(kind, registration, **extra)
    now = utcnow()
    return {
        "kind": kind,
        "registration_id": registration.id,
        "recipient": registration.email,
        "subject": rendered.subject,
        "text_body": rendered.text_body,
        "html_body": rendered.html_body,
        "ics": rendered.ics,
        "unsubscribe_url": rendered.unsubscribe_url,
        "status": "pending",
        "attempts": 0,
        "last_error": "",
        "next_attempt_at": now,
        "created_at": now,
    }


def enqueue_for(
    kind: str,
    query: Select,
    *,
    context: Callable[[Registration], dict] | None = None,
    commit: bool = False,
    batch_size: int = BATCH_SIZE,
) -> int:
    """Enqueue an email of this kind for each registration the query selects; return how many.

    `context` gives the extra template values of one registration. With
    `commit`, each batch is committed on its own (the outbox loop does so, to
    keep write transactions short); otherwise the caller commits.
    """
    query = query.where(Registration.anonymised_at.is_(None), Registration.email != "")
    if kind in NEWS_KINDS:
        query = query.where(receives_news())
    once = kind in ONCE_PER_REGISTRATION
    if once:
        already = (
            db.select(OutboxEmail.id)
            .where(OutboxEmail.registration_id == Registration.id, OutboxEmail.kind == kind)
            .exists()
        )
        query = query.where(~already)
    written, last_id = 0, 0
    while True:
        batch = db.session.scalars(
            query.where(Registration.id > last_id).order_by(Registration.id).limit(batch_size)
        ).all()
        if not batch:
            return written
        rows = [outbox_row(kind, r, **(context(r) if context else {})) for r in batch]
        if once:
            written += insert_new(OutboxEmail, rows)
        else:
            db.session.execute(db.insert(OutboxEmail), rows)
            written += len(rows)
        last_id = batch[-1].id
        if commit:
            db.session.commit()
