"""Hostile input into every form of the site: never a 5xx, never an injected email header.

The forms are found by reading the pages (every GET route, public and signed
in as the owner), so forms added later are attacked too. First each field in
turn gets every value of a fixed corpus (huge and negative numbers, NUL and
control characters, CR/LF, very long text; for files: empty, damaged, an image
claiming 20,000 x 20,000 pixels, a folder path in the name) while the other fields
hold valid values; then hypothesis sends random mixtures: arbitrary Unicode, zero-width
characters, several values at once, or nothing at all. An answer that does not
accept the form (anything but a redirect) changes nothing stored, and a form
shown again says what is wrong.
"""

from __future__ import annotations

import email
import email.policy
import io
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

import pytest
from flask_wtf import FlaskForm
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support.eventdata import PNG_BYTES
from support.forms import VALID_FORM
from support.site_walk import get_rules, populate
from test_organiser_uploads import image_claiming
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
    "1e309", "NaN", "2023-02-30", "25:61", "9999-12-31", "0001-01-01", "00:00", "23:59",
    "javascript:alert(1)",
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
LEFT_OUT_ACTIONS = (
    "/organiser/logout",
    "/organiser/account/sign-out-everywhere",
    # One-click unsubscribe (RFC 8058) answers a POST with 200 and takes no typed field;
    # tests/test_series_announcements.py sends it hostile bodies.
    "/follow/unsubscribe/",
)


# Each field of each form gets every one of these, the other fields being valid.
FIELD_VALUES = [
    "", "-1", "1e309", "100000000000000000000", "-100000000000000000000", "Ada\x00",
    "\x01\x08\x0b\x1b\u2028", "ada@example.org\r\nBcc: evil@example.org",
    "2023-02-30", "0001-01-01", "9999-12-31", "x" * 100_000,
]  # fmt: skip
# Each file field gets each of these: (content, file name).
FILE_VALUES = [
    (b"", "empty.png"), (image_claiming(20_000, 20_000), "bomb.png"), (PNG_BYTES[:40], "cut.png"),
    (b"GIF89a" + bytes(40), "animation.png"), (b"%PDF-1.4\n%%EOF\n", "slides.pdf"),
    (PNG_BYTES, "../../etc/banner.png"), (b"\x00" * 1000, "x\x01\u202e.pdf"),
]  # fmt: skip
# Random mixtures per form, on top of the corpus.
MIXTURES = settings(EXAMPLES, max_examples=15)
FIELD_ERROR = re.compile(r'class="field-error" id="([^"]+)-error"')
# Tables a refused form may still write to: a refused sign-in counts the failure, and
# the audit log records it (and the CSV downloads the walk makes).
NOT_CONTENT = {"organiser", "organiser_session", "task_run", "audit_entry"}
# The mark of a page that shows a secret once, in answer to the form that made it.
SHOWN_ONCE = '<code class="secret">'


@dataclass
class Form:
    """A POST form of a page: what it sends untouched, values that make it valid, its button."""

    action: str
    defaults: dict[str, str] = field(default_factory=dict)
    needed: dict[str, str] = field(default_factory=dict)
    hidden: set[str] = field(default_factory=set)
    files: set[str] = field(default_factory=set)
    # The last named button: the main action (Save, Send) on this site's forms.
    button: tuple[str, str] | None = None

    def valid(self) -> dict[str, str]:
        """Return the fields as a person filling in what is required would send them."""
        data = dict(self.defaults)
        data.update({name: value for name, value in self.needed.items() if not data.get(name)})
        if self.button:
            data.setdefault(*self.button)
        return data


def plausible(name: str, kind: str) -> str:
    """Return a value a person could type into a required field of this name and type."""
    if kind == "email" or "email" in name:
        return "person@example.org"
    if kind == "url" or "url" in name:
        return "https://example.org/"
    # An end comes after a start.
    time = "10:30" if "end" in name else "09:30"
    return {"date": "2031-03-04", "time": time, "number": "5"}.get(kind, "Hello")


