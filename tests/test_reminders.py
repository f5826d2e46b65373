"""Reminders 24 hours and 1 hour before a talk, driven by the app's clock."""

from datetime import timedelta

import icalendar
import pytest
from support.clock import TALK_START
from support.forms import register_through_form
from support.stored import emails

from webinar.database import insert_new
from webinar.extensions import db
from webinar.models import OutboxEmail, Registration
from webinar.notifications.rows import outbox_row


def reminder_recipients(app, kind: str) -> list[str]:
    return sorted(email.recipient for email in emails(app, kind))


def test_a_talk_25_hours_away_gets_the_24_hour_reminder_once_when_the_loop_runs_twice(
    app, clock, talk, make_registration, deliver
):
    event = talk()
    make_registration(event, email="seat@example.org")
    make_registration(event, email="gone@example.org", status="cancelled")
    make_registration(event, email="waiting@example.org", status="waitlisted")

    clock.set(TALK_START - timedelta(hours=25))
    deliver()
    assert reminder_recipients(app, "reminder_24h") == []

    clock.set(TALK_START - timedelta(hours=24))
    deliver()
    deliver()
    assert reminder_recipients(app, "reminder_24h") == ["seat@example.org"]
    assert reminder_recipients(app, "reminder_1h") == []


def test_the_1_hour_reminder_goes_out_at_its_time_and_not_before(
    app, clock, talk, make_registration, deliver
):
    event = talk()
    make_registration(event, email="seat@example.org")
    make_registration(event, email="gone@example.org", status="cancelled")

    clock.set(TALK_START - timedelta(hours=1, minutes=1))
    deliver()
    assert reminder_recipients(app, "reminder_1h") == []

    clock.set(TALK_START - timedelta(hours=1))
    deliver()
    clock.advance(minutes=10)
    deliver()
    assert reminder_recipients(app, "reminder_1h") == ["seat@example.org"]


def test_a_late_registrant_two_hours_before_gets_only_the_1_hour_reminder(
    app, client, clock, talk, deliver
):
    event = talk()
    clock.set(TALK_START - timedelta(hours=2))
    register_through_form(client, event.slug, email="late@example.org")
    deliver()
    assert reminder_recipients(app, "reminder_24h") == []

    clock.set(TALK_START - timedelta(minutes=55))
    deliver()
    assert reminder_recipients(app, "reminder_24h") == []
    assert reminder_recipients(app, "reminder_1h") == ["late@example.org"]


def test_a_reminder_is_skipped_once_its_moment_is_long_past(
    app, clock, talk, make_registration, deliver
):
    event = talk()
    make_registration(event, email="seat@example.org")
    # Twenty minutes before the start the 1-hour reminder is 40 minutes late: too late.
    clock.set(TALK_START - timedelta(minutes=20))
    deliver()
    assert emails(app) == []


def test_reminders_switched_off_for_a_talk_are_not_sent(
    app, clock, talk, make_registration, deliver
):
    event = talk(reminder_24h=False, reminder_1h=False)
    make_registration(event, email="seat@example.org")
    for before in (timedelta(hours=24), timedelta(hours=1)):
        clock.set(TALK_START - before)
        deliver()
    assert emails(app) == []


def test_a_cancelled_talk_sends_no_reminders(app, clock, talk, make_registration, deliver):
    event = talk(status="cancelled")
    make_registration(event, email="seat@example.org")
    clock.set(TALK_START - timedelta(hours=24))
    deliver()
    assert emails(app) == []


def test_the_reminder_has_the_join_link_both_time_zones_across_the_dst_gap_and_the_calendar(
    app, client, clock, talk, deliver
):
    event = talk(title="Clusters in spring")
    register_through_form(client, event.slug, email="ny@example.org", timezone="America/New_York")
    clock.set(TALK_START - timedelta(hours=24))
    deliver()

    (reminder,) = emails(app, "reminder_24h")
    assert reminder.subject == "Tomorrow: Clusters in spring"
    assert "/join/" in reminder.text_body
    # Brussels is still on winter time, New York already on summer time: five hours apart.
    assert "17 March 2027, 10:00 – 11:00 CET" in reminder.text_body
    assert "(America/New_York): 17 March 2027, 05:00 – 06:00 EDT" in reminder.text_body
    assert "05:00 – 06:00 EDT" in reminder.html_body
    assert "http://webinar.test/privacy" in reminder.text_body
    (confirmation,) = emails(app, "confirmation")
    uid = icalendar.Calendar.from_ical(confirmation.ics).walk("VEVENT")[0]["UID"]
    vevent = icalendar.Calendar.from_ical(reminder.ics).walk("VEVENT")[0]
    assert vevent["UID"] == uid
    assert vevent.decoded("DTSTART") == TALK_START


def test_flask_outbox_work_once_enqueues_and_sends_due_reminders(
    app, runner, clock, talk, make_registration
):
    event = talk()
    make_registration(event, email="seat@example.org")
    clock.set(TALK_START - timedelta(hours=23))
    result = runner.invoke(args=["outbox", "work", "--once"])
    assert result.exit_code == 0, result.output
    assert "Sent 1 email." in result.output
    (reminder,) = emails(app, "reminder_24h")
    assert reminder.status == "sent"


@pytest.mark.slow
def test_3000_registrants_get_one_reminder_each_in_one_pass(app, clock, talk):
    event = talk()
    with app.app_context():
        db.session.execute(
            db.insert(Registration),
            [
                {
                    "event_id": event.id,
                    "token": f"token-{number}",
                    "first_name": "Person",
                    "last_name": str(number),
                    "email": f"person{number}@example.org",
                    "email_normalised": f"person{number}@example.org",
                    "status": "confirmed",
                }
                for number in range(3000)
            ],
        )
        db.session.commit()
    clock.set(TALK_START - timedelta(hours=1))
    app.config["REMINDERS_ENABLED"] = True
    from webinar.notifications import enqueue_due_reminders

    with app.app_context():
        assert enqueue_due_reminders() == 3000
        assert enqueue_due_reminders() == 0
        count = db.session.scalar(
            db.select(db.func.count(db.distinct(OutboxEmail.registration_id))).where(
                OutboxEmail.kind == "reminder_1h"
            )
        )
    assert count == 3000


def test_a_second_worker_inserting_the_same_reminder_adds_nothing(
    app, clock, talk, make_registration, deliver
):
    event = talk()
    make_registration(event, email="seat@example.org")
    clock.set(TALK_START - timedelta(hours=1))
    deliver()
    with app.app_context():
        registration = db.session.scalars(db.select(Registration)).one()
        # What a worker that read the registrations a moment earlier would insert.
        row = outbox_row("reminder_1h", registration)
        assert insert_new(OutboxEmail, [row]) == 0
        db.session.commit()
    assert reminder_recipients(app, "reminder_1h") == ["seat@example.org"]
