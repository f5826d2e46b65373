"""Fill in the app's forms as a browser does: CSRF tokens, hidden fields, the registration form."""

from __future__ import annotations

import re

CSRF_RE = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')

VALID_FORM = {
    "first_name": "Ada",
    "last_name": "Lovelace",
    "email": "ada@example.org",
    "organisation": "Analytical Engines",
    "job_title": "Programmer",
    "country": "BE",
    "consent_privacy": "y",
    "timezone": "America/New_York",
}


def csrf_token(html: str | bytes) -> str:
    """Return the CSRF token of the first form in a page."""
    if isinstance(html, bytes):
        html = html.decode()
    match = CSRF_RE.search(html)
    assert match, "the page has no form with a CSRF token"
    return match.group(1)


def hidden_value(html: str, name: str) -> str:
    """Return the value of a page's hidden field ("" when it has none)."""
    match = re.search(rf'id="{name}" name="{name}" type="hidden" value="([^"]*)"', html)
    return match.group(1).replace("&amp;", "&") if match else ""


def register_through_form(client, slug: str, query: str = "", **changes):
    """Open the form, fill it with valid values changed by `changes`, and send it."""
    page = client.get(f"/events/{slug}/register{query}")
    form = dict(VALID_FORM, csrf_token=csrf_token(page.data))
    # Keep the hidden fields the page filled in (utm, referrer) like a browser does.
    for name in ("utm_source", "utm_medium", "utm_campaign", "referrer"):
        form[name] = hidden_value(page.data.decode(), name)
    for name, value in changes.items():
        if value is None:
            form.pop(name, None)
        else:
            form[name] = value
    return client.post(f"/events/{slug}/register", data=form)
