"""Delivering the outbox over a real SMTP server, into the mailbox folder, and from the CLI."""

from __future__ import annotations

import email
import email.policy
import threading
from datetime import timedelta
from pathlib import Path

import icalendar
import pytest
from outbox_helpers import add_email

from webinar.calendar import calendar_file, public_vevent
from webinar.extensions import db
from webinar.jobs import run_once
from webinar.mail.delivery import claim_due, counts_by_status
from webinar.models import OutboxEmail, utcnow


@pytest.fixture
def enqueue(app):
    """Insert a pending outbox email (due now unless told otherwise) and return its id."""
    counter = iter(range(1, 10_000))

    def enqueue(**fields) -> int:
        number = next(counter)
        values = {
            "recipient": f"person{number}@example.org",
            "subject": f"You are registered ({number})",
            "text_body": f"Hello {number}, see you at the talk.",
            "html_body": f"<p>Hello {number}, see you at the <b>talk</b>.</p>",
        }
        values.update(fields)
        return add_email(app, **values)

    return enqueue


@pytest.fixture
def deliver(app):
    """Run one pass of the outbox worker and return how many emails it sent."""

    def deliver() -> int:
        with app.app_context():
            return run_once()

    return deliver


@pytest.fixture
def outbox_row(app):
    """Return a fresh copy of an outbox email, detached from any session."""

    def outbox_row(email_id: int) -> OutboxEmail:
        with app.app_context():
            row = db.session.get(OutboxEmail, email_id)
            db.session.expunge(row)
            return row

    return outbox_row


def make_due_now(app, email_id: int) -> None:
    """Move an email's next attempt into the past instead of waiting for it."""
    with app.app_context():
        row = db.session.get(OutboxEmail, email_id)
        row.next_attempt_at = utcnow() - timedelta(seconds=1)
        db.session.commit()


def test_due_email_arrives_with_headers_text_html_and_invite(
    smtp_server, app, make_event, enqueue, deliver
):
    event = make_event(title="Clusters and the Green Deal")
    with app.test_request_context():
        ics = calendar_file([public_vevent(event)], name=event.title, method="REQUEST").decode()
    enqueue(
        recipient="ann@example.org",
        subject="Confirmed: Clusters and the Green Deal – Brüssel",
        text_body="Hello Ann,\nyour seat is confirmed.",
        html_body="<p>Hello Ann, your seat is <strong>confirmed</strong>.</p>",
        ics=ics,
    )

    assert deliver() == 1

    [message] = smtp_server.messages
    assert message["To"] == "ann@example.org"
    assert message["From"].addresses[0].addr_spec == "no-reply@localhost"
    assert message["Subject"] == "Confirmed: Clusters and the Green Deal – Brüssel"
    assert message["X-Webinar-Kind"] == "confirmation"
    assert message["Date"] and message["Message-ID"].endswith("@webinar.test>")
    assert message.get_body(("plain",)).get_content().startswith("Hello Ann,\nyour seat")
    assert "<strong>confirmed</strong>" in message.get_body(("html",)).get_content()
    [invite] = message.iter_attachments()
    assert invite.get_filename() == "invite.ics"
    assert invite.get_content_type() == "text/calendar"
    assert invite.get_param("method") == "REQUEST"
    calendar = icalendar.Calendar.from_ical(invite.get_content())
    [vevent] = calendar.walk("VEVENT")
    assert vevent["SUMMARY"] == "Clusters and the Green Deal"


def test_sent_email_is_marked_sent_and_not_sent_again(
    smtp_server, app, enqueue, deliver, outbox_row
):
    email_id = enqueue()

    deliver()
    deliver()

    row = outbox_row(email_id)
    assert (row.status, row.attempts, row.last_error) == ("sent", 0, "")
    assert row.sent_at is not None
    assert len(smtp_server.messages) == 1


def test_email_without_html_or_invite_is_plain_text(smtp_server, app, enqueue, deliver):
    enqueue(html_body="", text_body="Just text.")

    deliver()

    [message] = smtp_server.messages
    assert message.get_content_type() == "text/plain"
    assert message.get_content().strip() == "Just text."


def test_a_batch_of_emails_goes_over_one_connection(smtp_server, app, enqueue, deliver):
    for _ in range(5):
        enqueue()

    assert deliver() == 5

    assert len(smtp_server.messages) == 5
    assert len(set(smtp_server.peers)) == 1


def test_email_not_yet_due_waits(smtp_server, app, enqueue, deliver, outbox_row):
    email_id = enqueue(next_attempt_at=utcnow() + timedelta(minutes=5))

    assert deliver() == 0

    assert outbox_row(email_id).status == "pending"
    assert smtp_server.messages == []


