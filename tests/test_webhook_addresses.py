"""Webhooks go only to public addresses, checked after DNS at every try, unless allow-listed.

No test here sends anything to a private or metadata address: the guard
refuses before connecting, and the connection function is replaced by one
that records and refuses, so a guard that let an address through fails the
test instead of reaching the network.
"""

from __future__ import annotations

import pytest
from support.forms import register_through_form
from support.webhooks import deliveries

from webinar.extensions import db
from webinar.models import WebhookEndpoint
from webinar.webhooks import address
from webinar.webhooks.address import Refused, check_destination

REFUSED_URLS = {
    "https://127.0.0.1/hooks": "loopback",
    "https://[::1]/hooks": "loopback",
    "https://10.20.30.40/hooks": "private",
    "https://192.168.1.10/hooks": "private",
    "https://169.254.169.254/latest/meta-data": "metadata",
    "https://localhost:8443/hooks": "loopback",  # a name that resolves to 127.0.0.1 (or ::1)
    "https://0.0.0.0/hooks": "unspecified",
    "https://224.0.0.1/hooks": "multicast",
}


@pytest.fixture
def no_connection(monkeypatch):
    """Record every connection the webhook code would open, and open none."""
    attempts = []

    def refuse(destination, *args, **kwargs):
        attempts.append(destination)
        raise ConnectionRefusedError("this test opens no connection")

    monkeypatch.setattr(address.socket, "create_connection", refuse)
    return attempts


@pytest.mark.parametrize("url", REFUSED_URLS)
def test_non_public_addresses_are_refused_when_an_endpoint_is_saved(app, url):
    with app.test_request_context(), pytest.raises(Refused, match=REFUSED_URLS[url]):
        check_destination(url)


@pytest.mark.parametrize("allowed", ["localhost", "127.0.0.1"])
def test_an_allow_listed_host_is_accepted_with_plain_http_too(app, allowed):
    app.config["WEBHOOK_ALLOW_HOSTS"] = [allowed]
    with app.test_request_context():
        check_destination("http://localhost:8080/hooks" if allowed == "localhost"
                          else "http://127.0.0.1:8080/hooks")  # fmt: skip


def test_plain_http_is_refused_for_hosts_not_allowed(app):
    with app.test_request_context(), pytest.raises(Refused, match="https"):
        check_destination("http://hooks.example.org/in")


@pytest.mark.parametrize(("url", "why"), [
    ("https://10.0.0.1/hooks", "refused: 10.0.0.1 is a private address"),
    ("https://169.254.169.254/hooks", "refused: 169.254.169.254 is the cloud metadata address"),
    ("https://localhost/hooks", "refused: localhost resolves to "),
    ("https://127.0.0.1/hooks", "refused: 127.0.0.1 is a loopback address"),
])  # fmt: skip
def test_each_try_refuses_a_non_public_address_before_connecting(
    app, client, owner, owned_event, make_endpoint, deliver_webhooks, no_connection, url, why
):
    # Saved while allow-listed (or when the name resolved elsewhere): refused at the try.
    app.config["WEBHOOK_ALLOW_HOSTS"] = ["localhost", "127.0.0.1", "10.0.0.1", "169.254.169.254"]
    make_endpoint(owner, url, events=["registration.created"])
    app.config["WEBHOOK_ALLOW_HOSTS"] = []

    register_through_form(client, owned_event.slug)
    assert deliver_webhooks() == 0

    [row] = deliveries(app)
    assert row.status == "pending"  # tried again later: names can change
    assert row.last_error.startswith(why)
    assert no_connection == []


def test_a_refused_try_is_recorded_in_english_whatever_the_site_language(
    app, client, owner, owned_event, make_endpoint, deliver_webhooks, no_connection
):
    app.config["WEBHOOK_ALLOW_HOSTS"] = ["10.0.0.1"]
    make_endpoint(owner, "https://10.0.0.1/hooks", events=["registration.created"])
    app.config["WEBHOOK_ALLOW_HOSTS"] = []
    app.config["DEFAULT_LANGUAGE"] = "fr"  # the worker's language

    register_through_form(client, owned_event.slug)
    deliver_webhooks()

    [row] = deliveries(app)
    assert row.last_error.startswith("refused: 10.0.0.1 is a private address")


def test_an_allow_listed_name_is_delivered_to_the_address_that_was_checked(
    app, client, owner, owned_event, receiver, make_endpoint, deliver_webhooks
):
    app.config["WEBHOOK_ALLOW_HOSTS"] = ["localhost"]
    _, secret = make_endpoint(owner, f"http://localhost:{receiver.port}/hooks",
                              events=["registration.created"])  # fmt: skip
    receiver.secrets = [secret]

    register_through_form(client, owned_event.slug)
    assert deliver_webhooks() == 1

    [received] = receiver.received
    assert received.verified
    assert received.headers["host"] == f"localhost:{receiver.port}"


def test_the_endpoint_form_refuses_a_private_address(app, owner_client):
    from support.organisers import token_of

    response = owner_client.post("/organiser/webhooks/new", data={
        "csrf_token": token_of(owner_client, "/organiser/webhooks/new"),
        "url": "https://10.1.2.3/hooks", "events": ["registration.created"], "enabled": "y",
    })  # fmt: skip

    assert response.status_code == 200
    assert "10.1.2.3 is a private address" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(WebhookEndpoint)) == 0
