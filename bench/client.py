"""Two ways to talk to the app with one interface: over HTTP, and in-process.

Both keep cookies, never follow redirects by themselves, and return
(status, location, text). The organiser sign-in walks the real login form
with either of them.
"""

from __future__ import annotations

import http.cookiejar
import urllib.error
import urllib.request
from urllib.parse import urlsplit

from werkzeug.datastructures import MultiDict

from . import forms
from .load import USER_AGENT


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class LiveClient:
    """A client of a running server on the loopback interface."""

    def __init__(self, base_url: str):
        self.base_url = base_url
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect()
        )

    def request(self, method: str, path: str, pairs=None, headers=None) -> tuple[int, str, str]:
        data = forms.encode(pairs).encode() if pairs is not None else None
        request = urllib.request.Request(
            self.base_url + _path(path),
            data=data,
            method=method,
            headers={"User-Agent": USER_AGENT, **(headers or {})},
        )
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, response.headers.get("Location", ""), _text(response)
        except urllib.error.HTTPError as error:
            return error.code, error.headers.get("Location", ""), _text(error)

    def cookie_header(self) -> str:
        """Return the Cookie header this client would send."""
        return "; ".join(f"{cookie.name}={cookie.value}" for cookie in self.jar)


class AppClient:
    """A Flask test client: the app runs in this process, where memory can be traced."""

    def __init__(self, app):
        self.client = app.test_client()
        self.client.environ_base["HTTP_USER_AGENT"] = USER_AGENT

    def request(self, method: str, path: str, pairs=None) -> tuple[int, str, str]:
        data = MultiDict(pairs) if pairs is not None else None
        response = self.client.open(_path(path), method=method, data=data)
        try:
            return response.status_code, response.headers.get("Location", ""), response.text
        finally:
            response.close()


def _path(url: str) -> str:
    """Return the path and query of a URL (or the path itself)."""
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _text(response) -> str:
    return response.read().decode("utf-8", errors="replace")


def sign_in(client, protected_path: str, email: str, password: str) -> str | None:
    """Sign in through the login form the protected page sends to; return why not, or None."""
    status, location, _ = client.request("GET", protected_path)
    if status == 404:
        return f"{protected_path} answers 404 (not built yet)"
    if status == 200:
        return None
    if status not in (301, 302, 303, 307, 308) or not location:
        return f"{protected_path} answers {status} without a redirect to a sign-in page"
    status, _, html = client.request("GET", location)
    candidates = [
        form for form in forms.post_forms(html, _path(location)) if form.field_of_type("password")
    ]
    if status != 200 or not candidates:
        return f"no sign-in form at {_path(location)} (status {status})"
    form = candidates[0]
    values = {form.field_of_type("password"): password}
    if not form.field_of_type("email"):
        values[form.field_of_type("text")] = email
    status, _, html = client.request("POST", form.action, forms.fill(form, email, values))
    if status not in (200, 302, 303):
        return f"signing in answered {status}"
    status, _, _ = client.request("GET", protected_path)
    if status != 200:
        return f"{protected_path} answers {status} after signing in"
    return None
