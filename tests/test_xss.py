"""Hostile text in every shown field stays text wherever it is shown.

Each payload goes into every talk, speaker, material, topic and registration
field; then every GET page of the site (public, and the organiser's signed
in: the attendee list and exports included once they exist), the emails'
HTML parts, the calendar files and any CSV are read back and checked: no
script, no event handler, no javascript: link, no injected calendar line,
no spreadsheet formula.
"""

from __future__ import annotations

import csv
import io
from html.parser import HTMLParser

import icalendar
import pytest
from support.eventdata import add_topics
from support.forms import register_through_form
from support.site_walk import get_rules, populate
from support.stored import emails

from webinar.extensions import db
from webinar.models import Material, Speaker

PAYLOADS = [
    '<script>alert("xss-1")</script>',
    '"><img src=x onerror=alert("xss-2")>',
    "'><svg onload=alert('xss-3')>",
    '</title></textarea></style><script>alert("xss-4")</script>',
    'javascript:alert("xss-5")',
    '<a href="javascript:alert(\'xss-6\')">xss-6</a>',
    '<iframe src="https://evil.example/xss-7"></iframe>',
    "{{ config }}{% if 1 %}xss-8{% endif %}",
    "xss-9\r\nX-INJECTED:yes\r\nORGANIZER:mailto:evil@example.org",
    '=HYPERLINK("https://evil.example","xss-10")',
    "+cmd|' /C calc'!A0 xss-11",
    "<style>body{display:none}</style><base href=https://evil.example/>xss-12",
]
EVENT_FIELDS = ("title", "series_label", "event_type", "target_audience", "organised_by",
                "summary", "description", "location", "banner_alt", "post_summary")  # fmt: skip
PERSON_FIELDS = ("first_name", "last_name", "organisation", "job_title")
# The form refuses markup in a name (test_abuse_limits); these take any text.
FREE_TEXT_FIELDS = ("organisation", "job_title")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class HostileMarkup(HTMLParser):
    """Collect every piece of markup that could run or load something not ours."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "script" and not (attributes.get("src") or "").startswith("/static/"):
            self.found.append(f"<script> {attributes}")
        if tag in ("iframe", "object", "embed", "base", "style", "frame"):
            self.found.append(f"<{tag}>")
        # The organiser's registration chart is our own SVG; a payload's would
        # need a handler (caught below) or sit inside text, where it is escaped.
        if tag == "svg" and attributes.get("class") != "bar-chart":
            self.found.append("<svg>")
        # The two-factor QR code is our own SVG, shown as an image, where no script runs.
        own_qr_code = tag == "img" and attributes.get("class") == "qr-code"
        for name, value in attrs:
            value = (value or "").strip().lower()
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}=...>")
            if own_qr_code and name == "src" and value.startswith("data:image/svg+xml;base64,"):
                continue
            if name in ("href", "src", "action", "formaction") and value.startswith(
                ("javascript:", "data:", "vbscript:")
            ):
                self.found.append(f"<{tag} {name}={value[:30]}>")

    handle_startendtag = handle_starttag


def hostile_markup(html: str) -> list[str]:
    parser = HostileMarkup()
    parser.feed(html)
    parser.close()
    return parser.found


def check_response(path: str, response) -> None:
    """Fail when a page, calendar file or CSV carries the payload as live content."""
    body = response.get_data(as_text=True)
    response.close()
    assert response.status_code < 500, path
    assert "test-secret-key" not in body, f"{path}: template code was run"
    if response.mimetype == "text/html":
        assert hostile_markup(body) == [], path
    elif response.mimetype == "text/calendar":
        check_calendar(path, body)
    elif response.mimetype == "text/csv":
        check_csv(path, body)


def check_calendar(path: str, body: str) -> None:
    calendar = icalendar.Calendar.from_ical(body)
    for component in calendar.walk():
        assert "X-INJECTED" not in component, path
        organizer = str(component.get("ORGANIZER", ""))
        assert "evil@example.org" not in organizer, path


def check_csv(path: str, body: str) -> None:
    for row in csv.reader(io.StringIO(body)):
        for cell in row:
            assert not cell.startswith(FORMULA_STARTS), f"{path}: formula cell {cell!r}"


def fill_with(app, site, payload: str) -> None:
    """Put the payload into every shown field of the site's talk, speaker, slides and people."""
    from webinar.models import Event

    with app.app_context():
        event = db.session.get(Event, site.values["event_id"])
        for name in EVENT_FIELDS:
            limit = getattr(Event, name).type.length or 10_000
            setattr(event, name, payload[:limit])
        for speaker in db.session.scalars(db.select(Speaker)):
            speaker.name = speaker.role = speaker.organisation = payload
        for material in db.session.scalars(db.select(Material)):
            material.title = payload
        db.session.commit()
        event_id = event.id
    add_topics(app, event_id, payload)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_a_payload_in_every_field_is_shown_as_text_everywhere(
    app, make_event, owner, owner_client, payload, make_registration
):
    site = populate(app, make_event, owner)
    fill_with(app, site, payload)
    people = dict.fromkeys(PERSON_FIELDS, payload)
    site.values["token"] = make_registration(make_event_ref(app, site), **people).token

    public = app.test_client()
    for rule in get_rules(app, public=True):
        path = site.url(rule)
        check_response(path, public.get(path))
    for rule in get_rules(app, public=False):
        path = site.url(rule)
        check_response(path, owner_client.get(path))


def make_event_ref(app, site):
    from webinar.models import Event

    with app.app_context():
        event = db.session.get(Event, site.values["event_id"])
        db.session.expunge(event)
    return event


@pytest.mark.parametrize("payload", [p for p in PAYLOADS if "\n" not in p])
def test_a_payload_typed_into_the_registration_form_stays_text_in_the_emails(
    app, client, make_event, payload
):
    event = make_event(title=payload[:200], summary=payload)
    names = {name: payload for name in FREE_TEXT_FIELDS}
    response = register_through_form(client, event.slug, **names)
    assert response.status_code == 303

    (confirmation,) = emails(app, "confirmation")
    assert "\n" not in confirmation.subject and "\r" not in confirmation.subject
    assert hostile_markup(confirmation.html_body) == []
    if confirmation.ics:
        check_calendar("confirmation.ics", confirmation.ics)
    received = client.get(response.headers["Location"])
    check_response("received", received)


@pytest.mark.parametrize("payload", [p for p in PAYLOADS if "\n" not in p])
def test_a_payload_stored_as_a_name_stays_text_in_the_emails(app, make_event, payload):
    from webinar import seats

    event = make_event()
    with app.app_context():
        seats.register(event, {"first_name": payload, "last_name": payload,
                               "email": "ada@example.org"})  # fmt: skip
    (confirmation,) = emails(app, "confirmation")
    assert hostile_markup(confirmation.html_body) == []
    check_calendar("confirmation.ics", confirmation.ics)