class Forms(HTMLParser):
    """Collect the POST forms of a page, with their fields as a browser would send them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self.current: Form | None = None
        self.select: tuple[str, bool, list[str], list[str]] | None = None
        self.textarea: tuple[str, bool, list[str]] | None = None

    def handle_starttag(self, tag, attrs):
        attributes = {name: value or "" for name, value in attrs}
        if tag == "form" and attributes.get("method", "").lower() == "post":
            self.current = Form(attributes.get("action", ""))
            self.forms.append(self.current)
        form, name = self.current, attributes.get("name")
        kind, value = attributes.get("type", "").lower(), attributes.get("value", "")
        if tag == "option" and self.select:
            self.select[2].append(value)
            if "selected" in attributes:
                self.select[3].append(value)
        if form is None or not name:
            return
        # Fields people cannot reach (the honeypot) are left as they are.
        required = "required" in attributes and attributes.get("tabindex") != "-1"
        if tag == "button" or kind in ("submit", "image"):
            form.button = (name, value)
        elif tag == "select":
            self.select = (name, required, [], [])
        elif tag == "textarea":
            self.textarea = (name, required, [])
        elif kind in ("checkbox", "radio"):
            if "checked" in attributes:
                form.defaults.setdefault(name, value or "on")
            elif required or kind == "radio":
                form.needed.setdefault(name, value or "on")
        elif kind == "file":
            form.files.add(name)
        elif tag == "input":
            if kind == "hidden":
                form.hidden.add(name)
            form.defaults.setdefault(name, value)
            if required and not value:
                form.needed[name] = plausible(name, kind)

    def handle_data(self, data):
        if self.textarea:
            self.textarea[2].append(data)

    def handle_endtag(self, tag):
        form = self.current
        if tag == "form":
            self.current = None
        elif tag == "textarea" and self.textarea and form:
            name, required, text = self.textarea
            # A browser drops the line break that starts a textarea's content.
            form.defaults.setdefault(name, re.sub(r"^\r?\n", "", "".join(text)))
            if required:
                form.needed[name] = "Hello"
            self.textarea = None
        elif tag == "select" and self.select and form:
            name, required, options, selected = self.select
            if selected or options:
                form.defaults.setdefault(name, (selected or options)[0])
            if required and any(options):
                form.needed[name] = next(option for option in options if option)
            self.select = None


def forms_on(client, paths) -> dict[str, Form]:
    """Return {action: form} of every POST form on these pages."""
    found: dict[str, Form] = {}
    for path in paths:
        response = client.get(path)
        response.close()
        if response.mimetype != "text/html" or response.status_code != 200:
            continue
        parser = Forms()
        parser.feed(response.get_data(as_text=True))
        for form in parser.forms:
            form.action = (form.action or path).split("#")[0]
            if form.action.startswith("/") and not form.action.startswith(LEFT_OUT_ACTIONS):
                found.setdefault(form.action, form)
    return found


def stored(app) -> dict[str, object]:
    """Return every row of the tables that hold what people entered.

    PostgreSQL sends each table's rows as one JSON text, all in one query:
    a query per table, after each of hundreds of posts, was a third of the
    walk's time.
    """
    tables = [table for table in db.metadata.sorted_tables if table.name not in NOT_CONTENT]
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            columns = ", ".join(
                f'(SELECT json_agg(row ORDER BY row::text)::text FROM "{table.name}" row)'
                for table in tables
            )
            texts = db.session.execute(db.text(f"SELECT {columns}")).one()
            return dict(zip([table.name for table in tables], texts, strict=True))
        return {
            table.name: sorted(map(tuple, db.session.execute(db.select(table))), key=repr)
            for table in tables
        }


class Sender:
    """Post forms and check each answer: no 5xx; a refused form changes nothing and says why."""

    def __init__(self, app) -> None:
        self.app = app
        self.before = stored(app)

    def post(self, client, action: str, data: dict, visible: bool = False) -> set[str]:
        """Post data and return the fields said to be wrong; a form shown again must say why."""
        response = client.post(action, data=data)
        response.close()
        status, page = response.status_code, response.get_data(as_text=True)
        what = f"{action}: {status} for {({k: str(v)[:80] for k, v in data.items()})!r}"
        assert status < 500, what
        after = stored(self.app)
        # A new secret is shown once, on the answer to the POST that made it.
        shows_new_secret = status == 200 and SHOWN_ONCE in page
        if not 300 <= status < 400 and not shows_new_secret:
            assert after == self.before, f"{what} changed what was stored"
            if status == 200 and response.mimetype == "text/html" and visible:
                assert 'class="field-error"' in page or 'role="alert"' in page, what
        self.before = after
        return set(FIELD_ERROR.findall(page)) if status == 200 else set()


def attack(sender: Sender, client, form: Form, corpus: bool = True) -> None:
    """Send each field every corpus value, then random mixtures; no answer may be a 5xx."""
    valid = form.valid()
    names = sorted(set(valid) - {"csrf_token", form.button and form.button[0]})
    for name in names if corpus else ():
        for value in FIELD_VALUES:
            data = dict(valid, **{name: value})
            sender.post(client, form.action, data, visible=name not in form.hidden)
    for name in sorted(form.files) if corpus else ():
        for content, filename in FILE_VALUES:
            data = dict(valid, **{name: (io.BytesIO(content), filename)})
            wrong = sender.post(client, form.action, data, visible=True) - {name}
            # A file can make another field needed (a banner needs its description):
            # fill in what the form asks for, as a person would, and send it again.
            if wrong:
                data.update({other: plausible(other, "") for other in wrong})
                data[name] = (io.BytesIO(content), filename)
                sender.post(client, form.action, data, visible=True)

    @MIXTURES
    @given(changes=st.dictionaries(st.sampled_from(names or ["x"]), VALUE, max_size=len(names)))
    def send(changes):
        data = dict(valid)
        for name, value in changes.items():
            if value is None:
                data.pop(name, None)
            else:
                data[name] = value
        sender.post(client, form.action, data)

    send()


def share(plan: list[tuple], part: int) -> list[tuple]:
    """Return this part's forms of the plan, in its order: the parts get about as many posts."""
    loads, mine = [0] * PARTS, []
    for step in plan:
        _client, form, corpus = step
        posts = len(form.valid()) * len(FIELD_VALUES) if corpus else 0
        lightest = loads.index(min(loads))
        loads[lightest] += posts + MIXTURES.max_examples
        if lightest == part:
            mine.append(step)
    return mine


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


