"""Read what the app stored (registrations, outbox emails, events, organisers), detached."""

from __future__ import annotations

from webinar.extensions import db
from webinar.models import Event, Organiser, OutboxEmail, Registration


def registrations(app, event=None) -> list[Registration]:
    """Return the stored registrations (of one event), oldest first, detached."""
    with app.app_context():
        query = db.select(Registration).order_by(Registration.id)
        if event is not None:
            query = query.where(Registration.event_id == event.id)
        rows = db.session.scalars(query).all()
        db.session.expunge_all()
    return rows


def registration(app, token: str) -> Registration:
    """Return one registration by token, detached."""
    with app.app_context():
        row = db.session.execute(
            db.select(Registration).where(Registration.token == token)
        ).scalar_one()
        db.session.expunge_all()
    return row


def emails(app, kind: str | None = None) -> list[OutboxEmail]:
    """Return the outbox rows (of one kind), oldest first, detached."""
    with app.app_context():
        query = db.select(OutboxEmail).order_by(OutboxEmail.id)
        if kind is not None:
            query = query.where(OutboxEmail.kind == kind)
        rows = db.session.scalars(query).all()
        db.session.expunge_all()
    return rows


def kinds(app) -> list[tuple[str, str]]:
    """Return (kind, recipient) of every outbox row, oldest first."""
    return [(email.kind, email.recipient) for email in emails(app)]


def load_event(app, event_id: int) -> Event:
    """Return an event as stored now, with its parts loaded, detached from any session."""
    with app.app_context():
        event = db.session.get(Event, event_id)
        _ = event.speakers, event.materials, event.topics, event.co_organisers
        db.session.expunge_all()
        return event


def stored_organiser(app, email: str) -> Organiser:
    """Return the organiser account with this email, detached."""
    with app.app_context():
        organiser = db.session.execute(
            db.select(Organiser).where(Organiser.email == email)
        ).scalar_one()
        db.session.expunge(organiser)
        return organiser