def test_email_waits_while_the_server_is_down_and_goes_out_once_when_it_is_up(
    smtp_server, app, enqueue, deliver, outbox_row
):
    smtp_server.stop()
    email_id = enqueue()
    before = utcnow()

    assert deliver() == 0

    row = outbox_row(email_id)
    assert (row.status, row.attempts) == ("pending", 1)
    assert "refused the connection" in row.last_error
    assert timedelta(seconds=29) <= row.next_attempt_at - before <= timedelta(seconds=32)

    smtp_server.start()
    assert deliver() == 0  # not due yet
    make_due_now(app, email_id)
    assert deliver() == 1
    assert deliver() == 0

    assert outbox_row(email_id).status == "sent"
    assert len(smtp_server.messages) == 1


def test_refused_recipient_fails_at_once_with_the_reason(
    smtp_server, app, enqueue, deliver, outbox_row
):
    smtp_server.answer("refuse", recipient="nobody@example.org")
    refused = enqueue(recipient="nobody@example.org")
    fine = enqueue(recipient="ann@example.org")

    assert deliver() == 1

    row = outbox_row(refused)
    assert (row.status, row.attempts) == ("failed", 1)
    assert "550" in row.last_error and "No such mailbox" in row.last_error
    assert outbox_row(fine).status == "sent"
    assert [m["To"] for m in smtp_server.messages] == ["ann@example.org"]


def test_temporary_refusal_is_retried_later(smtp_server, app, enqueue, deliver, outbox_row):
    smtp_server.answer("defer")
    email_id = enqueue()

    deliver()

    row = outbox_row(email_id)
    assert (row.status, row.attempts) == ("pending", 1)
    assert "451" in row.last_error
    assert row.next_attempt_at > utcnow()

    smtp_server.answer("accept")
    make_due_now(app, email_id)
    assert deliver() == 1
    assert len(smtp_server.messages) == 1


@pytest.fixture
def impatient_smtp_server(smtp_server, app_config):
    """The test SMTP server, with the app giving up on it after one second of silence."""
    app_config["MAIL_TIMEOUT"] = 1
    return smtp_server


def test_server_that_never_answers_costs_one_timeout_and_the_emails_stay_pending(
    impatient_smtp_server, app, enqueue, deliver, outbox_row
):
    impatient_smtp_server.answer("hang")
    first, second = enqueue(), enqueue()

    assert deliver() == 0

    row = outbox_row(first)
    assert (row.status, row.attempts) == ("pending", 1)
    assert "timed out" in row.last_error
    # The connection was lost on the first email: the second was never
    # tried, so it is not charged and is still due.
    row = outbox_row(second)
    assert (row.status, row.attempts, row.claimed_at) == ("pending", 0, None)
    assert row.next_attempt_at <= utcnow()


def test_connection_dropped_mid_message_is_retried_and_delivered_once(
    smtp_server, app, enqueue, deliver, outbox_row
):
    smtp_server.answer("drop")
    email_id = enqueue()

    assert deliver() == 0
    row = outbox_row(email_id)
    assert (row.status, row.attempts) == ("pending", 1)
    assert smtp_server.messages == []

    smtp_server.answer("accept")
    make_due_now(app, email_id)
    assert deliver() == 1
    assert deliver() == 0
    assert len(smtp_server.messages) == 1


def test_rest_of_the_batch_goes_out_on_a_new_connection_after_a_drop(
    smtp_server, app, enqueue, deliver, outbox_row
):
    smtp_server.answer("drop", recipient="first@example.org")
    dropped = enqueue(recipient="first@example.org")
    others = [enqueue(), enqueue()]

    assert deliver() == 0
    assert deliver() == 2

    assert outbox_row(dropped).attempts == 1
    assert [outbox_row(i).attempts for i in others] == [0, 0]
    assert len(smtp_server.messages) == 2


def test_after_the_last_attempt_the_email_is_failed(smtp_server, app, enqueue, deliver, outbox_row):
    smtp_server.answer("defer")
    email_id = enqueue(attempts=app.config["OUTBOX_MAX_ATTEMPTS"] - 1)

    deliver()

    row = outbox_row(email_id)
    assert row.status == "failed"
    assert "gave up after 10 attempts" in row.last_error


