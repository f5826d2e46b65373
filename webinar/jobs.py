"""Periodic work: one table of tasks, one loop that runs what is due and then delivers.

A pass runs each task of TASKS whose turn it is, then delivers what is due.
A task with an interval is shared by every worker process: its turn is
claimed through TaskRun, so only one process runs it per interval. Tasks
without one run on every pass; they are idempotent (a reminder goes out once
per registration, a stuck row is released once).

The loop runs as `flask outbox work` (production) and, in development, in a
thread of the app (start_development_thread).
"""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

import click
import sqlalchemy as sa
from flask import Flask, current_app
from flask.cli import AppGroup
from werkzeug.serving import is_running_from_reloader

from .api.idempotency import purge_expired
from .database import insert_new
from .extensions import db
from .mail import delivery
from .models import OutboxEmail, SeriesMailing, TaskRun, WebhookDelivery, utcnow
from .notifications import enqueue_due_reminders
from .privacy import purge
from .queue import release_stuck
from .series_mailing import announce_due
from .text import plural
from .webhooks import delivery as webhook_delivery

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Task:
    """A piece of periodic work: run(now) every `every`, or on every pass when None."""

    name: str
    run: Callable[[datetime], object]
    every: timedelta | None = None


TASKS = (
    Task("release_stuck_emails", lambda now: release_stuck(OutboxEmail, "email", now)),
    Task("release_stuck_mailings", lambda now: release_stuck(SeriesMailing, "series mailing", now)),
    Task("release_stuck_webhooks", lambda now: release_stuck(WebhookDelivery, "webhook", now)),
    Task("reminders", enqueue_due_reminders),
    # Before the deliveries, so announcements written in a pass go out in it.
    Task("series_mailings", announce_due),
    Task("retention_purge", purge, every=timedelta(days=1)),
    # The API's stored answers to Idempotency-Keys hold personal data: kept 24 hours.
    Task("expired_idempotency_keys", purge_expired, every=timedelta(hours=1)),
)
# What leaves the app, delivered after the tasks on each pass; each returns how many went.
DELIVERIES: tuple[Callable[[], int], ...] = (delivery.deliver_due, webhook_delivery.deliver_due)


def run_once() -> int:
    """Run the periodic tasks whose turn it is, then deliver what is due; return how many went."""
    now = utcnow()
    for task in TASKS:
        if task.every is None or claim_task(task.name, now, task.every):
            task.run(now)
    return sum(deliver() for deliver in DELIVERIES)


def claim_task(name: str, now: datetime, every: timedelta) -> bool:
    """Take the turn to run a periodic task, shared by all processes; say whether it is ours."""
    # A task never run before is due at once.
    insert_new(TaskRun, [{"name": name, "last_run_at": now - every}])
    taken = db.session.execute(
        sa.update(TaskRun)
        .where(TaskRun.name == name, TaskRun.last_run_at <= now - every)
        .values(last_run_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    return taken == 1


class Worker:
    """Runs a pass every OUTBOX_INTERVAL seconds in a thread, until stopped."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self.run, name="outbox-worker", daemon=True)

    def start(self) -> Worker:
        """Start the loop in its thread."""
        self.thread.start()
        return self

    def stop(self) -> None:
        """Ask the loop to stop after the current pass and wait until it has."""
        self.stopping.set()
        self.thread.join()

    def run(self) -> None:
        """Run passes until asked to stop; a failed pass is logged and the next one tried."""
        interval = self.app.config["OUTBOX_INTERVAL"]
        while not self.stopping.is_set():
            with self.app.app_context():
                try:
                    run_once()
                except Exception:
                    logger.exception("Outbox pass failed; next one in %s s", interval)
                    db.session.rollback()
            self.stopping.wait(interval)


def start_development_thread(app: Flask) -> Worker | None:
    """Start the worker in this process when OUTBOX_THREAD asks for it (never in tests)."""
    if not app.config["OUTBOX_THREAD"] or app.testing:
        return None
    # With the reloader, the first process only watches files and restarts
    # the second, which serves; one worker is enough.
    if app.debug and not is_running_from_reloader():
        return None
    worker = Worker(app).start()
    app.extensions["outbox_worker"] = worker
    # Through app.logger, which Flask sets up (level and handler) on first
    # use, so the worker's messages, such as mailbox paths, are shown.
    app.logger.info("Outbox worker running in a background thread.")
    return worker


outbox_group = AppGroup("outbox", help="Deliver the emails of the outbox.")


@outbox_group.command("work")
@click.option("--once", is_flag=True, help="Deliver what is due now, then exit.")
def work_command(once: bool) -> None:
    """Deliver emails as they fall due, until stopped (Ctrl+C or SIGTERM)."""
    app = current_app._get_current_object()
    if app.logger.level == logging.NOTSET:
        app.logger.setLevel(logging.INFO)  # say where emails went and why some did not
    if once:
        click.echo(f"Sent {plural(run_once(), 'email')}.")
        return

    worker = Worker(app)

    def stop(signum, _frame):
        click.echo("Stopping after the current pass...")
        worker.stopping.set()
        # A second Ctrl+C ends the process at once.
        signal.signal(signal.SIGINT, signal.default_int_handler)

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    click.echo(f"Outbox worker started, a pass every {app.config['OUTBOX_INTERVAL']} s.")
    worker.start()
    # The loop runs in a thread so that this one only waits and takes signals.
    while worker.thread.is_alive():
        worker.thread.join(0.5)
    click.echo("Outbox worker stopped.")


@outbox_group.command("status")
def status_command() -> None:
    """Print how many emails are pending, sending, sent, failed and held."""
    for status, count in delivery.counts_by_status().items():
        click.echo(f"{status:<8} {count}")
    due = delivery.next_due_at()
    if due is not None:
        click.echo(f"Next pending email due at {due:%Y-%m-%d %H:%M:%S} UTC.")


@outbox_group.command("retry-failed")
def retry_failed_command() -> None:
    """Put every failed email back in the queue for a fresh series of tries."""
    count = delivery.retry_failed()
    click.echo(f"{plural(count, 'failed email')} back in the queue.")
