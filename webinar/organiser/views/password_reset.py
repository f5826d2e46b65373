"""Forgotten passwords: ask for a link by email, then choose a new password through it."""

from flask import current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from ...extensions import limiter
from ...languages import lazy_gettext as _l
from .. import bp
from ..forms import ForgotPasswordForm, NewPasswordForm
from ..services.accounts import AccountError
from ..services.password_reset import (
    LinkState,
    ResetLinkError,
    link_owner,
    request_reset,
    reset_password,
)
from . import UNKNOWN_LINK

# What a link that cannot be used says, and the status of its page.
LINK_PAGES = {
    LinkState.UNKNOWN: UNKNOWN_LINK,
    LinkState.USED: (
        _l("This link was already used"),
        _l("Each link to choose a new password works once."),
        410,
    ),
    LinkState.EXPIRED: (
        _l("This link has expired"),
        _l("A link to choose a new password works for a limited time."),
        410,
    ),
}


def password_reset_rate_limit() -> str:
    return current_app.config["PASSWORD_RESET_RATE_LIMIT"]


@bp.route("/forgot-password", methods=["GET", "POST"])
@limiter.limit(password_reset_rate_limit, methods=["POST"])
def forgot_password():
    """Ask for a link to choose a new password; the answer never tells whether an account exists."""
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        request_reset(form.email.data)
        return redirect(url_for("organiser.forgot_password_sent"), 303)
    return render_template("organiser/forgot_password.html", form=form)


@bp.get("/forgot-password/sent")
def forgot_password_sent():
    """Say that a link is on its way if the address has an account, and what to do if none comes."""
    return render_template("organiser/forgot_password_sent.html")


@bp.route("/reset-password/<reset_token>", methods=["GET", "POST"], endpoint="reset_password")
def reset_password_page(reset_token: str):
    """Choose a new password through the link of a reset email."""
    try:
        organiser = link_owner(reset_token)
    except ResetLinkError as error:
        return link_page(error.state)
    form = NewPasswordForm()
    if form.validate_on_submit():
        try:
            reset_password(reset_token, form.password.data)
        except AccountError as error:
            form.password.errors.append(str(error))
        except ResetLinkError as error:
            return link_page(error.state)
        else:
            flash(_("Your password is changed. Sign in with it."), "success")
            return redirect(url_for("organiser.login"))
    return render_template("organiser/reset_password.html", form=form, organiser=organiser)


def link_page(state: LinkState):
    """Answer a link that cannot be used with a page that says why and what to do."""
    heading, reason, status = LINK_PAGES[state]
    return render_template("organiser/reset_link.html", heading=heading, reason=reason), status