def test_retry_delay_doubles_from_30_seconds_up_to_an_hour(
    smtp_server, app, enqueue, deliver, outbox_row
):
    smtp_server.stop()
    delays = {}
    for attempts_before in (0, 1, 2, 7, 8):
        email_id = enqueue(attempts=attempts_before)
        before = utcnow()
        deliver()
        delays[attempts_before] = (outbox_row(email_id).next_attempt_at - before).total_seconds()

    assert [round(delays[n]) for n in (0, 1, 2, 7, 8)] == [30, 60, 120, 3600, 3600]


@pytest.mark.parametrize(
    "field, value",
    [
        ("subject", "Hello\r\nBcc: victim@example.org"),
        ("subject", "Hello\nthere"),
        ("recipient", "ann@example.org\r\nBcc: victim@example.org"),
        ("recipient", "ann@example.org, bob@example.org"),
        ("kind", "confirmation\r\nX-Injected: yes"),
    ],
)
def test_header_with_a_line_break_is_never_sent(
    smtp_server, app, enqueue, deliver, outbox_row, field, value
):
    bad = enqueue(**{field: value})
    good = enqueue()

    assert deliver() == 1

    row = outbox_row(bad)
    assert row.status == "failed"
    assert field.replace("kind", "the kind") in row.last_error
    assert outbox_row(good).status == "sent"
    assert len(smtp_server.messages) == 1
    assert "victim" not in smtp_server.messages[0].as_string()


def test_email_stuck_in_sending_goes_back_to_pending_and_out(
    smtp_server, app, enqueue, deliver, outbox_row
):
    stuck = enqueue()
    recent = enqueue()
    with app.app_context():
        stuck_for = timedelta(seconds=app.config["OUTBOX_STUCK_AFTER"] + 60)
        for email_id, claimed_at in ((stuck, utcnow() - stuck_for), (recent, utcnow())):
            row = db.session.get(OutboxEmail, email_id)
            row.status, row.claimed_at = "sending", claimed_at
        db.session.commit()

    assert deliver() == 1

    assert outbox_row(stuck).status == "sent"
    assert outbox_row(recent).status == "sending"  # its worker may still be at it


def test_without_a_mail_server_emails_land_in_the_mailbox_folder(
    app, enqueue, deliver, outbox_row, caplog
):
    invite = "\r\n".join(
        [
            "BEGIN:VCALENDAR",
            "VERSION:2.0",
            "PRODID:-//test//EN",
            "METHOD:PUBLISH",
            "END:VCALENDAR",
            "",
        ]
    )
    first = enqueue(recipient="ann@example.org", subject="First", ics=invite)
    second = enqueue(subject="Second", kind="cancelled")

    with caplog.at_level("INFO", logger="webinar.mail"):
        assert deliver() == 2

    files = sorted(Path(app.config["MAILBOX_FOLDER"]).iterdir())
    assert [path.name.rsplit("-", 1)[1] for path in files] == ["confirmation.eml", "cancelled.eml"]
    message = email.message_from_bytes(files[0].read_bytes(), policy=email.policy.default)
    assert message["Subject"] == "First"
    assert message["To"] == "ann@example.org"
    assert message["X-Webinar-Kind"] == "confirmation"
    [attachment] = message.iter_attachments()
    assert attachment.get_param("method") == "PUBLISH"
    assert str(files[0]) in caplog.text
    assert [outbox_row(i).status for i in (first, second)] == ["sent", "sent"]


def test_two_claimers_never_take_the_same_email(app, enqueue):
    ids = {enqueue() for _ in range(40)}
    claims: list[list[int]] = []
    start = threading.Barrier(4)

    def claimer():
        start.wait()
        with app.app_context():
            while letters := claim_due(3):
                claims.append([letter.id for letter in letters])
            db.session.remove()

    threads = [threading.Thread(target=claimer) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    claimed = [email_id for batch in claims for email_id in batch]
    assert sorted(claimed) == sorted(ids)
    with app.app_context():
        assert counts_by_status()["sending"] == 40


@pytest.mark.postgresql_only  # row locks and SKIP LOCKED; SQLite claims take turns
def test_a_claim_skips_emails_another_worker_holds(app, enqueue):
    held, free = enqueue(), enqueue()
    with app.app_context():
        with db.engine.connect() as other_worker:
            other_worker.execute(
                db.select(OutboxEmail.id).where(OutboxEmail.id == held).with_for_update()
            )
            # Were the held row waited for, this would fail instead of hanging.
            db.session.execute(db.text("SET LOCAL lock_timeout = '2s'"))
            letters = claim_due(10)
            other_worker.rollback()

    assert [letter.id for letter in letters] == [free]


def test_second_claim_finds_nothing_left(app, enqueue):
    enqueue()
    with app.app_context():
        assert len(claim_due(10)) == 1
        assert claim_due(10) == []
