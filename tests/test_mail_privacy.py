"""No personal data in development logs: no SMTP dialogue, no address in failure reasons."""

from __future__ import annotations

import http.cookiejar
import logging
import sys
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from conftest import csrf_token
from outbox_helpers import add_email
from process_helpers import Started, answers, free_port, terminal_environment, wait_for
from registration_helpers import VALID_FORM

from webinar.extensions import db
from webinar.jobs import run_once
from webinar.models import OutboxEmail, Registration

ROOT = Path(__file__).resolve().parent.parent


def test_mail_debug_is_off_in_debug_mode_unless_set(app_config):
    from webinar import create_app

    assert create_app({**app_config, "DEBUG": True}).extensions["mail"].debug == 0
    assert create_app({**app_config, "MAIL_DEBUG": True}).extensions["mail"].debug == 1


@pytest.mark.parametrize("answer, status", [("refuse", "failed"), ("defer", "pending")])
def test_a_refused_recipient_is_named_neither_in_the_stored_reason_nor_in_the_log(
    smtp_server, app, caplog, answer, status
):
    smtp_server.answer(answer, recipient="Nobody.Here@example.org")
    email_id = add_email(app, recipient="Nobody.Here@example.org")

    with caplog.at_level(logging.INFO), app.app_context():
        run_once()
        row = db.session.get(OutboxEmail, email_id)
        reason = row.last_error

    # The app's log, not the test SMTP server's own.
    log = "\n".join(r.getMessage() for r in caplog.records if r.name.startswith("webinar"))
    assert row.status == status
    assert reason.startswith(("550", "451")) and "the recipient was refused" in reason
    assert "nobody.here" not in reason.lower()
    assert "[address]" in reason  # the server quoted it; the reason says where it was
    assert reason in log
    assert "nobody.here" not in log.lower()


def register_over_http(base_url: str, slug: str, email: str) -> None:
    """Fill in and send the registration form of a running server, as a browser does."""
    cookies = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(
        http.cookiejar.CookieJar()))  # fmt: skip
    url = f"{base_url}/events/{slug}/register"
    with cookies.open(url, timeout=10) as page:
        token = csrf_token(page.read())
    form = dict(VALID_FORM, email=email, csrf_token=token)
    with cookies.open(url, data=urllib.parse.urlencode(form).encode(), timeout=10) as answer:
        assert answer.status == 200
        assert answer.url.endswith(f"/events/{slug}/register/received"), answer.url


def test_make_run_with_a_mail_server_prints_no_address_and_no_personal_or_join_link(
    smtp_server, app, app_config, make_event, tmp_path
):
    event = make_event(join_url="https://meet.example.org/room-of-the-secret-talk")
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    # As `make run` serves: debug mode with the reloader, the outbox in a thread.
    server = Started(
        [sys.executable, "-m", "flask", "--app", "app", "run", "--debug", "--port", str(port)],
        cwd=ROOT,
        log=tmp_path / "make-run.log",
        env=terminal_environment(
            FLASK_OUTBOX_THREAD="true",
            FLASK_OUTBOX_INTERVAL="0.2",
            FLASK_PUBLIC_URL=base_url,
            FLASK_SQLALCHEMY_DATABASE_URI=app_config["SQLALCHEMY_DATABASE_URI"],
            FLASK_UPLOAD_FOLDER=app_config["UPLOAD_FOLDER"],
            FLASK_MAILBOX_FOLDER=app_config["MAILBOX_FOLDER"],
            FLASK_MAIL_SERVER=smtp_server.host,
            FLASK_MAIL_PORT=str(smtp_server.port),
        ),
    )
    try:
        assert wait_for(lambda: answers(f"{base_url}/healthz")), server.output()
        register_over_http(base_url, event.slug, "Ada.Lovelace@example.org")
        assert wait_for(lambda: len(smtp_server.messages) == 1), server.output()
    finally:
        output = server.stop()

    with app.app_context():
        token = db.session.scalar(db.select(Registration.token))
    confirmation = smtp_server.messages[0]
    body = confirmation.get_body(("plain",)).get_content()
    assert confirmation["To"] == "Ada.Lovelace@example.org"
    assert f"/registrations/{token}" in body  # the email carries the links ...
    assert "Outbox worker running" in output and "POST /events/" in output
    # ... and the server's output none of them.
    assert "ada.lovelace" not in output.lower()
    assert token not in output
    assert "room-of-the-secret-talk" not in output
    assert "/join/" not in output