@pytest.mark.slow
def test_the_registration_form_survives_hostile_input(app, client, make_event):
    event = make_event(capacity=5, waitlist_enabled=True)
    page = client.get(f"/events/{event.slug}/register").get_data(as_text=True)
    from support.forms import csrf_token

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


# The forms are dealt out to this many tests, which pytest-xdist runs side by side.
PARTS = 3


@pytest.mark.slow
@pytest.mark.parametrize("part", range(PARTS))
def test_every_form_of_the_site_survives_hostile_input(app, make_event, owner, owner_client, part):
    site = populate(app, make_event, owner)
    public = app.test_client()
    # Signed out, the organiser pages lead to the sign-in form.
    public_forms = forms_on(public, [site.url(rule) for rule in get_rules(app)])
    organiser_forms = forms_on(
        owner_client, [site.url(rule) for rule in get_rules(app, public=False)]
    )
    register = public_forms[f"/events/{site.values['slug']}/register"]
    assert register.valid()["consent_privacy"] and register.valid()["country"]
    assert organiser_forms[f"/organiser/events/{site.values['event_id']}/announce"].button == (
        "send", "Send"
    )
    # The owner's other talk has a question, so the Questions page offers to copy it.
    assert f"/organiser/events/{site.values['event_id']}/questions/copy" in organiser_forms
    assert "/organiser/login" in public_forms
    account_forms = {"/organiser/account/name", "/organiser/account/email",
                     "/organiser/account/password"}  # fmt: skip
    assert account_forms <= set(organiser_forms)
    assert f"/organiser/confirm-email/{site.values['email_token']}" in public_forms

    # Forms with the same fields are one form behind several addresses (new, edit, copy):
    # the corpus goes to the first of them, the random mixtures to each.
    plan, attacked = [], set()
    for client, forms in ((public, public_forms), (owner_client, organiser_forms)):
        for _action, form in sorted(forms.items(), key=destructive_last):
            fields = frozenset(form.valid())
            plan.append((client, form, fields not in attacked))
            attacked.add(fields)
    sender = Sender(app)
    for client, form, corpus in share(plan, part):
        attack(sender, client, form, corpus=corpus)

    assert_no_email_carries_an_injected_header(app)
    # Whatever was stored is shown as text on every page.
    for rule in get_rules(app, public=False):
        path = site.url(rule)
        check_response(path, owner_client.get(path))
