"""Emails about an organiser's own account: a password reset link, a changed password.

They go to the organiser's address, belong to no registration and are
rendered from templates/email/<kind>.txt and .html like every other email,
then added to the caller's transaction.
"""

from __future__ import annotations

from flask import current_app, render_template

from ..calendar import public_url
from ..extensions import db
from ..models import Organiser, OutboxEmail, OutboxStatus, utcnow
from ..text import one_line
from .caps import canonical_mailbox

SUBJECTS = {
    "password_reset": "Choose a new password for {site}",
    "password_changed": "Your password for {site} was changed",
}


def account_email(kind: str, organiser: Organiser, **context) -> OutboxEmail:
    """Render an email to an organiser and add it to the session; the caller commits."""
    config = current_app.config
    subject = one_line(SUBJECTS[kind].format(site=config["SITE_NAME"]))
    context = {
        "subject": subject,
        "organiser": organiser,
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
        recipient=organiser.email,
        mailbox=canonical_mailbox(organiser.email),
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


def enqueue_password_changed(organiser: Organiser) -> OutboxEmail:
    """Tell an organiser their password was changed, in case it was not them; caller commits."""
    return account_email("password_changed", organiser)
