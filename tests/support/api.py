"""Plugin: API tokens and a client that sends one."""

import pytest

from webinar.extensions import db
from webinar.models import Organiser
from webinar.organiser.services.api_tokens import create_token


class ApiClient:
    """The app's test client sending `Authorization: Bearer <token>` with every request."""

    def __init__(self, client, token: str):
        self.client, self.token = client, token

    def _headers(self, headers: dict | None) -> dict:
        return {"Authorization": f"Bearer {self.token}", **(headers or {})}

    def get(self, url: str, **kwargs):
        return self.client.get(url, headers=self._headers(kwargs.pop("headers", None)), **kwargs)

    def post(self, url: str, **kwargs):
        return self.client.post(url, headers=self._headers(kwargs.pop("headers", None)), **kwargs)


@pytest.fixture
def make_token(app):
    """Create an API token for an organiser (by id) and return its secret."""

    def make(organiser_id: int, scopes: str = "read,write", talks: tuple[int, ...] = ()) -> str:
        with app.app_context():
            organiser = db.session.get(Organiser, organiser_id)
            return create_token(organiser, "Tests", set(scopes.split(",")), list(talks))[1]

    return make


@pytest.fixture
def api_client(app, make_token):
    """Return a client sending a token of this organiser (by id)."""

    def make(organiser_id: int, scopes: str = "read,write", talks: tuple[int, ...] = ()):
        return ApiClient(app.test_client(), make_token(organiser_id, scopes, talks))

    return make


@pytest.fixture
def owner_api(api_client, owner) -> ApiClient:
    """A client with a read and write token of the owner."""
    return api_client(owner)
