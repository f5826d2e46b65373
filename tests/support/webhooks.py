"""Plugin: a real HTTP receiver of webhooks that verifies each one, endpoints, and the worker.

`receiver` is an HTTP server on a free 127.0.0.1 port (allow-listed in the
test app), which checks every delivery with the `standardwebhooks` library
against the secrets it is given; `make_endpoint` adds an endpoint through the
service; `deliver_webhooks()` runs one pass of the webhook worker.
"""

from __future__ import annotations

import http.server
import json
import threading
import time
from dataclasses import dataclass

import pytest
from standardwebhooks import Webhook, WebhookVerificationError

from support.processes import free_port
from webinar.extensions import db
from webinar.models import WEBHOOK_EVENTS, Organiser, WebhookDelivery
from webinar.organiser.services.webhooks import EndpointData, create_endpoint
from webinar.webhooks import delivery


@dataclass
class Received:
    """One request as the receiver saw it."""

    webhook_id: str
    headers: dict[str, str]
    body: str
    verified: bool  # its signature matched one of the receiver's secrets
    answer: str  # how the receiver answered it

    @property
    def payload(self) -> dict:
        return json.loads(self.body)

    @property
    def event_type(self) -> str:
        return self.payload["type"]


class Receiver:
    """A real HTTP server in a thread that records and verifies each webhook posted to it.

    How it answers the next requests is set with `answer(*modes)`, one mode per
    request, then "ok" (204): "500", "410", "redirect" (302 elsewhere),
    "slow" (answers 200 after `slow_seconds`, past the worker's timeout),
    "close" (closes the connection without an answer), "hang" (holds the
    request until `release()`).
    """

    def __init__(self) -> None:
        self.port = free_port()
        self.secrets: list[str] = []
        self.received: list[Received] = []
        self.modes: list[str] = []
        self.slow_seconds = 1.5
        self.released = threading.Event()
        self.lock = threading.Lock()
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", self.port), self._handler())
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks"

    def answer(self, *modes: str) -> None:
        self.modes.extend(modes)

    def release(self) -> None:
        self.released.set()

    def verify(self, body: str, headers: dict[str, str]) -> bool:
        for secret in self.secrets:
            try:
                Webhook(secret).verify(body, headers)
            except WebhookVerificationError:
                continue
            return True
        return False

    def of_type(self, event_type: str) -> list[Received]:
        return [one for one in self.received if one.event_type == event_type]

    def _handler(self):
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                body = self.rfile.read(length).decode()
                headers = {key.lower(): value for key, value in self.headers.items()}
                with receiver.lock:
                    mode = receiver.modes.pop(0) if receiver.modes else "ok"
                    receiver.received.append(Received(
                        headers.get("webhook-id", ""), headers, body,
                        receiver.verify(body, headers), mode,
                    ))  # fmt: skip
                if mode == "close":
                    self.close_connection = True
                    return
                if mode == "hang":
                    receiver.released.wait(60)
                if mode == "slow":
                    time.sleep(receiver.slow_seconds)
                status = {"500": 500, "410": 410, "redirect": 302}.get(mode, 204)
                self.send_response(status)
                if mode == "redirect":
                    self.send_header("Location", f"{receiver.url}/elsewhere")
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        return Handler

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.released.set()
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver(app):
    """A started webhook receiver; the app may send plain http to 127.0.0.1."""
    app.config["WEBHOOK_ALLOW_HOSTS"] = ["127.0.0.1"]
    server = Receiver()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def make_endpoint(app):
    """Add an endpoint of an organiser through the service; return (its id, its secret)."""

    def make(owner_id: int, url: str, events=tuple(WEBHOOK_EVENTS), **fields) -> tuple[int, str]:
        with app.app_context():
            owner = db.session.get(Organiser, owner_id)
            data = EndpointData(url=url, events=list(events), **fields)
            endpoint, secret = create_endpoint(owner, data)
            return endpoint.id, secret

    return make


@pytest.fixture
def deliver_webhooks(app):
    """Return a function that runs one pass of the webhook worker and says how many went."""

    def deliver() -> int:
        with app.app_context():
            return delivery.deliver_due()

    return deliver


def deliveries(app, **where) -> list[WebhookDelivery]:
    """Return the stored deliveries (those matching where), oldest first, detached."""
    with app.app_context():
        query = db.select(WebhookDelivery).filter_by(**where).order_by(WebhookDelivery.id)
        rows = list(db.session.scalars(query))
        db.session.expunge_all()
        return rows


def add_endpoint_with_delivery(owner_id: int) -> dict[str, int]:
    """Store an endpoint of the organiser with one failed delivery; return their ids as URL values.

    Call it in an app context; the endpoint's URL is a public one no test reaches.
    """
    from webinar.models import WebhookEndpoint
    from webinar.webhooks import body, new_webhook_id
    from webinar.webhooks.signing import new_secret

    endpoint = WebhookEndpoint(owner_id=owner_id, url="https://hooks.example.org/in",
                               events="registration.created", secret=new_secret())  # fmt: skip
    db.session.add(endpoint)
    db.session.flush()
    delivery_row = WebhookDelivery(
        endpoint_id=endpoint.id, webhook_id=new_webhook_id(), event_type="registration.created",
        payload=body("registration.created", {"id": 1}), status="failed", attempts=3,
        response_status=500, last_error="the endpoint answered 500",
    )  # fmt: skip
    db.session.add(delivery_row)
    db.session.commit()
    return {"endpoint_id": endpoint.id, "delivery_id": delivery_row.id}
