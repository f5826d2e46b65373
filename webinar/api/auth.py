"""Who is calling the API: the bearer token, its scopes, its talks, its rate limit.

Only `Authorization: Bearer <token>` authenticates; a session cookie sent
along is ignored. The token acts for its organiser, with their roles on each
talk (webinar/organiser/queries/access.py), narrowed by the token's scopes
and, when it has some, its talks. Revoking the token or deactivating the
organiser ends it at the next request.
"""

from __future__ import annotations

import functools
import hashlib
import json
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app, g, request
from flask_babel import refresh
from flask_smorest import Blueprint
from sqlalchemy.orm import joinedload
from webargs.flaskparser import FlaskParser

from ..clients import client_address
from ..extensions import csrf, db, limiter
from ..models import ApiToken, Event, Organiser, Scope, utcnow
from ..organiser.queries.access import ALLOWED, Permission, managed_by, role_of
from .problems import refuse

# Tokens start with this, so a leaked one is recognisable (secret scanners, logs).
TOKEN_PREFIX = "wbn_"
# "Last used" is written at most this often per token: reads stay reads.
LAST_USED_EVERY = timedelta(minutes=1)
# Methods that only read.
READING = frozenset({"GET", "HEAD", "OPTIONS"})

FORBIDDEN_SCOPE = "This token may only read: create a token with the write scope to change data."
FORBIDDEN_ROLE = "Your role on this talk does not allow this; the talk's owner can change it."


def hash_token(token: str) -> str:
    """Return the stored form of a token: its SHA-256, in hex."""
    return hashlib.sha256(token.encode()).hexdigest()


def bearer_token() -> str | None:
    """Return the token of the Authorization header, or None."""
    scheme, _, value = request.headers.get("Authorization", "").partition(" ")
    value = value.strip()
    if scheme.lower() != "bearer" or not value.startswith(TOKEN_PREFIX):
        return None
    return value


def current_token() -> ApiToken | None:
    """Return the request's token when it is valid (not revoked, organiser active), else None."""
    if "api_token" not in g:
        g.api_token = _valid_token(bearer_token())
    return g.api_token


def _valid_token(token: str | None) -> ApiToken | None:
    if token is None or len(token) > 200:
        return None
    return db.session.execute(
        db.select(ApiToken)
        .join(Organiser, ApiToken.organiser_id == Organiser.id)
        .where(
            ApiToken.token_hash == hash_token(token),
            ApiToken.revoked_at.is_(None),
            Organiser.deactivated_at.is_(None),
        )
        .options(joinedload(ApiToken.organiser))
    ).scalar_one_or_none()


def authenticate() -> None:
    """Refuse a request without a valid token (401) or with too narrow a scope (403)."""
    token = current_token()
    if token is None:
        refuse(401)
    needed = Scope.READ if request.method in READING else Scope.WRITE
    if not token.allows(needed):
        refuse(403, FORBIDDEN_SCOPE if needed == Scope.WRITE else None)
    organiser = token.organiser
    # The organiser acts through the token: the audit log names them.
    g._login_user = organiser
    _note_use(token)


def _note_use(token: ApiToken) -> None:
    now = utcnow()
    if token.last_used_at is not None and now - token.last_used_at < LAST_USED_EVERY:
        return
    token_id = token.id
    # End the read first, so that on SQLite the UPDATE waits for the write lock
    # in a transaction of its own instead of failing to upgrade a read.
    db.session.commit()
    db.session.execute(
        sa.update(ApiToken)
        .where(ApiToken.id == token_id)
        .values(last_used_at=now)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()


def rate_limit_key() -> str:
    """Count requests per token; requests without a valid token count per client address."""
    token = current_token()
    return f"token:{token.id}" if token is not None else f"client:{client_address()}"


def api_rate_limit() -> str:
    return current_app.config["API_RATE_LIMIT"]


class BodyParser(FlaskParser):
    """webargs' parser, refusing JSON nested too deeply for Python's parser as invalid JSON."""

    def _raw_load_json(self, req):
        try:
            return super()._raw_load_json(req)
        except RecursionError as error:
            raise json.JSONDecodeError("nested too deeply", "", 0) from error


def in_english() -> None:
    """Answer in English whatever the client's Accept-Language: the API speaks one language."""
    g.page_languages, g.page_default_language = ("en",), "en"
    refresh()


def resource_blueprint(name: str, description: str) -> Blueprint:
    """Return a blueprint of API resources: token required, no CSRF, rate limited per token."""
    blueprint = Blueprint(name, __name__, description=description)
    blueprint.ARGUMENTS_PARSER = BodyParser()
    blueprint.before_request(in_english)
    blueprint.before_request(authenticate)
    csrf.exempt(blueprint)
    limiter.limit(api_rate_limit, key_func=rate_limit_key)(blueprint)
    return blueprint


def visible_talks() -> sa.ColumnElement[bool]:
    """Return the SQL condition on Event of the talks this token may see."""
    token = current_token()
    condition = managed_by(token.organiser)
    if token.limited:
        condition = condition & Event.id.in_([event.id for event in token.events])
    return condition


def get_talk_or_404(talk_id: int, permission: Permission = Permission.SEE) -> Event:
    """Return the talk if this token may do this to it; 404 if it may not see it at all."""
    token = current_token()
    event = db.session.get(Event, talk_id)
    if event is None or (token.limited and event not in token.events):
        refuse(404)
    role = role_of(token.organiser, event)
    if role is None:
        refuse(404)
    if permission not in ALLOWED[role]:
        refuse(403, FORBIDDEN_ROLE)
    return event


def talk_checked(permission: Permission):
    """Check the token may do this to the talk of the URL before the body is read."""

    def decorate(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            get_talk_or_404(kwargs["talk_id"], permission)
            return view(*args, **kwargs)

        return wrapper

    return decorate
