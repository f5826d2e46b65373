"""Broken parts, as production breaks them: SMTP, the outbox worker, SQLite locks, PostgreSQL.

Registrations never wait for the mail server; emails are delivered once it
is back, none twice; a killed worker loses nothing; a database that cannot
take a request now gets the "please try again" page and nothing half-written.
"""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
from collections import Counter
from contextlib import closing
from pathlib import Path

import pytest
import sqlalchemy as sa
from support.database import base_config, migrate_to_head, unavailable
from support.forms import VALID_FORM, csrf_token, register_through_form
from support.processes import free_port, wait_for
from support.stored import emails, registrations

from webinar import create_app
from webinar.extensions import db
from webinar.models import Event

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent


def outbox_statuses(app) -> Counter:
    return Counter(row.status for row in emails(app))


# --- SMTP refusing, hanging, dropping -----------------------------------------------------


def test_registrations_go_through_while_smtp_fails_and_each_email_arrives_once(
    smtp_server, app_config, app, client, make_event, deliver
):
    app.config.update(MAIL_TIMEOUT=1, OUTBOX_RETRY_AFTER=0)  # retries due at once
    event = make_event()
    smtp_server.answer("hang")
    hanging_pass = threading.Thread(target=deliver)
    first = register_through_form(client, event.slug, email="first@example.org")
    hanging_pass.start()

    # While the worker waits on a server that never answers, people register.
    answers = [
        register_through_form(app.test_client(), event.slug, email=f"p{n}@example.org")
        for n in range(12)
    ]
    hanging_pass.join()
    assert first.status_code == 303
    assert [answer.status_code for answer in answers] == [303] * 12

    smtp_server.stop()  # connections refused
    assert deliver() == 0
    smtp_server.start()
    smtp_server.answer("drop")  # the connection closes in the middle of a message
    assert deliver() == 0
    smtp_server.answer("accept")
    for _ in range(10):
        if not outbox_statuses(app)["pending"]:
            break
        deliver()

    assert outbox_statuses(app) == {"sent": 13}
    received = Counter(message["To"] for message in smtp_server.messages)
    assert set(received) == {"first@example.org"} | {f"p{n}@example.org" for n in range(12)}
    assert set(received.values()) == {1}, "an email arrived twice"


# --- The outbox worker killed mid-batch ---------------------------------------------------


def worker_environment(app_config, smtp_server, **extra) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("FLASK_")}
    env.update(
        FLASK_SECRET_KEY="a-secret-for-the-worker-test",
        FLASK_PUBLIC_URL="https://webinar.test",
        FLASK_SQLALCHEMY_DATABASE_URI=app_config["SQLALCHEMY_DATABASE_URI"],
        FLASK_MAIL_SERVER=smtp_server.host,
        FLASK_MAIL_PORT=str(smtp_server.port),
        FLASK_MAIL_TIMEOUT="60",
        FLASK_OUTBOX_INTERVAL="0.1",
        **extra,
    )
    return env


def test_a_worker_killed_mid_batch_loses_no_email(
    smtp_server, app_config, app, make_outbox_email
):
    for number in range(30):
        make_outbox_email(
            kind="confirmation",
            recipient=f"person{number}@example.org",
            subject=f"You are registered ({number})",
            text_body="See you at the talk.",
        )
    # The eleventh email never gets an answer: the worker is killed waiting for it.
    smtp_server.answer("hang", recipient="person10@example.org")
    worker = subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "app", "outbox", "work"],
        cwd=ROOT,
        env=worker_environment(app_config, smtp_server),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        # Killed once the tenth is recorded as sent and the eleventh hangs; killing
        # between the server's "250" and that record would leave 21 in "sending".
        assert wait_for(
            lambda: len(smtp_server.messages) == 10 and outbox_statuses(app).get("sent") == 10
        )
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=10)
    assert outbox_statuses(app)["sending"] == 20  # claimed by the dead worker

    smtp_server.answer("accept", recipient="person10@example.org")
    # A new worker takes back what the dead one held (after OUTBOX_STUCK_AFTER, 0 here).
    restarted = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "app", "outbox", "work", "--once"],
        cwd=ROOT,
        env=worker_environment(app_config, smtp_server, FLASK_OUTBOX_STUCK_AFTER="0"),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert restarted.returncode == 0, restarted.stderr
    assert outbox_statuses(app) == {"sent": 30}
    received = Counter(message["To"] for message in smtp_server.messages)
    assert set(received) == {f"person{number}@example.org" for number in range(30)}
    # At least once; a duplicate is possible only for the one email on the wire.
    assert sum(received.values()) - len(received) <= 1


# --- SQLite busy ---------------------------------------------------------------------------


@pytest.fixture
def short_busy_timeout(app_config):
    app_config["SQLITE_BUSY_TIMEOUT_MS"] = 200
    return app_config


