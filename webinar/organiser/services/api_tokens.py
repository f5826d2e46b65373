"""An organiser's API tokens: made (shown once, stored as a hash), revoked."""

from __future__ import annotations

import secrets

from flask_babel import gettext as _

from ... import audit
from ...extensions import db
from ...models import ApiToken, AuditAction, Event, Organiser, Scope, utcnow
from ...text import CONTROL_CHARACTERS
from ..queries.access import managed_by

NAME_LENGTH = 100


class TokenError(ValueError):
    """A token that cannot be made or revoked; the message says why."""


def create_token(
    organiser: Organiser,
    name: str,
    scopes: set[str],
    event_ids: list[int] = (),
) -> tuple[ApiToken, str]:
    """Make a token for the organiser; commit; return it and its secret, shown only now."""
    name = (name or "").strip()
    if not name or len(name) > NAME_LENGTH or CONTROL_CHARACTERS.search(name):
        raise TokenError(
            _("Please give the token a name of one line, up to %(length)s characters.",
              length=NAME_LENGTH)
        )
    try:
        chosen = {Scope(scope) for scope in scopes}
    except ValueError as error:
        raise TokenError(_("A token's scopes are read and write.")) from error
    if not chosen:
        raise TokenError(_("Please choose what the token may do: read, write or both."))
    events = []
    if event_ids:
        events = db.session.scalars(
            db.select(Event).where(Event.id.in_(event_ids), managed_by(organiser))
        ).all()
        if len(events) != len(set(event_ids)):
            raise TokenError(_("A token can only be limited to talks you work on."))
    from ...api.auth import TOKEN_PREFIX, hash_token

    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        organiser=organiser,
        name=name,
        token_hash=hash_token(secret),
        prefix=secret[: len(TOKEN_PREFIX) + 6],
        scopes=" ".join(scope for scope in Scope if scope in chosen),
        created_at=utcnow(),
        events=list(events),
        limited=bool(events),
    )
    db.session.add(token)
    db.session.flush()
    limited = f", limited to talks {', '.join(str(e.id) for e in events)}" if events else ""
    audit.record(
        AuditAction.API_TOKEN_CREATED,
        details=f"token {token.id} “{name}” ({token.scopes}{limited}) for {organiser.email}",
    )
    db.session.commit()
    return token, secret


def revoke_token(organiser: Organiser, token_id: int) -> ApiToken:
    """Revoke one of the organiser's tokens; it stops working at once; commit."""
    token = db.session.execute(
        db.select(ApiToken).where(ApiToken.id == token_id, ApiToken.organiser_id == organiser.id)
    ).scalar_one_or_none()
    if token is None:
        raise TokenError(_("There is no such token of yours."))
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        audit.record(AuditAction.API_TOKEN_REVOKED, details=f"token {token.id} “{token.name}”")
        db.session.commit()
    return token

