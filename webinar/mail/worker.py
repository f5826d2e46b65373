"""The outbox worker loop, run by `flask outbox work` or in a thread of the development server."""

from __future__ import annotations

import logging
import threading

from flask import Flask
from werkzeug.serving import is_running_from_reloader

from ..extensions import db
from .delivery import run_once

logger = logging.getLogger(__name__)


class Worker:
    """Runs a pass of the outbox every OUTBOX_INTERVAL seconds in a thread, until stopped."""

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
