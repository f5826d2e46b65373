"""Plugin: organiser accounts, signed-in clients and an owned event."""

from urllib.parse import quote

import pytest

from support.forms import csrf_token
from webinar.models import Event
from webinar.organiser.services.accounts import create_organiser

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


@pytest.fixture
def make_organiser(app):
    """Create an organiser account and return its id."""

    def make(email: str, name: str = "An Organiser", is_admin: bool = False) -> int:
        with app.app_context():
            return create_organiser(email, name, PASSWORD, is_admin=is_admin).id

    return make


@pytest.fixture
def owner(make_organiser) -> int:
    """The id of Olga, an organiser (not an administrator)."""
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
    """A client signed in as the owner."""
    return signed_in(OWNER_EMAIL)


@pytest.fixture
def owned_event(make_event, owner) -> Event:
    """A published event of the owner."""
    return make_event(owner_id=owner)
