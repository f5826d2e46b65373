"""Emails about organiser accounts: a password reset link, a changed password or email, an
invitation.

They go to the organiser's address (an invitation: to the invited person; the
link confirming a new address: to that address), belong to no registration
and are rendered from templates/email/<kind>.txt and .html like every other
email, then added to the caller's transaction.
"""

from __future__ import annotations

from flask import current_app, render_template

from ..calendar import public_url
from ..extensions import db
from ..languages import current_language
from ..languages import lazy_gettext as _l
from ..models import Invitation, Organiser, OutboxEmail, OutboxStatus, utcnow
from ..talk_languages import in_language
from ..text import one_line
from .caps import canonical_mailbox

SUBJECTS = {
    "password_reset": _l("Choose a new password for %(site)s"),
    "password_changed": _l("Your password for %(site)s was changed"),
    "invitation": _l("You are invited to organise talks on %(site)s"),
    "email_change": _l("Confirm your new email address for %(site)s"),
    "email_changed": _l("Your sign-in email for %(site)s was changed"),
    "webhook_disabled": _l("A webhook endpoint of yours on %(site)s was disabled"),
}


def account_email(kind: str, organiser: Organiser, **context) -> OutboxEmail:
    """Render an email to an organiser and add it to the session; the caller commits."""
    return email_to(kind, organiser.email, organiser=organiser, **context)


def email_to(kind: str, recipient: str, language: str | None = None, **context) -> OutboxEmail:
    """Render an account email to an address and add it to the session; the caller commits.

    The whole email is in one language: `language`, or else the organiser's
    own; an invitation, to someone without an account yet, in the language
    of the organiser who sends it (the request's).
    """
    organiser = context.get("organiser")
    language = language or (organiser.language if organiser else current_language())
    with in_language(language):
        return _email_to(kind, recipient, **context)


def _email_to(kind: str, recipient: str, **context) -> OutboxEmail:
    config = current_app.config
    subject = one_line(str(SUBJECTS[kind]) % {"site": config["SITE_NAME"]})
    context = {
        "subject": subject,
        "site_name": config["SITE_NAME"],
        "organiser_name": config["ORGANISER_NAME"],
        "login_url": public_url("organiser.login"),
        "forgot_url": public_url("organiser.forgot_password"),
        **context,
    }
    now = utcnow()
    email = OutboxEmail(
        kind=kind,
        registration_id=None,
        recipient=recipient,
        mailbox=canonical_mailbox(recipient),
        subject=subject,
        text_body=render_template(f"email/{kind}.txt", **context),
        html_body=render_template(f"email/{kind}.html", **context),
        status=OutboxStatus.PENDING,
        attempts=0,
        last_error="",
        next_attempt_at=now,
        created_at=now,
    )
    db.session.add(email)
    return email


def enqueue_password_reset(organiser: Organiser, reset_url: str) -> OutboxEmail:
    """Send an organiser the link that lets them choose a new password; the caller commits."""
    minutes = current_app.config["PASSWORD_RESET_MINUTES"]
    return account_email("password_reset", organiser, reset_url=reset_url, minutes=minutes)


def enqueue_password_changed(organiser: Organiser, kept_one: bool = False) -> OutboxEmail:
    """Tell an organiser their password was changed, in case it was not them; caller commits.

    kept_one: the browser that changed it stayed signed in (every other one was signed out).
    """
    return account_email("password_changed", organiser, kept_one=kept_one)


def enqueue_email_change(organiser: Organiser, new_email: str, confirm_url: str) -> OutboxEmail:
    """Send the link that confirms a new sign-in address to that address; the caller commits."""
    hours = current_app.config["EMAIL_CHANGE_HOURS"]
    return email_to("email_change", new_email, organiser=organiser, new_email=new_email,
                    confirm_url=confirm_url, hours=hours)  # fmt: skip


def enqueue_email_changed(organiser: Organiser, old_email: str) -> OutboxEmail:
    """Tell the old address that the account signs in with a new one now; the caller commits."""
    return email_to("email_changed", old_email, organiser=organiser, old_email=old_email)


def enqueue_invitation(invitation: Invitation, accept_url: str, invited_by: str) -> OutboxEmail:
    """Send a person the link that lets them create an organiser account; the caller commits."""
    return email_to(
        "invitation",
        invitation.email,
        invitation=invitation,
        accept_url=accept_url,
        invited_by=invited_by,
        days=current_app.config["INVITATION_DAYS"],
    )
