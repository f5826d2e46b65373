"""Writing the audit log: one entry per organiser action, in the transaction of the action.

The caller commits: the action and its entry are stored together or not at
all. Details are short and never hold an attendee's name or address; an
action on one person names the registration by its id.
"""

from __future__ import annotations

from flask import has_request_context
from flask_login import current_user

from .extensions import db
from .models import AuditAction, AuditEntry, Event, Organiser, utcnow
from .models.audit import DETAILS_LENGTH

# The actor when none is given: whoever is signed in to the request.
SIGNED_IN = object()


def record(
    action: AuditAction,
    *,
    event: Event | None = None,
    registration_id: int | None = None,
    details: str = "",
    actor: Organiser | None | object = SIGNED_IN,
) -> AuditEntry:
    """Add an entry to the log in the caller's transaction and return it."""
    if actor is SIGNED_IN:
        actor = _signed_in_organiser()
    entry = AuditEntry(
        at=utcnow(),
        actor_id=actor.id if actor is not None else None,
        actor_email=actor.email if actor is not None else "",
        action=action,
        event=event,
        registration_id=registration_id,
        details=details[:DETAILS_LENGTH],
    )
    db.session.add(entry)
    return entry


def record_sign_in(organiser_id: int, signed_in: bool, details: str = "") -> None:
    """Add a sign-in, or a refused one (the account is locked), to the caller's transaction."""
    organiser = db.session.get(Organiser, organiser_id)
    if signed_in:
        record(AuditAction.SIGN_IN, actor=organiser, details=details)
    else:
        record(AuditAction.SIGN_IN_FAILED, actor=organiser, details="account locked")


def _signed_in_organiser() -> Organiser | None:
    # Outside a request (the command line, the worker) nobody is signed in.
    if has_request_context() and current_user.is_authenticated:
        return current_user
    return None
