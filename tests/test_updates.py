"""A changed or cancelled talk: registrants get a calendar update with the same UID."""

from datetime import timedelta

import icalendar
from support.forms import register_through_form
from support.organisers import token_of
from support.stored import emails
from test_organiser_editor import form_data


def edit(client, event, **changes):
    """Submit the edit form of the talk with its stored values changed by `changes`."""
    url = f"/organiser/events/{event.id}/edit"
    values = {
        "title": event.title,
        "slug": event.slug,
        "starts_on": "2027-03-17",
        "starts_time": "10:00",
        "ends_on": "2027-03-17",
        "ends_time": "11:00",
        "join_url": event.join_url,
        "reminder_1h": "y",
    }
    values.update(changes)
    response = client.post(url, data=form_data(client, url, **values))
    assert response.status_code == 302, response.text
    return response


def vevent_of(email):
    calendar = icalendar.Calendar.from_ical(email.ics)
    return calendar, calendar.walk("VEVENT")[0]


def test_moving_a_talk_by_one_hour_sends_an_update_with_the_same_uid_and_sequence_1(
    app, client, owner_client, owner, talk, make_registration, deliver
):
    event = talk(owner_id=owner)
    register_through_form(client, event.slug, email="ada@example.org")
    make_registration(event, email="waiting@example.org", status="waitlisted")
    make_registration(event, email="gone@example.org", status="cancelled")
    # The confirmation goes out before the talk moves (emails are written when sent).
    deliver()

    edit(owner_client, event, starts_time="11:00", ends_time="12:00")

    (update,) = emails(app, "updated")
    assert update.recipient == "ada@example.org"
    assert update.subject == f"Changed: {event.title}"
    assert "17 March 2027, 11:00 – 12:00 CET" in update.text_body
    (confirmation,) = emails(app, "confirmation")
    _, first = vevent_of(confirmation)
    calendar, moved = vevent_of(update)
    assert calendar["METHOD"] == "REQUEST"
    assert moved["UID"] == first["UID"]
    assert first["SEQUENCE"] == 0
    assert moved["SEQUENCE"] == 1
    assert moved.decoded("DTSTART") - first.decoded("DTSTART") == timedelta(hours=1)


def test_a_new_join_link_sends_an_update_and_each_change_raises_the_sequence(
    app, client, owner_client, owner, talk, deliver
):
    event = talk(owner_id=owner)
    register_through_form(client, event.slug, email="ada@example.org")
    edit(owner_client, event, join_url="https://meet.example.org/new-room")
    # Each update goes out before the next change (emails are written when sent).
    deliver()
    edit(owner_client, event, join_url="https://meet.example.org/new-room", starts_time="10:30")
    updates = emails(app, "updated")
    assert [vevent_of(email)[1]["SEQUENCE"] for email in updates] == [1, 2]


def test_changing_only_the_title_sends_no_update(app, client, owner_client, owner, talk):
    event = talk(owner_id=owner)
    register_through_form(client, event.slug, email="ada@example.org")
    edit(owner_client, event, title="A better title")
    assert emails(app, "updated") == []


def test_cancelling_a_talk_sends_a_calendar_cancellation_to_everyone_registered(
    app, client, owner_client, owner, talk, make_registration
):
    event = talk(owner_id=owner, capacity=1, waitlist_enabled=True)
    register_through_form(client, event.slug, email="ada@example.org")
    register_through_form(client, event.slug, email="bob@example.org")
    make_registration(event, email="gone@example.org", status="cancelled")

    url = f"/organiser/events/{event.id}/cancel"
    form = {"csrf_token": token_of(owner_client, url), "confirm": "yes"}
    response = owner_client.post(url, data=form)
    assert response.status_code == 302
    assert "2 registered people are told by email" in owner_client.get(response.location).text
    # Pressed again: the talk is already cancelled, nobody hears twice.
    owner_client.post(url, data={"csrf_token": token_of(owner_client, url), "confirm": "yes"})

    cancellations = emails(app, "event_cancelled")
    assert sorted(email.recipient for email in cancellations) == [
        "ada@example.org",
        "bob@example.org",
    ]
    (confirmation,) = emails(app, "confirmation")
    for email in cancellations:
        calendar, vevent = vevent_of(email)
        assert calendar["METHOD"] == "CANCEL"
        assert vevent["STATUS"] == "CANCELLED"
        assert "/join/" not in email.text_body
    ada = next(email for email in cancellations if email.recipient == "ada@example.org")
    assert vevent_of(ada)[1]["UID"] == vevent_of(confirmation)[1]["UID"]


def test_a_cancelled_talk_sends_no_reminders_later(
    app, client, clock, owner_client, owner, talk, deliver
):
    event = talk(owner_id=owner)
    register_through_form(client, event.slug, email="ada@example.org")
    url = f"/organiser/events/{event.id}/cancel"
    owner_client.post(url, data={"csrf_token": token_of(owner_client, url), "confirm": "yes"})
    clock.advance(days=1)
    deliver()
    assert [email.kind for email in emails(app)] == ["confirmation", "event_cancelled"]
