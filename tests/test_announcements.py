"""Announcements: an organiser writes to the registrants of a talk, previews, and sends."""

import pytest
from support.organisers import token_of
from support.stored import emails

MESSAGE = "The room changed.\n\n**Bring** questions! <script>alert(1)</script>"


def post(client, event, **fields):
    url = f"/organiser/events/{event.id}/announce"
    data = {"csrf_token": token_of(client, url), "audience": "confirmed",
            "subject": "Practical details", "body": MESSAGE}  # fmt: skip
    data.update(fields)
    return client.post(url, data={key: value for key, value in data.items() if value is not None})


def registered_talk(talk, owner, make_registration):
    event = talk(owner_id=owner)
    make_registration(event, email="seat@example.org")
    make_registration(event, email="waiting@example.org", status="waitlisted")
    make_registration(event, email="gone@example.org", status="cancelled")
    return event


def test_the_preview_shows_the_sanitised_message_and_sends_nothing(
    app, owner_client, owner, talk, make_registration
):
    event = registered_talk(talk, owner, make_registration)
    page = post(owner_client, event, preview="Preview").text
    assert "<strong>Bring</strong> questions!" in page
    assert "<script>alert(1)</script>" not in page
    assert "To 1 person: people with a seat." in page
    assert emails(app, "announcement") == []


def test_sending_to_people_with_a_seat_reaches_only_them_and_is_recorded(
    app, owner_client, owner, talk, make_registration
):
    event = registered_talk(talk, owner, make_registration)
    response = post(owner_client, event, send="Send")
    assert response.status_code == 303
    page = owner_client.get(response.location).text
    assert "on its way to 1 person" in page
    assert "Practical details" in page  # the record of what was sent

    (email,) = emails(app, "announcement")
    assert email.recipient == "seat@example.org"
    assert email.subject == "Practical details"
    assert "<strong>Bring</strong> questions!" in email.html_body
    assert "<script>" not in email.html_body
    assert "**Bring** questions!" in email.text_body
    assert "http://webinar.test/privacy" in email.text_body


def test_announcements_reach_the_waiting_list_or_everyone_active_and_can_repeat(
    app, owner_client, owner, talk, make_registration
):
    event = registered_talk(talk, owner, make_registration)
    post(owner_client, event, audience="waitlisted", send="Send")
    post(owner_client, event, audience="active", send="Send")
    post(owner_client, event, audience="active", send="Send")
    recipients = [email.recipient for email in emails(app, "announcement")]
    assert recipients.count("waiting@example.org") == 3
    assert recipients.count("seat@example.org") == 2
    assert "gone@example.org" not in recipients


def test_a_message_without_subject_is_refused_with_a_message_by_the_field(
    app, owner_client, owner, talk, make_registration
):
    event = registered_talk(talk, owner, make_registration)
    response = post(owner_client, event, subject="", send="Send")
    assert response.status_code == 200
    assert 'id="subject-error">Write a subject.' in response.text
    assert emails(app, "announcement") == []


@pytest.mark.parametrize("field", ["subject", "body"])
def test_a_nul_character_in_a_message_is_refused_by_the_field(
    app, owner_client, owner, talk, field, make_registration
):
    event = registered_talk(talk, owner, make_registration)
    response = post(owner_client, event, send="Send", **{field: "Hello\x00 there"})
    assert response.status_code == 200
    assert f'id="{field}-error">' in response.text
    assert emails(app, "announcement") == []


def test_an_empty_audience_is_refused(app, owner_client, owner, talk, make_registration):
    event = talk(owner_id=owner)
    make_registration(event, email="seat@example.org")
    response = post(owner_client, event, audience="waitlisted", send="Send")
    assert "Nobody is in this audience" in response.text
    assert emails(app, "announcement") == []
