"""Outbox delivery rate: queued emails delivered to an SMTP server on the loopback interface."""

from __future__ import annotations

import importlib.util
import time
from pathlib import Path

from . import data, servers

TARGET_PER_SECOND = 200
MAX_PASSES = 1_000


def delivery_built() -> bool:
    """Say whether the outbox delivery module exists in this version of the app."""
    try:
        return importlib.util.find_spec("webinar.mail.delivery") is not None
    except ModuleNotFoundError:
        return False


class CountingHandler:
    """An aiosmtpd handler that accepts every message and counts them."""

    def __init__(self) -> None:
        self.received = 0

    async def handle_DATA(self, server, session, envelope):
        self.received += 1
        return "250 Message accepted"


def run(workdir: Path, count: int, budget_seconds: float) -> list[dict]:
    """Queue count emails, deliver them with `flask outbox work --once`; return the report row."""
    section = "Outbox, SQLite"
    measure = f"delivery of {count:,} queued emails"
    if not delivery_built():
        return [row(section, measure, "", "skipped", "webinar.mail.delivery is not built yet")]
    from aiosmtpd.controller import Controller

    database_url = f"sqlite:///{workdir / 'outbox.sqlite3'}"
    secret = servers.new_secret()
    app = data.make_app(database_url, workdir, secret)
    handler = CountingHandler()
    controller = Controller(handler, hostname=servers.HOST, port=servers.free_port())
    controller.start()
    try:
        data.migrate(app)
        event_id = data.create_event(app, data.unique_slug("bench-outbox"), capacity=None)
        data.add_registrations(app, event_id, count)
        data.queue_emails(app, event_id)
        env = servers.app_env(database_url, workdir, servers.free_port(), secret)
        env.update(FLASK_MAIL_SERVER=servers.HOST, FLASK_MAIL_PORT=str(controller.port))
        started = time.perf_counter()
        passes = 0
        while passes < MAX_PASSES and time.perf_counter() - started < budget_seconds:
            servers.flask_command(env, "outbox", "work", "--once", timeout=budget_seconds)
            passes += 1
            if data.outbox_counts(app).get("pending", 0) == 0:
                break
        seconds = time.perf_counter() - started
        states = data.outbox_counts(app)
    finally:
        controller.stop()
        data.dispose(app)
    rate = handler.received / seconds
    complete = handler.received >= count and states.get("sent", 0) == count
    verdict = ("met" if rate >= TARGET_PER_SECOND else "MISSED") if complete else "FAILED"
    note = (
        f"{handler.received:,} received in {seconds:.1f} s over {passes} run(s) of the command "
        f"(start-up included); states {states}"
    )
    return [row(section, measure, f"{rate:.0f} emails/s", verdict, note)]


def row(section: str, measure: str, result: str, verdict: str, note: str) -> dict:
    return {
        "section": section,
        "measure": measure,
        "result": result,
        "ratio": "",
        "target": f">= {TARGET_PER_SECOND} emails/s",
        "verdict": verdict,
        "note": note,
    }
