"""The emails' content, rendered when they are written to the outbox."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from icalendar import Calendar
from support.forms import register_through_form
from support.stored import emails, registrations

from webinar import seats
from webinar.extensions import db
from webinar.models import Registration

# 6 December 2023, 08:30 to 09:45 in Brussels (CET) is 02:30 to 03:45 in New York (EST).
STARTS = datetime(2030, 12, 6, 7, 30, tzinfo=UTC)
ENDS = datetime(2030, 12, 6, 8, 45, tzinfo=UTC)
LINK = re.compile(r'https?://[^\s"<>]+')


@pytest.fixture
def talk(make_event):
    return make_event(
        title="STEP & you", starts_at=STARTS, ends_at=ENDS, capacity=1, waitlist_enabled=True
    )


def test_confirmation_has_title_times_in_both_zones_and_absolute_links(app, client, talk):
    register_through_form(client, talk.slug, timezone="America/New_York")
    [email] = emails(app, "confirmation")
    [row] = registrations(app, talk)
    assert email.recipient == "ada@example.org"
    assert email.subject == "Your place at STEP & you"
    for body in (email.text_body, email.html_body):
        assert "6 December 2030, 08:30 – 09:45 CET" in body
        assert "6 December 2030, 02:30 – 03:45 EST" in body
        assert f"http://webinar.test/registrations/{row.token}" in body
        assert f"http://webinar.test/join/{row.join_token}" in body
        assert "http://webinar.test/privacy" in body
    assert "STEP &amp; you" in email.html_body
    assert "STEP & you" in email.text_body


def test_every_link_in_an_email_is_on_public_url_and_works(app, client, talk):
    register_through_form(client, talk.slug)
    [email] = emails(app, "confirmation")
    links = set(LINK.findall(email.text_body)) | set(LINK.findall(email.html_body))
    assert links
    for link in links:
        assert link.startswith("http://webinar.test/"), link
        path = link.removeprefix("http://webinar.test")
        assert client.get(path).status_code in (200, 303), link


def test_links_never_come_from_the_request_host(app, talk):
    client = app.test_client()
    client.environ_base["HTTP_HOST"] = "evil.example"
    register_through_form(client, talk.slug)
    [email] = emails(app)
    assert "http://webinar.test/registrations/" in email.text_body
    assert "evil.example" not in email.text_body + email.html_body + email.ics


def test_second_zone_is_left_out_when_it_reads_the_same(app, client, talk):
    register_through_form(client, talk.slug, timezone="Europe/Paris")
    [email] = emails(app, "confirmation")
    assert "In your time zone" not in email.text_body
    assert "08:30 – 09:45 CET" in email.text_body


def test_confirmation_attaches_the_personal_calendar_file(app, client, talk):
    register_through_form(client, talk.slug)
    [email] = emails(app, "confirmation")
    [row] = registrations(app, talk)
    [vevent] = Calendar.from_ical(email.ics).walk("VEVENT")
    assert f"http://webinar.test/join/{row.join_token}" in str(vevent["DESCRIPTION"])
    assert str(vevent["URL"]) == f"http://webinar.test/join/{row.join_token}"
    assert row.token not in email.ics.replace("\r\n ", ""), "no personal link in a calendar"
    assert vevent.decoded("DTSTART") == STARTS


def test_waitlisted_email_has_no_join_link_and_no_calendar(app, client, talk):
    register_through_form(client, talk.slug, email="first@example.org")
    register_through_form(client, talk.slug, email="second@example.org")
    [email] = emails(app, "waitlisted")
    assert email.recipient == "second@example.org"
    assert "waiting list" in email.text_body
    assert "/join/" not in email.text_body + email.html_body
    assert email.ics is None


def test_promoted_email_has_the_join_link_and_calendar(app, client, talk):
    register_through_form(client, talk.slug, email="first@example.org")
    register_through_form(client, talk.slug, email="second@example.org")
    first, second = registrations(app, talk)
    with app.app_context():
        seats.cancel(db.session.get(Registration, first.id))
    [email] = emails(app, "promoted")
    assert email.subject == "A seat is now yours: STEP & you"
    assert f"http://webinar.test/join/{second.join_token}" in email.text_body
    assert f"/join/{second.join_token}" in email.ics.replace("\r\n ", "")
    [cancelled] = emails(app, "cancelled")
    assert cancelled.recipient == "first@example.org"
    assert "cancelled" in cancelled.text_body and cancelled.ics is None


def test_already_registered_email_resends_the_personal_link(app, client, talk):
    register_through_form(client, talk.slug)
    register_through_form(client, talk.slug)
    [row] = registrations(app, talk)
    [email] = emails(app, "already_registered")
    assert f"http://webinar.test/registrations/{row.token}" in email.text_body
    assert "already registered" in email.text_body


def test_every_email_kind_has_text_and_html(app, client, talk):
    register_through_form(client, talk.slug, email="first@example.org")
    register_through_form(client, talk.slug, email="second@example.org")
    register_through_form(client, talk.slug, email="second@example.org")
    first = registrations(app, talk)[0]
    with app.app_context():
        seats.cancel(db.session.get(Registration, first.id))
    kinds = {e.kind for e in emails(app)}
    assert kinds == {"confirmation", "waitlisted", "already_registered", "promoted", "cancelled"}
    for email in emails(app):
        assert email.text_body.startswith("Dear ")
        assert email.html_body.lstrip().startswith("<!doctype html>")
        assert "STEP &amp; you" in email.html_body


def test_subjects_stay_on_one_line_whatever_the_title(app, client, make_event):
    event = make_event(title="Talk\r\nBcc: victim@example.org")
    register_through_form(client, event.slug)
    [email] = emails(app)
    assert "\r" not in email.subject and "\n" not in email.subject
    assert email.subject == "Your place at Talk Bcc: victim@example.org"


def test_names_are_escaped_in_the_html_email(app, make_event):
    event = make_event()
    # The form refuses markup in a name; a name stored otherwise is still escaped.
    with app.app_context():
        seats.register(event, {"first_name": "<img src=x>", "last_name": "T",
                               "email": "ada@example.org"})  # fmt: skip
    [email] = emails(app)
    assert "<img src=x>" not in email.html_body
    assert "&lt;img src=x&gt;" in email.html_body
