"""Read what the app stored (registrations, outbox emails, events, organisers), detached."""

from __future__ import annotations

from webinar.extensions import db
from webinar.mail.delivery import written_email
from webinar.models import Event, Organiser, OutboxEmail, Registration


def stored_rows(app, model, **where) -> list:
    """Return the stored rows of a model matching column values, oldest first, detached."""
    with app.app_context():
        query = db.select(model).filter_by(**where).order_by(model.id)
        rows = db.session.scalars(query).all()
        db.session.expunge_all()
    return rows


def stored_one(app, model, **where):
    """Return the one stored row of a model matching column values, detached."""
    (row,) = stored_rows(app, model, **where)
    return row


def registrations(app, event=None) -> list[Registration]:
    """Return the stored registrations (of one event), oldest first, detached."""
    where = {} if event is None else {"event_id": event.id}
    return stored_rows(app, Registration, **where)


def registration(app, token: str) -> Registration:
    """Return one registration by token, detached."""
    return stored_one(app, Registration, token=token)


def emails(app, kind: str | None = None) -> list[OutboxEmail]:
    """Return the outbox rows (of one kind), oldest first, detached, as they will be sent.

    An email still to be written by the worker gets the bodies the worker
    would write now (not stored: the outbox stays as it was).
    """
    query = db.select(OutboxEmail).order_by(OutboxEmail.id)
    if kind is not None:
        query = query.where(OutboxEmail.kind == kind)
    with app.app_context():
        rows = db.session.scalars(query).all()
        written = {
            row.id: written_email(row.kind, row.registration, row.language)
            for row in rows
            if row.language is not None
        }
        db.session.expunge_all()
    for row in rows:
        for name, value in written.get(row.id, {}).items():
            setattr(row, name, value)
    return rows


def kinds(app) -> list[tuple[str, str]]:
    """Return (kind, recipient) of every outbox row, oldest first."""
    return [(email.kind, email.recipient) for email in emails(app)]


def load_event(app, event_id: int) -> Event:
    """Return an event as stored now, with its parts loaded, detached from any session."""
    with app.app_context():
        event = db.session.get(Event, event_id)
        _ = event.speakers, event.materials, event.topics
        db.session.expunge_all()
        return event


def stored_organiser(app, email: str) -> Organiser:
    """Return the organiser account with this email, detached."""
    return stored_one(app, Organiser, email=email)
