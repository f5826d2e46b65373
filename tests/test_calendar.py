"""Calendar files: one talk's .ics, the feed, and the Google Calendar link."""

from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

from icalendar import Calendar
from support.eventdata import REFERENCE_FIELDS
from support.factories import in_days


def parse(response) -> Calendar:
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    return Calendar.from_ical(response.data)


def test_reference_talk_calendar_file_has_utc_times_and_public_details(client, make_event):
    event = make_event(**REFERENCE_FIELDS)
    response = client.get(f"/events/{event.slug}.ics")
    assert response.headers["Content-Disposition"].startswith("attachment")
    [vevent] = parse(response).walk("VEVENT")
    assert vevent.decoded("dtstart") == datetime(2023, 12, 6, 7, 30, tzinfo=UTC)
    assert vevent.decoded("dtend") == datetime(2023, 12, 6, 8, 45, tzinfo=UTC)
    assert vevent.decoded("dtstart").utcoffset().total_seconds() == 0
    assert str(vevent["summary"]) == "STEP: Strategic Technologies for Europe Platform"
    page_url = "http://webinar.test/events/step-strategic-technologies-for-europe-platform"
    assert str(vevent["url"]) == page_url
    assert page_url in str(vevent["description"])
    assert str(vevent["location"]) == "Virtual Event"


def test_calendar_file_never_carries_the_join_url(client, make_event):
    event = make_event(join_url="https://meet.example.org/secret-room")
    body = client.get(f"/events/{event.slug}.ics").get_data(as_text=True)
    assert "secret-room" not in body
    assert "meet.example.org" not in body
    feed = client.get("/events.ics").get_data(as_text=True)
    assert "meet.example.org" not in feed


def test_calendar_uid_stays_the_same_between_downloads(client, make_event):
    event = make_event()
    [first] = parse(client.get(f"/events/{event.slug}.ics")).walk("VEVENT")
    [second] = parse(client.get(f"/events/{event.slug}.ics")).walk("VEVENT")
    assert str(first["uid"]) == str(second["uid"])
    assert str(first["uid"]).endswith("@webinar.test")


def test_feed_lists_upcoming_public_talks(client, make_event):
    make_event(title="Upcoming one", starts_at=in_days(3))
    make_event(title="Upcoming two", starts_at=in_days(9))
    make_event(title="A draft", starts_at=in_days(4), status="draft")
    make_event(title="Over", starts_at=in_days(-4))
    make_event(title="Called off", starts_at=in_days(5), status="cancelled")
    calendar = parse(client.get("/events.ics"))
    entries = {str(v["summary"]): str(v["status"]) for v in calendar.walk("VEVENT")}
    assert entries == {
        "Upcoming one": "CONFIRMED",
        "Upcoming two": "CONFIRMED",
        "Called off": "CANCELLED",
    }


def test_empty_feed_is_still_a_valid_calendar(client):
    calendar = parse(client.get("/events.ics"))
    assert list(calendar.walk("VEVENT")) == []
    assert str(calendar["version"]) == "2.0"


def test_google_calendar_link_carries_utc_times_title_and_page(app, make_event):
    from webinar.calendar import google_calendar_url

    event = make_event(**REFERENCE_FIELDS)
    with app.test_request_context():
        link = google_calendar_url(event)
    query = parse_qs(urlsplit(link).query)
    assert link.startswith("https://calendar.google.com/calendar/render?")
    assert query["action"] == ["TEMPLATE"]
    assert query["dates"] == ["20231206T073000Z/20231206T084500Z"]
    assert query["text"] == ["STEP: Strategic Technologies for Europe Platform"]
    assert "http://webinar.test/events/step-strategic" in query["details"][0]
    assert "meet.example.org" not in link
