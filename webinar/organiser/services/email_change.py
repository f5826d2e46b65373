"""Changing an organiser's sign-in email: a link sent to the new address confirms it.

The organiser asks with their current password; the new address gets a
single-use link, valid EMAIL_CHANGE_HOURS, whose token is stored only as a
SHA-256. Following the link is enough to make the change, signed in or
not: it proves control of the new mailbox, as the password proved the
account. The old address is then told. At most one change is pending per
account: a newer request or a cancel ends it.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

import sqlalchemy as sa
from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from ... import audit
from ...calendar import public_url
from ...extensions import db
from ...languages import lazy_gettext as _l
from ...models import AuditAction, EmailChange, Organiser, utcnow
from ...notifications.accounts import enqueue_email_change, enqueue_email_changed
from ...text import normalise_email
from .accounts import AccountError, check_current_password, find_organiser
from .password_reset import (
    LinkState,
    claim_link,
    hash_token,
    link_state,
    links_within_the_hour,
    void_reset_links,
)

# Links one account may ask for within an hour: each is an email to an address of their choice.
LINKS_PER_HOUR = 3
TAKEN = _l("Another organiser account signs in with this address: choose another one.")


class EmailLinkError(ValueError):
    """The link cannot be used (any more); `state` says why."""

    def __init__(self, state: LinkState) -> None:
        super().__init__(state.value)
        self.state = state


def _pending(organiser_id: int, now):
    return sa.and_(
        EmailChange.organiser_id == organiser_id,
        EmailChange.used_at.is_(None),
        EmailChange.expires_at > now,
    )


def pending_change(organiser: Organiser) -> EmailChange | None:
    """Return the change of address waiting for its link to be followed, if any."""
    return db.session.scalar(
        sa.select(EmailChange).where(_pending(organiser.id, utcnow())).limit(1)
    )


def _end_pending(organiser_id: int, now) -> int:
    # The row stays, so the hourly count still sees it; the purge deletes it later.
    return db.session.execute(
        sa.update(EmailChange)
        .where(_pending(organiser_id, now))
        .values(expires_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount


def request_change(organiser: Organiser, new_email: str, password: str) -> str:
    """Send a link confirming a new sign-in address to it, given the password; commit.

    Return the new address as it will be stored. Raise AccountError (or its
    PasswordNotAccepted) for what cannot be done.
    """
    check_current_password(organiser, password)
    try:
        address = normalise_email(validate_email(new_email, check_deliverability=False).normalized)
    except EmailNotValidError as error:
        raise AccountError(_("Enter an email address such as name@example.org.")) from error
    if address == organiser.email:
        raise AccountError(_("This is already your sign-in email."))
    if find_organiser(address) is not None:
        raise AccountError(TAKEN)
    now = utcnow()
    if links_within_the_hour(organiser.id, now, EmailChange) >= LINKS_PER_HOUR:
        raise AccountError(
            _(
                "You asked for %(links_per_hour)s links within the hour: please wait a while "
                "before asking for another one.",
                links_per_hour=LINKS_PER_HOUR
            )
        )
    _end_pending(organiser.id, now)
    token = secrets.token_urlsafe(32)
    hours = current_app.config["EMAIL_CHANGE_HOURS"]
    db.session.add(
        EmailChange(
            organiser_id=organiser.id,
            new_email=address,
            token_hash=hash_token(token),
            created_at=now,
            expires_at=now + timedelta(hours=hours),
        )
    )
    link = public_url("organiser.confirm_email", email_token=token)
    enqueue_email_change(organiser, address, link)
    audit.record(AuditAction.EMAIL_CHANGE_REQUESTED, actor=organiser, details=f"to {address}")
    db.session.commit()
    return address


def cancel_change(organiser: Organiser) -> None:
    """End the pending change of address, so its link stops working; commit."""
    if not _end_pending(organiser.id, utcnow()):
        db.session.rollback()
        raise AccountError(_("No change of your email is waiting."))
    audit.record(AuditAction.EMAIL_CHANGE_CANCELLED, actor=organiser)
    db.session.commit()


def link_change(token: str) -> EmailChange:
    """Return the change a valid link confirms; raise EmailLinkError otherwise."""
    state = link_state(token, EmailChange)
    if state is not LinkState.VALID:
        raise EmailLinkError(state)
    return db.session.scalar(
        sa.select(EmailChange).where(EmailChange.token_hash == hash_token(token))
    )


def confirm_change(token: str) -> Organiser:
    """Give the account the new address of a valid link, once; tell the old address; commit.

    Raise EmailLinkError for a link that cannot be used, and AccountError when
    another account took the address meanwhile or the account is deactivated
    (the link then stays unused).
    """
    change = link_change(token)
    organiser = db.session.get(Organiser, change.organiser_id)
    old_email, new_email = organiser.email, change.new_email
    if not organiser.is_active:
        db.session.rollback()
        raise AccountError(_("This account is deactivated: an administrator can reactivate it."))
    if find_organiser(new_email) is not None:
        db.session.rollback()
        raise AccountError(TAKEN)
    now = utcnow()
    if not claim_link(token, now, EmailChange):
        db.session.rollback()
        raise EmailLinkError(link_state(token, EmailChange))
    organiser.email = new_email
    # Reset links went to the old address, which may be the reason for the change.
    void_reset_links(organiser.id, now)
    enqueue_email_changed(organiser, old_email)
    audit.record(AuditAction.EMAIL_CHANGED, actor=organiser, details=f"{old_email} -> {new_email}")
    try:
        db.session.commit()
    except IntegrityError:
        # Another account took the address between the check and now.
        db.session.rollback()
        raise AccountError(TAKEN) from None
    return organiser
