"""Forgotten passwords: a single-use link, valid for a short time, stored only as a hash.

Asking for a link answers the same whether or not the address has an
account (the page says nothing either way); only an existing account gets
an email. The link carries a random token; the database keeps its SHA-256,
so a copy of the database opens no account. Using the link sets the new
password, lifts a lockout, ends every session of the account, voids its
other links and sends a notice, all in one transaction.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from enum import StrEnum

import sqlalchemy as sa
from flask import current_app

from ... import audit
from ...calendar import public_url
from ...extensions import db
from ...models import AuditAction, Organiser, PasswordResetToken, utcnow
from ...notifications import enqueue_password_changed, enqueue_password_reset
from .accounts import check_password_rule, find_organiser, set_password

# Links sent to one account per hour at most, whatever the number of clients asking:
# a stranger can type anyone's address into the form.
LINKS_PER_HOUR = 3


class LinkState(StrEnum):
    """What a reset link is worth now."""

    VALID = "valid"
    UNKNOWN = "unknown"
    USED = "used"
    EXPIRED = "expired"


class ResetLinkError(ValueError):
    """The link cannot be used (any more); `state` says why."""

    def __init__(self, state: LinkState) -> None:
        super().__init__(state.value)
        self.state = state


def hash_token(token: str) -> str:
    """Return the stored form of a link's token."""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


# A model of single-use links: organiser_id, token_hash, created_at, expires_at, used_at.
LinkModel = type[PasswordResetToken]


def links_within_the_hour(organiser_id: int, now: datetime,
                          model: LinkModel = PasswordResetToken) -> int:  # fmt: skip
    """Return how many links (reset links, or another model's) an account got in the last hour."""
    return db.session.scalar(
        sa.select(sa.func.count())
        .select_from(model)
        .where(model.organiser_id == organiser_id, model.created_at > now - timedelta(hours=1))
    )


def request_reset(email: str) -> None:
    """Email a reset link to the account with this address, if there is one; commit."""
    organiser = find_organiser(email)
    if organiser is None or not organiser.is_active:
        db.session.rollback()
        return
    now = utcnow()
    recent = links_within_the_hour(organiser.id, now)
    if recent >= LINKS_PER_HOUR:
        current_app.logger.info("Password reset link not sent: %d sent within the hour", recent)
        db.session.rollback()
        return
    token = secrets.token_urlsafe(32)
    minutes = current_app.config["PASSWORD_RESET_MINUTES"]
    db.session.add(
        PasswordResetToken(
            organiser_id=organiser.id,
            token_hash=hash_token(token),
            created_at=now,
            expires_at=now + timedelta(minutes=minutes),
        )
    )
    enqueue_password_reset(organiser, public_url("organiser.reset_password", reset_token=token))
    db.session.commit()


def _find(token: str, model: LinkModel = PasswordResetToken):
    return db.session.scalar(sa.select(model).where(model.token_hash == hash_token(token)))


def link_state(token: str, model: LinkModel = PasswordResetToken) -> LinkState:
    """Tell whether a link (a reset link, or another kind of model) can still be used, and why."""
    found = _find(token, model)
    if found is None:
        return LinkState.UNKNOWN
    if found.used_at is not None:
        return LinkState.USED
    if found.expires_at <= utcnow():
        return LinkState.EXPIRED
    return LinkState.VALID


def link_owner(token: str) -> Organiser:
    """Return the organiser a valid link belongs to; raise ResetLinkError otherwise."""
    state = link_state(token)
    if state is not LinkState.VALID:
        raise ResetLinkError(state)
    return db.session.get(Organiser, _find(token).organiser_id)


def reset_password(token: str, password: str) -> Organiser:
    """Set a new password through a link, once; commit and return the organiser.

    Raise AccountError for a password the rules refuse (the link stays
    valid) and ResetLinkError for a link that cannot be used. Marking the
    link used is a conditional UPDATE, so of two concurrent uses one wins.
    """
    organiser = link_owner(token)
    check_password_rule(password, organiser.email, organiser.name)
    now = utcnow()
    if not claim_link(token, now):
        db.session.rollback()
        raise ResetLinkError(link_state(token))
    # Other links sent to the account are void: the password they would replace is gone.
    void_reset_links(organiser.id, now)
    enqueue_password_changed(organiser)
    audit.record(AuditAction.PASSWORD_RESET, actor=organiser)
    # Lifts the lockout, ends every session of the account and commits it all.
    set_password(organiser, password)
    return organiser


def claim_link(token: str, now: datetime, model: LinkModel = PasswordResetToken) -> bool:
    """Mark a valid link used, in the caller's transaction; False when it is not (any more).

    A conditional UPDATE: of two concurrent uses of a link, one wins.
    """
    return bool(
        db.session.execute(
            sa.update(model)
            .where(model.token_hash == hash_token(token), model.used_at.is_(None),
                   model.expires_at > now)
            .values(used_at=now)
            .execution_options(synchronize_session=False)
        ).rowcount
    )  # fmt: skip


def void_reset_links(organiser_id: int, now: datetime) -> None:
    """Make the unused reset links of an account unusable; the caller commits."""
    db.session.execute(
        sa.update(PasswordResetToken)
        .where(
            PasswordResetToken.organiser_id == organiser_id,
            PasswordResetToken.used_at.is_(None),
        )
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )


def delete_expired_links(now: datetime, model: LinkModel = PasswordResetToken) -> int:
    """Delete the links that expired (used or not); return how many. The caller commits."""
    return db.session.execute(sa.delete(model).where(model.expires_at <= now)).rowcount
