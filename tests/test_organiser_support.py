"""Fixtures and helpers shared by the organiser tests (this module holds no tests)."""

from urllib.parse import quote

import pytest
from conftest import csrf_token

from webinar.extensions import db
from webinar.models import Event
from webinar.organiser.services.accounts import create_organiser

# The fixtures, for `from test_organiser_support import *` in the organiser tests.
__all__ = ["make_organiser", "owned_event", "owner", "owner_client", "signed_in"]

PASSWORD = "correct horse battery"
OWNER_EMAIL = "olga@example.org"


def sign_in(client, email: str, password: str = PASSWORD, next_url: str | None = None):
    """Submit the sign-in form and return the response."""
    query = f"?next={quote(next_url, safe='')}" if next_url is not None else ""
    page = client.get(f"/organiser/login{query}")
    return client.post(
        f"/organiser/login{query}",
        data={"csrf_token": csrf_token(page.data), "email": email, "password": password},
    )


def token_of(client, url: str = "/organiser/login") -> str:
    """Return a CSRF token valid for this client's session, read from a page's form."""
    return csrf_token(client.get(url).data)


def load_event(app, event_id: int) -> Event:
    """Return an event as stored now, detached from any session."""
    with app.app_context():
        event = db.session.get(Event, event_id)
        _ = event.speakers, event.materials, event.topics, event.co_organisers
        db.session.expunge_all()
        return event


@pytest.fixture
def make_organiser(app):
    """Create an organiser account and return its id."""

    def make(email: str, name: str = "An Organiser", is_admin: bool = False) -> int:
        with app.app_context():
            return create_organiser(email, name, PASSWORD, is_admin=is_admin).id

    return make


@pytest.fixture
def owner(make_organiser) -> int:
    return make_organiser(OWNER_EMAIL, "Olga Owner")


@pytest.fixture
def signed_in(app):
    """Return a new client signed in as the organiser with this email."""

    def make(email: str):
        client = app.test_client()
        response = sign_in(client, email)
        assert response.status_code == 302, "sign-in failed"
        return client

    return make


@pytest.fixture
def owner_client(signed_in, owner):
    return signed_in(OWNER_EMAIL)


@pytest.fixture
def owned_event(make_event, owner) -> Event:
    return make_event(owner_id=owner)


def add_registrations(app, event_id: int, *statuses: str, joined: int = 0) -> list[int]:
    """Insert registrations with these statuses (the first `joined` of them joined); return ids."""
    import secrets

    from webinar.models import Registration, utcnow

    with app.app_context():
        rows = [
            Registration(
                event_id=event_id,
                token=secrets.token_urlsafe(32),
                first_name="Reg",
                last_name=f"Number {number}",
                email=f"reg{number}-{event_id}@example.org",
                email_normalised=f"reg{number}-{event_id}@example.org",
                status=status,
                joined_at=utcnow() if number < joined else None,
            )
            for number, status in enumerate(statuses)
        ]
        db.session.add_all(rows)
        db.session.commit()
        return [row.id for row in rows]
