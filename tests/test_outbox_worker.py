"""The outbox commands, the worker loop until a signal, and the development thread."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from support.processes import wait_for

from webinar import ROOT, create_app
from webinar.extensions import db
from webinar.models import OutboxEmail


def status_of(app, email_id: int) -> str:
    with app.app_context():
        return db.session.get(OutboxEmail, email_id).status


def test_no_worker_thread_runs_in_tests_even_when_asked(app_config):
    app = create_app({**app_config, "OUTBOX_THREAD": True})

    assert "outbox_worker" not in app.extensions


def test_no_worker_thread_in_the_reloader_watching_process(app_config, monkeypatch):
    monkeypatch.delenv("WERKZEUG_RUN_MAIN", raising=False)
    app = create_app({**app_config, "TESTING": False, "DEBUG": True, "OUTBOX_THREAD": True})

    assert "outbox_worker" not in app.extensions


def test_worker_thread_of_the_development_server_delivers_and_stops(
    app_config, monkeypatch, make_outbox_email
):
    monkeypatch.setenv("WERKZEUG_RUN_MAIN", "true")  # the process the reloader started
    app = create_app(
        {**app_config, "TESTING": False, "DEBUG": True, "OUTBOX_THREAD": True,
         "OUTBOX_INTERVAL": 0.1}
    )
    worker = app.extensions["outbox_worker"]
    try:
        email_id = make_outbox_email()
        assert wait_for(lambda: status_of(app, email_id) == "sent")
        assert len(list(Path(app_config["MAILBOX_FOLDER"]).glob("*.eml"))) == 1
    finally:
        worker.stop()
        with app.app_context():
            db.engine.dispose()
    assert not worker.thread.is_alive()


@pytest.mark.slow
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_outbox_work_delivers_until_a_signal_stops_it_cleanly(
    app, app_config, signum, make_outbox_email
):
    email_id = make_outbox_email()
    mailbox = Path(app_config["MAILBOX_FOLDER"])
    environment = {
        **os.environ,
        "FLASK_SECRET_KEY": "a-secret-for-this-test",
        "FLASK_PUBLIC_URL": "https://webinar.test",
        "FLASK_SQLALCHEMY_DATABASE_URI": app_config["SQLALCHEMY_DATABASE_URI"],
        "FLASK_MAILBOX_FOLDER": str(mailbox),
        "FLASK_OUTBOX_INTERVAL": "0.1",
    }
    environment.pop("FLASK_MAIL_SERVER", None)
    worker = subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "app", "outbox", "work"],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert wait_for(lambda: status_of(app, email_id) == "sent")
    finally:
        worker.send_signal(signum)
        output, _ = worker.communicate(timeout=10)

    assert worker.returncode == 0, output
    assert "Outbox worker stopped." in output
    assert f"written to {mailbox}" in output


def test_outbox_work_once_sends_what_is_due_and_says_how_many(
    smtp_server, app, runner, make_outbox_email
):
    make_outbox_email()
    make_outbox_email()

    result = runner.invoke(args=["outbox", "work", "--once"])

    assert result.exit_code == 0, result.output
    assert "Sent 2 emails." in result.output
    assert len(smtp_server.messages) == 2


def test_outbox_status_counts_emails_by_state(app, runner, make_outbox_email):
    make_outbox_email()
    make_outbox_email(status="failed")
    make_outbox_email(status="sent")
    make_outbox_email(status="sent")

    result = runner.invoke(args=["outbox", "status"])

    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[:5] == ["pending  1", "sending  0", "sent     2", "failed   1", "held     0"]
    assert lines[5].startswith("Next pending email due at ")


def test_outbox_retry_failed_puts_failed_emails_back_in_the_queue(app, runner, make_outbox_email):
    failed = make_outbox_email(status="failed", attempts=10, last_error="550 No such mailbox")
    sent = make_outbox_email(status="sent")

    result = runner.invoke(args=["outbox", "retry-failed"])

    assert result.exit_code == 0, result.output
    assert "1 failed email back in the queue." in result.output
    with app.app_context():
        row = db.session.get(OutboxEmail, failed)
        assert (row.status, row.attempts) == ("pending", 0)
    assert status_of(app, sent) == "sent"
    assert "Sent 1 email." in runner.invoke(args=["outbox", "work", "--once"]).output
