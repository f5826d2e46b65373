"""Read what the app stored (registrations, outbox emails, events, organisers), detached."""

from __future__ import annotations

from webinar.extensions import db
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
    """Return the outbox rows (of one kind), oldest first, detached."""
    where = {} if kind is None else {"kind": kind}
    return stored_rows(app, OutboxEmail, **where)


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
