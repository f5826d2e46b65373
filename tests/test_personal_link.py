"""The personal link, its calendar file, cancel and delete, and the join link."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from icalendar import Calendar
from support.forms import csrf_token, register_through_form
from support.stored import emails, registration, registrations

JOIN_URL = "https://meet.example.org/secret-room"


def now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def test_personal_page_shows_the_talk_status_and_join_link(
    app, client, make_event, make_registration
):
    event = make_event()
    token = make_registration(event, first_name="Grace").token
    html = client.get(f"/registrations/{token}").data.decode()
    assert event.title in html
    assert "Your seat is confirmed, Grace." in html
    assert f'href="/join/{registration(app, token).join_token}"' in html
    assert f'href="/registrations/{token}.ics"' in html
    assert JOIN_URL not in html


def test_personal_page_is_private(app, client, make_event, make_registration):
    token = make_registration(make_event()).token
    response = client.get(f"/registrations/{token}")
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Referrer-Policy"] == "no-referrer"


def test_waitlisted_person_sees_no_join_link(app, client, make_event, make_registration):
    token = make_registration(make_event(), status="waitlisted").token
    html = client.get(f"/registrations/{token}").data.decode()
    assert "You are on the waiting list." in html
    assert f"/join/{token}" not in html


@pytest.mark.parametrize("path", ["/registrations/{}", "/registrations/{}.ics", "/join/{}"])
def test_unknown_token_is_not_found(client, path):
    assert client.get(path.format("no-such-token")).status_code == 404


def test_calendar_file_has_a_stable_uid_utc_times_and_the_join_link(
    app, client, make_event, make_registration
):
    event = make_event()
    token = make_registration(event).token
    response = client.get(f"/registrations/{token}.ics")
    assert response.mimetype == "text/calendar"
    [vevent] = Calendar.from_ical(response.data).walk("VEVENT")
    join_link = f"http://webinar.test/join/{registration(app, token).join_token}"
    assert join_link in str(vevent["DESCRIPTION"])
    assert str(vevent["URL"]) == join_link
    assert vevent.decoded("DTSTART") == event.starts_at
    assert vevent.decoded("DTSTART").utcoffset() == timedelta(0)
    assert vevent.decoded("DTEND") == event.ends_at
    again = Calendar.from_ical(client.get(f"/registrations/{token}.ics").data)
    assert again.walk("VEVENT")[0]["UID"] == vevent["UID"]
    assert JOIN_URL not in response.data.decode()


def test_cancel_asks_first_and_a_get_changes_nothing(app, client, make_event, make_registration):
    token = make_registration(make_event()).token
    page = client.get(f"/registrations/{token}/cancel")
    assert "Yes, cancel my registration" in page.data.decode()
    client.get(f"/registrations/{token}/delete")
    assert registration(app, token).status == "confirmed"
    assert registration(app, token).anonymised_at is None


def test_cancel_with_the_button_frees_the_seat_for_the_oldest_waitlisted(app, client, make_event):
    event = make_event(capacity=1, waitlist_enabled=True)
    for email in ("first@example.org", "second@example.org", "third@example.org"):
        register_through_form(client, event.slug, email=email)
    tokens = [r.token for r in registrations(app, event)]
    page = client.get(f"/registrations/{tokens[0]}/cancel")
    response = client.post(
        f"/registrations/{tokens[0]}/cancel", data={"csrf_token": csrf_token(page.data)}
    )
    assert response.status_code == 303
    assert "Your registration is cancelled." in client.get(response.location).data.decode()
    assert [registration(app, t).status for t in tokens] == [
        "cancelled",
        "confirmed",
        "waitlisted",
    ]
    assert [e.recipient for e in emails(app, "promoted")] == ["second@example.org"]


def test_cancel_without_csrf_token_is_refused(app, client, make_event, make_registration):
    token = make_registration(make_event()).token
    assert client.post(f"/registrations/{token}/cancel").status_code == 400
    assert registration(app, token).status == "confirmed"


def test_delete_my_data_cancels_and_anonymises(app, client, make_event, make_registration):
    token = make_registration(make_event(), first_name="Grace", organisation="Navy").token
    page = client.get(f"/registrations/{token}/delete")
    response = client.post(
        f"/registrations/{token}/delete", data={"csrf_token": csrf_token(page.data)}
    )
    assert response.status_code == 303
    html = client.get(response.location).data.decode()
    assert "your details are deleted" in html
    assert "Grace" not in html
    row = registration(app, token)
    assert (row.status, row.first_name, row.email, row.organisation) == ("cancelled", "", "", "")
    assert row.anonymised_at is not None


def test_join_link_inside_the_window_records_the_join_and_redirects(
    app, client, make_event, make_registration
):
    event = make_event(starts_at=now() + timedelta(minutes=10))
    token = make_registration(event).token
    response = client.get(f"/join/{token}")
    assert response.status_code == 303
    assert response.location == JOIN_URL
    first = registration(app, token)
    assert first.joined_at is not None and first.last_joined_at == first.joined_at

    client.get(f"/join/{token}")
    second = registration(app, token)
    assert second.joined_at == first.joined_at
    assert second.last_joined_at >= first.last_joined_at


def test_a_join_is_noted_once_a_minute_at_most(app, client, clock, make_event, make_registration):
    clock.set(now())
    event = make_event(starts_at=now() + timedelta(minutes=10))
    token = make_registration(event).token
    client.get(f"/join/{token}")
    first = registration(app, token)
    clock.advance(seconds=40)
    assert client.get(f"/join/{token}").location == JOIN_URL
    assert registration(app, token).last_joined_at == first.last_joined_at
    clock.advance(seconds=30)
    assert client.get(f"/join/{token}").location == JOIN_URL
    later = registration(app, token)
    assert later.joined_at == first.joined_at
    assert later.last_joined_at == first.joined_at + timedelta(seconds=70)


def test_join_link_works_while_the_talk_is_on(app, client, make_event, make_registration):
    event = make_event(starts_at=now() - timedelta(minutes=30))
    token = make_registration(event).token
    assert client.get(f"/join/{token}").status_code == 303


def test_join_link_before_the_window_says_when_it_opens(app, client, make_event, make_registration):
    event = make_event(starts_at=now() + timedelta(hours=2))
    token = make_registration(event).token
    response = client.get(f"/join/{token}")
    assert response.status_code == 200
    assert "The join link opens on" in response.data.decode()
    assert JOIN_URL not in response.data.decode()
    assert registration(app, token).joined_at is None


def test_join_link_after_the_end_says_the_talk_has_ended(
    app, client, make_event, make_registration
):
    event = make_event(starts_at=now() - timedelta(hours=3))
    token = make_registration(event).token
    response = client.get(f"/join/{token}")
    assert "This talk has ended." in response.data.decode()
    assert registration(app, token).joined_at is None


@pytest.mark.parametrize(
    "status, message",
    [
        ("cancelled", "This registration is cancelled"),
        ("waitlisted", "You are on the waiting list."),
    ],
)
def test_only_a_confirmed_registration_can_join(
    app, client, make_event, status, message, make_registration
):
    event = make_event(starts_at=now() + timedelta(minutes=5))
    token = make_registration(event, status=status).token
    response = client.get(f"/join/{token}")
    assert response.status_code == 200
    assert message in response.data.decode()
    assert JOIN_URL not in response.data.decode()
    assert registration(app, token).joined_at is None


def test_join_url_never_appears_on_a_public_page(app, client, make_event):
    event = make_event()
    response = register_through_form(client, event.slug)
    pages = [
        f"/events/{event.slug}",
        "/",
        f"/events/{event.slug}/register",
        response.location,
        "/privacy",
    ]
    for path in pages:
        assert JOIN_URL not in client.get(path).data.decode(), path
    for email in emails(app):
        assert JOIN_URL not in email.text_body + email.html_body + (email.ics or "")
