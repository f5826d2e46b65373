"""A worker killed while a webhook is on the wire: the delivery is recovered and sent again.

A real `flask outbox work` process claims the deliveries and is killed
(SIGKILL) while the receiver holds the first request; the stuck-row
recovery puts them back, and the next pass delivers every event, each
retry carrying the webhook-id of its first try.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys

import pytest
from support.forms import register_through_form
from support.processes import wait_for
from support.webhooks import deliveries

from webinar import ROOT
from webinar.jobs import run_once


@pytest.mark.slow
def test_a_worker_killed_mid_delivery_loses_nothing_and_keeps_the_webhook_id(
    app, app_config, client, owner, owned_event, receiver, make_endpoint, clock, tmp_path
):
    events = ["registration.created", "registration.confirmed"]
    _, secret = make_endpoint(owner, receiver.url, events=events)
    receiver.secrets = [secret]
    receiver.answer("hang")  # the first request is held until released
    register_through_form(client, owned_event.slug)
    written = {row.webhook_id: row.event_type for row in deliveries(app)}
    assert sorted(written.values()) == ["registration.confirmed", "registration.created"]

    environment = {
        **os.environ,
        "FLASK_SECRET_KEY": "a-secret-for-this-test",
        "FLASK_PUBLIC_URL": "https://webinar.test",
        "FLASK_SQLALCHEMY_DATABASE_URI": app_config["SQLALCHEMY_DATABASE_URI"],
        "FLASK_MAILBOX_FOLDER": str(tmp_path / "worker-mailbox"),
        "FLASK_OUTBOX_INTERVAL": "0.1",
        "FLASK_WEBHOOK_ALLOW_HOSTS": json.dumps(["127.0.0.1"]),
    }
    environment.pop("FLASK_MAIL_SERVER", None)
    worker = subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "app", "outbox", "work"],
        cwd=ROOT, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        assert wait_for(lambda: len(receiver.received) == 1)
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=10)
    receiver.release()

    # The claimed deliveries are left "sending" by the dead worker.
    assert {row.status for row in deliveries(app)} == {"sending"}
    with app.app_context():
        run_once()
    assert {row.status for row in deliveries(app)} == {"sending"}  # not stuck long enough yet

    clock.advance(seconds=app.config["OUTBOX_STUCK_AFTER"] + 1)
    with app.app_context():
        run_once()

    assert {row.status for row in deliveries(app)} == {"sent"}
    assert all(one.verified for one in receiver.received)
    received_ids = [one.webhook_id for one in receiver.received]
    # Every event arrived; the one on the wire when the worker died arrived twice, same id.
    assert set(received_ids) == set(written)
    assert len(received_ids) == 3
    assert received_ids.count(receiver.received[0].webhook_id) == 2
