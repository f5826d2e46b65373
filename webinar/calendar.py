"""Calendar files (RFC 5545) for events and registrations, made with icalendar."""

from collections.abc import Iterable
from datetime import UTC
from urllib.parse import urlencode, urlsplit

from flask import current_app
from icalendar import Calendar
from icalendar import Event as VEvent

from .dates import compact_utc
from .models import Event, EventStatus, utcnow
from .talk_languages import text_of
from .text import one_line

PRODID = "-//webinar//Event calendar//EN"


def public_url(endpoint: str, **values) -> str:
    """Return an absolute URL from the configured PUBLIC_URL, never from the request's Host."""
    # Built from the URL map rather than url_for so that it also works outside
    # a request (the outbox worker, a thread) and never adds the request's root.
    path = current_app.url_map.bind("", script_name="/").build(endpoint, values)
    return current_app.config["PUBLIC_URL"].rstrip("/") + path


def public_domain() -> str:
    """Return the host name of PUBLIC_URL: the domain of calendar UIDs and Message-IDs."""
    return urlsplit(current_app.config["PUBLIC_URL"]).hostname or "localhost"


def event_uid(event: Event) -> str:
    """Return the stable UID of an event's public calendar entry."""
    return f"event-{event.id}@{public_domain()}"


def make_vevent(
    event: Event, *, uid: str, url: str, description: str, sequence: int | None = None
) -> VEvent:
    """Return the VEVENT of an event: times in UTC, the given UID, URL and description.

    The title is in the current language where the talk has it; the entry
    says which language its title is written in.
    """
    vevent = VEvent()
    vevent.add("uid", uid)
    vevent.add("dtstamp", utcnow())
    vevent.add("dtstart", event.starts_at.astimezone(UTC))
    vevent.add("dtend", event.ends_at.astimezone(UTC))
    title = text_of(event, "title")
    vevent.add("summary", one_line(title), parameters={"LANGUAGE": title.lang})
    vevent.add("description", description)
    vevent.add("url", url)
    vevent.add("location", one_line(event.location) or "Online")
    vevent.add("sequence", event.ics_sequence if sequence is None else sequence)
    vevent.add("status", "CANCELLED" if event.status == EventStatus.CANCELLED else "CONFIRMED")
    return vevent


def public_vevent(event: Event) -> VEvent:
    """Return the public entry of an event: its page URL, never the join URL."""
    url = public_url("events.detail", slug=event.slug)
    description = f"{text_of(event, 'summary')}\n\n{url}".strip()
    return make_vevent(event, uid=event_uid(event), url=url, description=description)


def calendar_file(vevents: Iterable[VEvent], *, name: str, method: str | None = None) -> bytes:
    """Wrap entries in a VCALENDAR and return it as bytes ready to send."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", one_line(name))
    if method:
        cal.add("method", method)
    for vevent in vevents:
        cal.add_component(vevent)
    return cal.to_ical()


def google_calendar_url(event: Event) -> str:
    """Return a link that opens Google Calendar with the event filled in."""
    page = public_url("events.detail", slug=event.slug)
    query = {
        "action": "TEMPLATE",
        "text": text_of(event, "title"),
        "dates": f"{compact_utc(event.starts_at)}/{compact_utc(event.ends_at)}",
        "details": f"{text_of(event, 'summary')}\n\n{page}".strip(),
        "location": event.location or "Online",
    }
    return "https://calendar.google.com/calendar/render?" + urlencode(query)
