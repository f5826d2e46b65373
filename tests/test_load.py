"""Correctness under concurrency: the app under gunicorn, many people at once, through real HTTP.

200 registrations at once for 50 seats with a waiting list, then 50
cancellations at once: the seats add up, the waiting list is served oldest
first, no request fails and every registration has its email queued.
"""

from __future__ import annotations

import http.cookiejar
import os
import secrets
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from support.forms import CSRF_RE, VALID_FORM
from support.processes import free_port
from support.stored import emails, registrations

from webinar.extensions import db
from webinar.models import Event

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
REGISTRATIONS, CANCELLATIONS, SEATS = 200, 50, 50


@pytest.fixture
def gunicorn(app_config, tmp_path):
    """The app under gunicorn with 4 workers on the test's database; yields its base URL."""
    port = free_port()
    env = {key: value for key, value in os.environ.items() if not key.startswith("FLASK_")}
    env.update(
        FLASK_SECRET_KEY=secrets.token_hex(32),
        FLASK_PUBLIC_URL="https://webinar.test",
        FLASK_SQLALCHEMY_DATABASE_URI=app_config["SQLALCHEMY_DATABASE_URI"],
        FLASK_UPLOAD_FOLDER=app_config["UPLOAD_FOLDER"],
        FLASK_MAILBOX_FOLDER=app_config["MAILBOX_FOLDER"],
        FLASK_RATELIMIT_ENABLED="false",  # one address sends everything here
        FLASK_SESSION_COOKIE_SECURE="false",  # plain HTTP on the loopback interface
    )
    env.pop("FLASK_MAIL_SERVER", None)
    log = open(tmp_path / "gunicorn.log", "w")
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--workers", "4", "--bind", f"127.0.0.1:{port}",
         "--timeout", "60", "app:app"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"{url}/healthz", timeout=2):
                    break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    output = (tmp_path / "gunicorn.log").read_text()
                    pytest.fail(f"gunicorn did not start:\n{output}")
                time.sleep(0.1)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


class Browser:
    """One person's browser: its own cookies, no redirects followed."""

    class _NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    def __init__(self, base: str) -> None:
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), self._NoRedirect()
        )

    def request(self, path: str, data: dict | None = None) -> tuple[int, str]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        try:
            with self.opener.open(self.base + path, data=body, timeout=60) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(errors="replace")

    def submit(self, path: str, fields: dict) -> int:
        """Open the page with the form, then send it with the page's CSRF token."""
        status, page = self.request(path)
        if status != 200:
            return status
        token = CSRF_RE.search(page).group(1)
        return self.request(path, {**fields, "csrf_token": token})[0]


def test_concurrent_registrations_and_cancellations_keep_the_seats_exact(
    app, make_event, gunicorn
):
    event = make_event(capacity=SEATS, waitlist_enabled=True)

    def register(number: int) -> int:
        fields = dict(VALID_FORM, email=f"person{number}@example.org")
        return Browser(gunicorn).submit(f"/events/{event.slug}/register", fields)

    with ThreadPoolExecutor(max_workers=40) as pool:
        registered = list(pool.map(register, range(REGISTRATIONS)))
    assert registered == [303] * REGISTRATIONS

    rows = registrations(app, event)
    assert len(rows) == REGISTRATIONS
    # Cancel every other confirmed seat and some waiting people, all at once.
    confirmed = [row.token for row in rows if row.status == "confirmed"]
    waiting = [row.token for row in rows if row.status == "waitlisted"]
    leaving = confirmed[::2] + waiting[::4]
    leaving = (leaving + confirmed[1::2])[:CANCELLATIONS]

    def cancel(token: str) -> int:
        return Browser(gunicorn).submit(f"/registrations/{token}/cancel", {})

    with ThreadPoolExecutor(max_workers=40) as pool:
        cancelled = list(pool.map(cancel, leaving))
    assert cancelled == [303] * CANCELLATIONS

    rows = registrations(app, event)
    active = [row for row in rows if row.status != "cancelled"]
    now_confirmed = [row for row in rows if row.status == "confirmed"]
    still_waiting = [row for row in rows if row.status == "waitlisted"]
    assert len(active) == REGISTRATIONS - CANCELLATIONS
    assert len(now_confirmed) == min(SEATS, len(active))
    with app.app_context():
        assert db.session.get(Event, event.id).seats_taken == len(now_confirmed)

    # Promotions went to the people who had waited longest.
    promoted_ids = {row.registration_id for row in emails(app, "promoted")}
    promoted = [row for row in rows if row.id in promoted_ids]
    assert promoted and all(row.status != "waitlisted" for row in promoted)
    order = lambda row: (row.created_at, row.id)  # noqa: E731
    assert max(map(order, promoted)) < min(map(order, still_waiting))

    # Every registration has its first email queued: a confirmation or a waiting-list one.
    first_emails = {row.registration_id for row in emails(app) if row.kind in
                    ("confirmation", "waitlisted")}  # fmt: skip
    assert first_emails == {row.id for row in rows}
