"""Hostile input into every form of the site: never a 5xx, never an injected email header.

The forms are found by reading the pages (every GET route, public and signed
in), so forms added later are attacked too. Each field gets, at random, a
valid value, arbitrary Unicode, control and zero-width characters, CR/LF,
NUL, a very long string, several values at once, or nothing at all.
"""

from __future__ import annotations

import email
import email.policy
from html.parser import HTMLParser

import pytest
from flask_wtf import FlaskForm
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from registration_helpers import VALID_FORM
from site_walk import get_rules, populate
from test_organiser_support import *  # noqa: F403  (fixtures)
from test_xss import check_response

from webinar.extensions import db
from webinar.forms import SiteForm
from webinar.mail.message import Letter, UnsafeHeader, build_message
from webinar.models import OutboxEmail, utcnow

EXAMPLES = settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
NASTY = [
    "", " ", "\x00", "a\x00b", "\r\n", "Ada\r\nBcc: evil@example.org",
    "ada@example.org\r\nBcc: evil@example.org", "\u200b\u200c\u200d\u2060\ufeff",
    "\u202eevil\u202c", "\u2028\u2029", "\x1b[31m", "<script>alert(1)</script>",
    "' OR 1=1 --", "../../etc/passwd", "%00", "-1", "0", "99999999999999999999999",
    "1e309", "NaN", "2023-02-30", "25:61", "9999-12-31", "javascript:alert(1)",
    "http://", "https://exa mple.org", "mailto:x@y", "x" * 100_000, "é" * 3000,
    "\U0001f600" * 500,
]  # fmt: skip
TEXT = st.one_of(
    st.sampled_from(NASTY),
    st.text(max_size=40),
    st.text(st.characters(codec="utf-8"), max_size=300),
    st.builds(lambda s, n: s * n, st.text(min_size=1, max_size=4), st.integers(50, 3000)),
)
# A field's value: one string, several (a wrong type for one-value fields), or missing.
VALUE = st.one_of(TEXT, TEXT, TEXT, st.lists(TEXT, min_size=2, max_size=3), st.none())
# Forms whose sending would end the session the other forms need.
LEFT_OUT_ACTIONS = ("/organiser/logout",)


