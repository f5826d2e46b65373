"""The session cookie, as Flask signs it, without rebuilding its signer on every request."""

from __future__ import annotations

from flask import Flask
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import URLSafeTimedSerializer


class SessionCookies(SecureCookieSessionInterface):
    """Flask's signed cookie session, with one signer kept per set of secret keys.

    Flask builds a new serializer for each request, and building one
    serializes a sample value: a tenth of a cached page's time. The signer
    holds no state of a request, so one serves every request; a changed
    SECRET_KEY or SECRET_KEY_FALLBACKS gets a signer of its own.
    """

    def __init__(self) -> None:
        self._signers: dict[tuple, URLSafeTimedSerializer | None] = {}

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        keys = (app.secret_key, *(app.config["SECRET_KEY_FALLBACKS"] or ()))
        signer = self._signers.get(keys)
        if signer is None:
            signer = self._signers[keys] = super().get_signing_serializer(app)
        return signer


def init_app(app: Flask) -> None:
    """Give the app the session cookie with its signer kept."""
    app.session_interface = SessionCookies()
