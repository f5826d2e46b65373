"""Outbox rows: the one builder of the emails the app sends, for one person or for many.

Every email is added in the caller's transaction, so a change and the email
it causes are saved together or not at all. An email about a registration
is enqueued as its kind, registration, language and subject: the worker
writes its bodies and calendar file just before sending (webinar.mail.delivery),
so no request spends its time (and SQLite's write lock) rendering, and the
email shows the talk as it is when it goes out. Emails with text of their
own (`context`: announcements, follow-ups) are rendered here in full. Two
rules apply here:
- the cap on emails a public form sends to one mailbox (caps.py): such an
  email past the cap is kept as "held" instead of being sent;
- news (announcements, follow-ups) skips people who unsubscribed, and
  carries their one-click unsubscribe link (webinar.unsubscribe).

Bulk emails are read in batches of registrations by id, each batch inserted
in one statement. For the kinds that go out once per
registration, people who already have that email are left out of the query,
and the insert skips any row another process wrote meanwhile (the unique
index decides).
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Select, insert

from ..database import insert_new
from ..extensions import db
from ..mail.render import render_email, render_subject
from ..models import ONCE_PER_REGISTRATION, OutboxEmail, OutboxStatus, Registration, utcnow
from ..talk_languages import in_language
from ..unsubscribe import NEWS_KINDS, receives_news
from .caps import FORM_KINDS, canonical_mailbox, held, hold, mailbox_is_full

BATCH_SIZE = 200


def outbox_row(
    kind: str,
    registration: Registration,
    *,
    context: Callable[[Registration], dict] | None = None,
    language: Callable[[Registration], str] | None = None,
) -> dict:
    """Return the values of one email's row: its bodies to be written at delivery, or in full.

    All of it in one language: the one the person registered in, or the one
    `language` gives for them (an announcement not written in theirs goes
    out whole in the talk's language). With `context` (the extra template
    values of this registration) the email is rendered now, as its text is
    the caller's; without, the row carries the language for the worker.
    """
    code = language(registration) if language else registration.language
    with in_language(code):
        if context is None:
            subject, bodies = render_subject(kind, registration), {"language": code}
        else:
            rendered = render_email(kind, registration, **context(registration))
            subject, bodies = rendered.subject, {
                "text_body": rendered.text_body,
                "html_body": rendered.html_body,
                "ics": rendered.ics,
                "unsubscribe_url": rendered.unsubscribe_url,
                "language": None,
            }
    now = utcnow()
    return {
        "kind": kind,
        "registration_id": registration.id,
        "recipient": registration.email,
        "mailbox": canonical_mailbox(registration.email),
        "subject": subject,
        "text_body": "",
        "html_body": "",
        "ics": None,
        "unsubscribe_url": None,
        **bodies,
        "status": OutboxStatus.PENDING,
        "attempts": 0,
        "last_error": "",
        "next_attempt_at": now,
        "created_at": now,
    }


def enqueue(kind: str, registration: Registration) -> OutboxEmail:
    """Add one email to the session (held if a form sent its mailbox enough); the caller commits."""
    row = outbox_row(kind, registration)
    # Counted before the row is added (the count flushes nothing: the caller's
    # registration and this email go in one flush).
    full = kind in FORM_KINDS and mailbox_is_full(row["mailbox"])
    email = OutboxEmail(**row)
    email.registration = registration
    if full:
        hold(email)
    db.session.add(email)
    return email


_INSERT_EMAIL = insert(OutboxEmail.__table__)


def insert_email(kind: str, registration) -> None:
    """Insert one email of a registration now, on the session's connection; the caller commits.

    What enqueue() adds, held past the cap alike, for the registration
    seats.register has just inserted without the ORM (seats.NewRegistration).
    """
    row = outbox_row(kind, registration)
    if kind in FORM_KINDS and mailbox_is_full(row["mailbox"]):
        row.update(held())
    db.session.connection().execute(_INSERT_EMAIL, row)


def recipients(kind: str, query: Select) -> Select:
    """Narrow a query of registrations to those this kind of email may go to."""
    query = query.where(Registration.anonymised_at.is_(None), Registration.email != "")
    if kind in NEWS_KINDS:
        query = query.where(receives_news())
    if kind in ONCE_PER_REGISTRATION:
        already = (
            db.select(OutboxEmail.id)
            .where(OutboxEmail.registration_id == Registration.id, OutboxEmail.kind == kind)
            .exists()
        )
        query = query.where(~already)
    return query


def enqueue_for(
    kind: str,
    query: Select,
    *,
    context: Callable[[Registration], dict] | None = None,
    language: Callable[[Registration], str] | None = None,
    commit: bool = False,
    batch_size: int = BATCH_SIZE,
) -> int:
    """Enqueue an email of this kind for each registration the query selects; return how many.

    `language` chooses each email's language (by default, the person's).

    `context` gives the extra template values of one registration. With
    `commit`, each batch is committed on its own (the periodic jobs do so, to
    keep write transactions short); otherwise the caller commits.
    """
    query = recipients(kind, query)
    written, last_id = 0, 0
    while True:
        batch = db.session.scalars(
            query.where(Registration.id > last_id).order_by(Registration.id).limit(batch_size)
        ).all()
        if not batch:
            return written
        rows = [outbox_row(kind, r, context=context, language=language) for r in batch]
        if kind in ONCE_PER_REGISTRATION:
            written += insert_new(OutboxEmail, rows)
        else:
            db.session.execute(db.insert(OutboxEmail), rows)
            written += len(rows)
        last_id = batch[-1].id
        if commit:
            db.session.commit()