class Forms(HTMLParser):
    """Collect the POST forms of a page: action and field names with a default value."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[tuple[str, dict[str, str]]] = []
        self.current: dict[str, str] | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "form" and (attributes.get("method") or "").lower() == "post":
            self.current = {}
            self.forms.append((attributes.get("action") or "", self.current))
        elif self.current is not None and tag in ("input", "textarea", "select"):
            name = attributes.get("name")
            kind = attributes.get("type", "")
            if name and kind not in ("submit", "file") and not (
                kind == "checkbox" and "checked" not in attributes
            ):
                self.current.setdefault(name, attributes.get("value") or "")

    def handle_endtag(self, tag):
        if tag == "form":
            self.current = None


def forms_on(client, paths) -> dict[str, dict[str, str]]:
    """Return {action: default fields} of every POST form on these pages."""
    found: dict[str, dict[str, str]] = {}
    for path in paths:
        response = client.get(path)
        response.close()
        if response.mimetype != "text/html" or response.status_code != 200:
            continue
        parser = Forms()
        parser.feed(response.get_data(as_text=True))
        for action, fields in parser.forms:
            action = action or path
            if action.startswith("/") and not action.startswith(LEFT_OUT_ACTIONS):
                found.setdefault(action.split("#")[0], fields)
    return found


def attack(client, action: str, defaults: dict[str, str]) -> None:
    """Send the form at action again and again with hostile values; no answer may be a 5xx."""
    token = defaults.get("csrf_token", "")
    names = sorted(set(defaults) - {"csrf_token"})

    @EXAMPLES
    @given(changes=st.dictionaries(st.sampled_from(names or ["x"]), VALUE, max_size=len(names)))
    def send(changes):
        data = dict(defaults, csrf_token=token)
        for name, value in changes.items():
            if value is None:
                data.pop(name, None)
            else:
                data[name] = value
        response = client.post(action, data=data)
        response.close()
        assert response.status_code < 500, f"{action}: {response.status_code} for {changes!r}"

    send()


def destructive_last(item) -> tuple[bool, str]:
    """Order forms so that those deleting or cancelling things come after the others."""
    action = item[0]
    return any(word in action for word in ("delete", "cancel", "unpublish")), action


def assert_no_email_carries_an_injected_header(app) -> None:
    """Every queued email is refused or becomes a message with only the headers we write."""
    with app.app_context():
        rows = db.session.scalars(db.select(OutboxEmail)).all()
        for row in rows:
            try:
                message = build_message(Letter.from_row(row, claimed_at=utcnow()))
            except UnsafeHeader:
                continue
            parsed = email.message_from_bytes(
                message.as_bytes(), policy=email.policy.default
            )
            assert parsed.get_all("Bcc") is None
            assert [address.addr_spec for address in parsed["To"].addresses] == [row.recipient]
            assert "\n" not in str(parsed["Subject"]) and "\r" not in str(parsed["Subject"])


def subclasses(cls) -> set[type]:
    """Return every class derived from cls, however deep."""
    return {sub for child in cls.__subclasses__() for sub in {child, *subclasses(child)}}


@pytest.mark.sqlite_only  # about code, not data
def test_every_form_of_the_app_refuses_control_characters_through_the_site_form(app):
    # create_app has imported every blueprint, and with them every form.
    forms = {form for form in subclasses(FlaskForm) if form.__module__.startswith("webinar.")}
    assert len(forms) > 5
    assert {form.__qualname__ for form in forms if not issubclass(form, SiteForm)} == set()


def test_the_registration_form_survives_hostile_input(app, client, make_event):
    event = make_event(capacity=5, waitlist_enabled=True)
    page = client.get(f"/events/{event.slug}/register").get_data(as_text=True)
    from conftest import csrf_token

    defaults = dict(VALID_FORM, csrf_token=csrf_token(page))
    names = sorted(VALID_FORM)

    @settings(EXAMPLES, max_examples=50)
    @given(
        changes=st.dictionaries(st.sampled_from(names), VALUE, max_size=4),
        number=st.integers(0, 10**9),
    )
    def register(changes, number):
        data = dict(defaults, email=f"person{number}@example.org")
        for name, value in changes.items():
            if value is None:
                data.pop(name, None)
            else:
                data[name] = value
        response = client.post(f"/events/{event.slug}/register", data=data)
        # A form with errors is shown again (200), with the message next to the field.
        assert response.status_code in (200, 303), response.status_code

    register()
    assert_no_email_carries_an_injected_header(app)
    for path in (f"/events/{event.slug}", f"/events/{event.slug}/register/received"):
        check_response(path, client.get(path))


def test_every_form_of_the_site_survives_hostile_input(app, make_event, owner, owner_client):
    site = populate(app, make_event, owner)
    public = app.test_client()
    # Signed out, the organiser pages lead to the sign-in form.
    public_forms = forms_on(public, [site.url(rule) for rule in get_rules(app)])
    organiser_forms = forms_on(
        owner_client, [site.url(rule) for rule in get_rules(app, public=False)]
    )
    assert f"/events/{site.values['slug']}/register" in public_forms
    assert f"/organiser/events/{site.values['event_id']}/edit" in organiser_forms
    assert "/organiser/login" in public_forms

    for action, defaults in sorted(public_forms.items(), key=destructive_last):
        attack(public, action, defaults)
    for action, defaults in sorted(organiser_forms.items(), key=destructive_last):
        attack(owner_client, action, defaults)

    assert_no_email_carries_an_injected_header(app)
    # Whatever was stored is shown as text on every page.
    for rule in get_rules(app, public=False):
        path = site.url(rule)
        check_response(path, owner_client.get(path))


def test_hostile_values_in_every_address_and_query_are_never_a_server_error(
    app, make_event, owner, owner_client
):
    from urllib.parse import quote

    site = populate(app, make_event, owner)
    rules = get_rules(app)
    public = app.test_client()

    @EXAMPLES
    @given(value=TEXT.filter(lambda text: text and "/" not in text), query=TEXT)
    def visit(value, query):
        for rule in rules:
            path = site.url(rule)
            for name in rule.arguments:
                path = path.replace(str(site.values[name]), quote(value[:500], safe=""), 1)
            for client in (public, owner_client):
                response = client.get(f"{path}?q={quote(query[:2000])}&topic={quote(query[:200])}")
                response.close()
                assert response.status_code < 500, f"{path}: {response.status_code}"

    visit()
