"""Plugin: API tokens and a client that sends one."""

import pytest

from webinar.extensions import db
from webinar.models import Organiser
from webinar.organiser.services.api_tokens import create_token

# A registration the API takes for a talk with the default form: the body of a POST.
NEW_REGISTRATION = {
    "first_name": "Ada",
    "last_name": "Lovelace",
    "email": "ada@example.org",
    "organisation": "Analytical Engines",
    "country": "BE",
    "consent_privacy": True,
}


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

    def patch(self, url: str, **kwargs):
        return self.client.patch(url, headers=self._headers(kwargs.pop("headers", None)), **kwargs)

    def delete(self, url: str, **kwargs):
        return self.client.delete(url, headers=self._headers(kwargs.pop("headers", None)), **kwargs)


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


@pytest.fixture
def api_server(app):
    """The test app served over real HTTP in a thread (on either database); yields its URL."""
    from support.browser import serve

    server = serve(app)
    yield server.url
    server.stop()


def send(url: str, token: str, body: dict | None = None, headers: dict | None = None):
    """Send a request (POST when there is a body) with the token; return (status, JSON)."""
    import json
    import urllib.error
    import urllib.request

    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method="POST" if data else "GET")
    request.add_header("Authorization", f"Bearer {token}")
    if data:
        request.add_header("Content-Type", "application/json")
    for name, value in (headers or {}).items():
        request.add_header(name, value)
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")
