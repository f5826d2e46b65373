"""`flask outbox ...`: run the worker, see the queue, retry failed emails."""

from __future__ import annotations

import logging
import signal

import click
from flask import current_app
from flask.cli import AppGroup

from .delivery import counts_by_status, next_due_at, retry_failed, run_once
from .worker import Worker

outbox_group = AppGroup("outbox", help="Deliver the emails of the outbox.")


def plural(count: int, word: str) -> str:
    """Return '1 email' or '3 emails'."""
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


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
    for status, count in counts_by_status().items():
        click.echo(f"{status:<8} {count}")
    due = next_due_at()
    if due is not None:
        click.echo(f"Next pending email due at {due:%Y-%m-%d %H:%M:%S} UTC.")


@outbox_group.command("retry-failed")
def retry_failed_command() -> None:
    """Put every failed email back in the queue for a fresh series of tries."""
    count = retry_failed()
    click.echo(f"{plural(count, 'failed email')} back in the queue.")
