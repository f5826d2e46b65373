"""The registration form page for a new visitor and the "received" page, rendered once each.

Both are the same for everyone but for a few values of the visitor's own:
the form's CSRF token and the hidden fields that keep where the visit came
from (campaign, referrer), the address the "received" page names. A page is
rendered with markers in their place and cached under a key of the talk's
content_version (raised by any change the pages show, its questions
included, but not by seats), its registration state, the language and the
templates (events.pagecache.page_key); each response puts its own values in.
Several processes each keep their own cache; none can serve a stale page,
because the key is read from the database on every request. A form with
errors or typed values, a follower's prefilled form and a page with a flashed
message are rendered for their visitor alone.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from functools import lru_cache

from flask import Response, abort, current_app, render_template, request, session
from flask_wtf.csrf import generate_csrf
from markupsafe import escape

from .. import talk_languages
from ..database import PreparedRead
from ..events import pagecache, queries
from ..events.queries import public_event
from ..models import Event
from ..models.event import registration_state
from .talk_form import talk_form_class

# Registration states in which the form is shown.
FORM_STATES = ("open", "waitlist")

# The hidden fields that keep where a visit came from.
SOURCE_FIELDS = ("utm_source", "utm_medium", "utm_campaign", "referrer")
VISITOR_VALUES = ("csrf_token", *SOURCE_FIELDS, "email")
# Made per process, as its cache is: no talk's text can name a marker. Replaced in
# one pass, so a visitor's value that reads like a marker stays as it is.
NONCE = secrets.token_hex(8)
MARKERS = re.compile(f"visitor-({'|'.join(VISITOR_VALUES)})-{NONCE}".encode())


def marker(name: str) -> str:
    return f"visitor-{name}-{NONCE}"


# The talk page's key query (plain columns, compiled once) and the version of
# what the form shows: read on every request, cached page or not.
_VERSION = PreparedRead(
    queries._PAGE_VERSION.statement.add_columns(Event.__table__.c.content_version)
)


# Talks whose version this process keeps, as last read.
MOST_VERSIONS_KEPT = 1000


def talk_version(slug: str):
    """Return what the pages' keys and the registration state need of a public talk, or 404."""
    row = queries.page_version(_VERSION, slug=slug)
    if row is None:
        abort(404)
    talk_languages.offer_page_languages(row)
    seen = _seen()
    if len(seen) >= MOST_VERSIONS_KEPT:
        # Forgetting costs a POST one read of its talk, at most.
        seen.clear()
    seen[slug] = row
    return row


def last_talk_version(slug: str):
    """Return the version of a talk this process read last, if its form was open then; or None.

    Only for a POST, whose transaction checks the version again
    (seats.register, CHANGED): it spares the POST reading the talk first,
    and never answers from an older talk than the database holds.
    """
    row = _seen().get(slug)
    if row is None or registration_state(row) not in FORM_STATES:
        return None
    talk_languages.offer_page_languages(row)
    return row


def _seen() -> dict:
    """Return this app's talk versions by slug: one app, one database, whose rows they are."""
    return current_app.extensions.setdefault("talk_versions", {})


def page_key(page: str, row, *parts: object) -> str:
    """Return the cache key of one of these pages of a talk: what it shows, the language."""
    return pagecache.page_key(page, row.id, row.content_version, *parts)


def source_values() -> dict[str, str]:
    """Return this visit's campaign and referrer, as the form keeps them."""
    values = {name: request.args.get(name, "") for name in SOURCE_FIELDS[:3]}
    values["referrer"] = request.args.get("ref") or request.referrer or ""
    return values


def empty_form_page(slug: str) -> Response | None:
    """Return the form page of a talk for a new visitor; None when the talk takes no registration.

    The talk's key columns are read on every request; the talk, its
    questions and the form are loaded and rendered only when the key is new.
    """
    version = talk_version(slug)
    state = registration_state(version)
    if state not in FORM_STATES:
        return None

    def render() -> tuple[str, bytes] | None:
        event = public_event(slug, with_details=False, with_questions=True)
        state = event.registration_state()
        if state not in FORM_STATES:
            return None
        form = talk_form_class(event, lambda: event)()
        for name in SOURCE_FIELDS:
            getattr(form, name).data = marker(name)
        form.csrf_token.current_token = marker("csrf_token")
        page = render_template("registration/form.html", event=event, form=form, state=state)
        return page_key("registration form", event, state), page.encode()

    body = cached(page_key("registration form", version, state), render)
    if body is None:
        return None
    return visitor_page(body, {**source_values(), "csrf_token": generate_csrf()})


def received_page(slug: str, email: str | None) -> Response:
    """Return the page that says a registration is received (and to which address)."""
    version = talk_version(slug)

    def render() -> tuple[str, bytes]:
        event = public_event(slug, with_details=False)
        shown = marker("email") if email else None
        page = render_template("registration/received.html", event=event, email=shown)
        return page_key("registration received", event, bool(email)), page.encode()

    body = cached(page_key("registration received", version, bool(email)), render)
    return visitor_page(body, {"email": email or ""})


def cached(key: str, render: Callable[[], tuple[str, bytes] | None]) -> bytes | None:
    """Return the page of a key from the render cache, or render it and keep it.

    `render` returns the key of what it rendered (the talk may have changed
    since the key was read) and the page, or None for no page.
    """
    # A page with a flashed message is for one visitor only: never cached.
    personal = "_flashes" in session
    body = None if personal else pagecache.cache().get(key)
    if body is None:
        rendered = render()
        if rendered is None:
            return None
        key, body = rendered
        if not personal:
            pagecache.cache().put(key, body)
    return body


def visitor_page(body: bytes, values: dict[str, str]) -> Response:
    """Return a cached page with this visitor's own values in place of its markers."""
    pieces = list(_pieces(body))
    # Odd places hold the markers' names.
    for place in range(1, len(pieces), 2):
        pieces[place] = str(escape(values[pieces[place].decode()])).encode()
    return current_app.response_class(b"".join(pieces), mimetype="text/html")


@lru_cache(maxsize=256)
def _pieces(body: bytes) -> tuple[bytes, ...]:
    """Return a cached page cut at its markers: text, marker's name, text, ...

    Cut once per page: a search of the whole page at every request cost more.
    """
    return tuple(MARKERS.split(body))
