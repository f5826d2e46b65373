"""Invitations: an administrator invites a person by email; the link creates their account.

The link carries a random token; the database keeps its SHA-256 only (as for
password reset links). A link works once, until it expires
(INVITATION_DAYS) or is revoked; a resend gives the invitation a new token,
so the old link stops working. An address has at most one open invitation,
and none once it has an account: the inviter is told so, nobody else.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from enum import StrEnum

import sqlalchemy as sa
from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from ... import audit
from ...calendar import public_url
from ...extensions import db
from ...models import AuditAction, Invitation, Organiser, utcnow
from ...notifications import enqueue_invitation
from ...text import normalise_email
from .accounts import AccountError, check_password_rule, find_organiser, hash_password
from .password_reset import ResetLinkError, hash_token


class InvitationError(AccountError):
    """An invitation that cannot be sent, resent or revoked; the message says why."""


class AlreadyInvited(InvitationError):
    """The address has an open invitation already: `invitation` is the one to resend."""

    def __init__(self, invitation: Invitation) -> None:
        super().__init__(
            f"{invitation.email} has an invitation already: resend it rather than invite again."
        )
        self.invitation = invitation


class LinkState(StrEnum):
    """What an invitation link is worth now."""

    VALID = "valid"
    UNKNOWN = "unknown"
    USED = "used"
    REVOKED = "revoked"
    EXPIRED = "expired"
    # The address got an account another way (the command line) since the invitation.
    HAS_ACCOUNT = "has_account"


class InvitationLinkError(ResetLinkError):
    """The invitation link cannot be used (any more); `state` (this module's LinkState) says why."""


def open_invitation_for(email: str) -> Invitation | None:
    """Return the open (not accepted, not revoked) invitation of an address, if any."""
    return db.session.scalar(
        sa.select(Invitation).where(
            Invitation.email == normalise_email(email),
            Invitation.accepted_at.is_(None),
            Invitation.revoked_at.is_(None),
        )
    )


def _send(invitation: Invitation, inviter: Organiser) -> None:
    """Give the invitation a new token and expiry and enqueue its email; the caller commits."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    invitation.token_hash = hash_token(token)
    invitation.sent_at = now
    invitation.expires_at = now + timedelta(days=current_app.config["INVITATION_DAYS"])
    url = public_url("organiser.accept_invitation", invitation_token=token)
    invitation.email_row = enqueue_invitation(invitation, url, inviter.name)


def invite(email: str, name: str, inviter: Organiser) -> Invitation:
    """Invite an address to create an organiser account and email the link; commit.

    Raise InvitationError when the address is not valid or has an account,
    AlreadyInvited when it has an open invitation.
    """
    try:
        email = normalise_email(
            validate_email(email.strip(), check_deliverability=False).normalized
        )
    except EmailNotValidError as error:
        # The validator's reason is in English: the page says what it expects instead.
        raise InvitationError(_("Enter an email address such as name@example.org.")) from error
    existing = find_organiser(email)
    if existing is not None:
        # Deactivated accounts are listed too: reactivating is the way back, not a second account.
        raise InvitationError(
            _("%(email)s already has an account.", email=email) if existing.is_active
            else _("%(email)s already has an account (deactivated: you can reactivate it below).",
                   email=email)
        )  # fmt: skip
    pending = open_invitation_for(email)
    if pending is not None:
        raise AlreadyInvited(pending)
    invitation = Invitation(email=email, name=name.strip(), invited_by_id=inviter.id)
    _send(invitation, inviter)
    db.session.add(invitation)
    audit.record(AuditAction.INVITATION_SENT, actor=inviter, details=email)
    try:
        db.session.commit()
    except IntegrityError:
        # Another request invited the same address at the same moment: its row stands.
        db.session.rollback()
        raise AlreadyInvited(open_invitation_for(email)) from None
    return invitation


def _check_open(invitation: Invitation) -> None:
    if not invitation.is_open:
        raise InvitationError(
            _("The invitation of %(email)s was accepted already.", email=invitation.email)
            if invitation.accepted_at is not None
            else _("The invitation of %(email)s was revoked already.", email=invitation.email)
        )


def resend(invitation: Invitation, inviter: Organiser) -> Invitation:
    """Send an open invitation again with a new link (the old one stops working); commit."""
    _check_open(invitation)
    if find_organiser(invitation.email) is not None:
        raise InvitationError(_("%(email)s already has an account.", email=invitation.email))
    _send(invitation, inviter)
    audit.record(AuditAction.INVITATION_RESENT, actor=inviter, details=invitation.email)
    db.session.commit()
    return invitation


def revoke(invitation: Invitation, inviter: Organiser) -> Invitation:
    """Revoke an open invitation: its link stops working; commit."""
    _check_open(invitation)
    invitation.revoked_at = utcnow()
    audit.record(AuditAction.INVITATION_REVOKED, actor=inviter, details=invitation.email)
    db.session.commit()
    return invitation


def _find(token: str) -> Invitation | None:
    return db.session.scalar(
        sa.select(Invitation).where(Invitation.token_hash == hash_token(token))
    )


def link_state(token: str) -> LinkState:
    """Tell whether an invitation link can still be used, and if not, why."""
    found = _find(token)
    if found is None:
        return LinkState.UNKNOWN
    if found.accepted_at is not None:
        return LinkState.USED
    if found.revoked_at is not None:
        return LinkState.REVOKED
    if found.expires_at <= utcnow():
        return LinkState.EXPIRED
    if find_organiser(found.email) is not None:
        return LinkState.HAS_ACCOUNT
    return LinkState.VALID


def invitation_of(token: str) -> Invitation:
    """Return the invitation a usable link belongs to; raise InvitationLinkError otherwise."""
    state = link_state(token)
    if state is not LinkState.VALID:
        raise InvitationLinkError(state)
    return _find(token)


def accept(token: str, name: str, password: str) -> Organiser:
    """Create the invited person's account through the link, once; commit and return it.

    Raise AccountError for a name or password the rules refuse (the link
    stays valid) and InvitationLinkError for a link that cannot be used.
    Marking the invitation accepted is a conditional UPDATE, so of two
    concurrent uses one wins.
    """
    invitation = invitation_of(token)
    email, invitation_id, inviter = invitation.email, invitation.id, invitation.invited_by
    inviter_email = inviter.email if inviter is not None else "an administrator since removed"
    name = name.strip()
    # End the read before the slow hash: on SQLite it holds the write lock.
    db.session.commit()
    if not name:
        raise AccountError(_("Enter your name."))
    check_password_rule(password, email, name)
    password_hash = hash_password(password)
    now = utcnow()
    claimed = db.session.execute(
        sa.update(Invitation)
        .where(
            Invitation.id == invitation_id,
            Invitation.token_hash == hash_token(token),
            Invitation.accepted_at.is_(None),
            Invitation.revoked_at.is_(None),
            Invitation.expires_at > now,
        )
        .values(accepted_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    if not claimed:
        db.session.rollback()
        raise InvitationLinkError(link_state(token))
    organiser = Organiser(email=email, name=name, password_hash=password_hash)
    db.session.add(organiser)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise InvitationLinkError(LinkState.HAS_ACCOUNT) from None
    audit.record(
        AuditAction.INVITATION_ACCEPTED, actor=organiser, details=f"invited by {inviter_email}"
    )
    db.session.commit()
    return organiser


def delete_closed_invitations(now: datetime) -> int:
    """Delete invitations accepted, revoked or expired INVITATION_DAYS ago; return how many.

    Their address is personal data of someone who may never have had an
    account; an expired one stays that long on the Organisers page, to be
    resent. The caller commits.
    """
    before = now - timedelta(days=current_app.config["INVITATION_DAYS"])
    return db.session.execute(
        sa.delete(Invitation).where(
            sa.or_(
                Invitation.accepted_at <= before,
                Invitation.revoked_at <= before,
                Invitation.expires_at <= before,
            )
        )
    ).rowcount
