"""Helpers shared by the registration, seats and email tests."""

from __future__ import annotations

import secrets

from conftest import csrf_token

from webinar.extensions import db
from webinar.models import OutboxEmail, Registration

VALID_FORM = {
    "first_name": "Ada",
    "last_name": "Lovelace",
    "email": "ada@example.org",
    "organisation": "Analytical Engines",
    "job_title": "Programmer",
    "country": "BE",
    "consent_privacy": "y",
    "timezone": "America/New_York",
}


def register_through_form(client, slug: str, query: str = "", **changes):
    """Open the form, fill it with valid values changed by `changes`, and send it."""
    page = client.get(f"/events/{slug}/register{query}")
    form = dict(VALID_FORM, csrf_token=csrf_token(page.data))
    # Keep the hidden fields the page filled in (utm, referrer) like a browser does.
    for name in ("utm_source", "utm_medium", "utm_campaign", "referrer"):
        form[name] = hidden_value(page.data.decode(), name)
    for name, value in changes.items():
        if value is None:
            form.pop(name, None)
        else:
            form[name] = value
    return client.post(f"/events/{slug}/register", data=form)


def hidden_value(html: str, name: str) -> str:
    import re

    match = re.search(rf'id="{name}" name="{name}" type="hidden" value="([^"]*)"', html)
    return match.group(1).replace("&amp;", "&") if match else ""


def add_registration(app, event, **fields) -> str:
    """Store a registration directly (test set-up only) and return its token."""
    values = {
        "event_id": event.id,
        "token": secrets.token_urlsafe(32),
        "first_name": "Grace",
        "last_name": "Hopper",
        "email": f"grace-{secrets.token_hex(4)}@example.org",
        "status": "confirmed",
    }
    values.update(fields)
    values.setdefault("email_normalised", values["email"].lower())
    with app.app_context():
        db.session.add(Registration(**values))
        db.session.commit()
    return values["token"]


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
