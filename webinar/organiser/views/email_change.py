"""The link that confirms a new sign-in email: it needs no sign-in, only the mailbox it went to."""

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ...languages import lazy_gettext as _l
from .. import bp
from ..forms import OrganiserForm
from ..services.accounts import AccountError
from ..services.email_change import EmailLinkError, confirm_change, link_change
from ..services.password_reset import LinkState
from . import UNKNOWN_LINK

# What a link that cannot be used says, and the status of its page.
LINK_PAGES = {
    LinkState.UNKNOWN: UNKNOWN_LINK,
    LinkState.USED: (
        _l("This link was already used"),
        _l("Each link to confirm a new email address works once."),
        410,
    ),
    LinkState.EXPIRED: (
        _l("This link no longer works"),
        _l("It expired, or the change was cancelled or replaced by a newer one."),
        410,
    ),
}


@bp.route("/confirm-email/<email_token>", methods=["GET", "POST"], endpoint="confirm_email")
def confirm_email_page(email_token: str):
    """Confirm a new sign-in address through the link emailed to it."""
    try:
        change = link_change(email_token)
    except EmailLinkError as error:
        return link_page(*LINK_PAGES[error.state])
    # A button, not the link alone: mail scanners open links, and must not use this one.
    form = OrganiserForm()
    if form.validate_on_submit():
        try:
            organiser = confirm_change(email_token)
        except EmailLinkError as error:
            return link_page(*LINK_PAGES[error.state])
        except AccountError as error:
            return link_page(_("Your email was not changed"), str(error), 409)
        flash(_("Your account now signs in with %(email)s.", email=organiser.email), "success")
        here = current_user.is_authenticated and current_user.id == organiser.id
        return redirect(url_for("organiser.account" if here else "organiser.login"))
    return render_template("organiser/confirm_email.html", form=form, change=change)


def link_page(heading: str, reason: str, status: int):
    """Answer a link that cannot be used with a page that says why and what to do."""
    return render_template("organiser/email_link.html", heading=heading, reason=reason), status