@pytest.mark.sqlite_only  # the write lock held for too long is SQLite's
def test_a_locked_sqlite_database_gets_a_please_try_again_page_and_nothing_is_written(
    short_busy_timeout, app, client, make_event
):
    event = make_event(capacity=5)
    path = sa.make_url(short_busy_timeout["SQLALCHEMY_DATABASE_URI"]).database
    with closing(sqlite3.connect(path, isolation_level=None, timeout=0)) as other:
        other.execute("BEGIN IMMEDIATE")  # a long write of another process
        busy = register_through_form(client, event.slug)
        other.execute("ROLLBACK")

    assert busy.status_code == 503
    assert busy.headers["Retry-After"] == "5"
    assert b"Please try again" in busy.data
    assert b"Nothing was saved" in busy.data
    assert registrations(app) == []
    assert emails(app) == []
    with app.app_context():
        assert db.session.get(Event, event.id).seats_taken == 0

    assert register_through_form(client, event.slug).status_code == 303
    assert [row.status for row in registrations(app)] == ["confirmed"]


# --- PostgreSQL restarted under load ---------------------------------------------------------


def postgres_binaries() -> Path | None:
    for name in ("pg_ctl", "initdb"):
        if shutil.which(name) is None:
            return None
    return Path(shutil.which("pg_ctl")).parent


class PrivateCluster:
    """A PostgreSQL cluster of this test alone, so restarting it disturbs nobody."""

    def __init__(self, base: Path):
        self.base = base
        self.data = base / "data"
        self.sockets = base / "sockets"
        self.port = free_port()
        self.sockets.mkdir(parents=True)
        self.as_postgres = os.geteuid() == 0  # PostgreSQL refuses to run as root
        if self.as_postgres:
            shutil.chown(base, "postgres")
            shutil.chown(self.sockets, "postgres")
        self.run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "--no-sync")

    def run(self, *command: str) -> None:
        prefix = ["runuser", "-u", "postgres", "--"] if self.as_postgres else []
        done = subprocess.run([*prefix, *command], capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stdout + done.stderr

    def pg_ctl(self, action: str, *options: str) -> None:
        server_options = f"-p {self.port} -k {self.sockets} -c listen_addresses=127.0.0.1 -F"
        self.run(
            "pg_ctl", action, "-D", str(self.data), "-w", "-l", str(self.base / "log"),
            "-o", server_options, *options,
        )  # fmt: skip

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"


@pytest.fixture
def private_postgres():
    if postgres_binaries() is None:
        unavailable("pg_ctl and initdb are not installed: no private PostgreSQL cluster")
    # Not under pytest's own temporary folder: that one only root may enter.
    base = Path(tempfile.mkdtemp(prefix="webinar-pg-"))
    try:
        cluster = PrivateCluster(base)
        cluster.pg_ctl("start")
        yield cluster
        cluster.pg_ctl("stop", "-m", "immediate")
    finally:
        shutil.rmtree(base, ignore_errors=True)


def test_requests_fail_cleanly_while_postgresql_restarts_and_recover_by_themselves(
    private_postgres, tmp_path
):
    migrate_to_head(private_postgres.url, tmp_path)
    app = create_app(
        base_config(SQLALCHEMY_DATABASE_URI=private_postgres.url, UPLOAD_FOLDER=str(tmp_path))
    )
    from datetime import UTC, datetime, timedelta

    starts = datetime.now(UTC).replace(microsecond=0) + timedelta(days=7)
    with app.app_context():
        event = Event(
            slug="restart-talk", title="A talk", summary="", description="", starts_at=starts,
            ends_at=starts + timedelta(hours=1), timezone="UTC", status="published",
        )  # fmt: skip
        db.session.add(event)
        db.session.commit()

    answers: list[int] = []
    stop = threading.Event()

    crashes: list[BaseException] = []

    def load() -> None:
        try:
            register_until_stopped()
        except BaseException as error:  # reported by the test, not lost in the thread
            crashes.append(error)
            raise

    def register_until_stopped() -> None:
        number = 0
        while not stop.is_set():
            client = app.test_client()
            page = client.get("/events/restart-talk/register")
            if page.status_code != 200:
                answers.append(page.status_code)
                continue
            token = csrf_token(page.data)
            form = dict(VALID_FORM, email=f"r{number}@example.org", csrf_token=token)
            response = client.post("/events/restart-talk/register", data=form)
            answers.append(response.status_code)
            number += 1

    try:
        loader = threading.Thread(target=load)
        loader.start()
        assert wait_for(lambda: len(answers) >= 5)
        private_postgres.pg_ctl("restart", "-m", "fast")
        before = len(answers)
        assert wait_for(
            lambda: crashes or (len(answers) >= before + 10 and answers[-1] == 303), 60
        )
        assert not crashes
        stop.set()
        loader.join()

        # Only clean answers: registered, or "please try again"; never a 500.
        assert set(answers) <= {303, 503}, Counter(answers)
        assert answers[-5:] == [303] * 5  # recovered without restarting the app
        with app.app_context():
            confirmed = db.session.scalar(sa.text(
                "SELECT count(*) FROM registration WHERE status = 'confirmed'"))  # fmt: skip
            assert confirmed == answers.count(303)
            outbox = db.session.scalar(sa.text("SELECT count(*) FROM outbox_email"))
            assert outbox == confirmed
    finally:
        stop.set()
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
