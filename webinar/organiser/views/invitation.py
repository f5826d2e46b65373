"""Accepting an invitation: the invited person chooses a name and a password, and is signed in."""

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ...languages import lazy_gettext as _l
from .. import bp
from ..forms import AcceptInvitationForm
from ..services.accounts import AccountError
from ..services.invitations import InvitationLinkError, LinkState, accept, invitation_of
from ..services.sessions import start_session

# What a link that cannot be used says, and the status of its page.
LINK_PAGES = {
    LinkState.UNKNOWN: (
        _l("This invitation link does not work"),
        _l("It may be incomplete: check that you copied all of it from the email. "
        "If it still does not work, ask an administrator for a new invitation."),
        404,
    ),
    LinkState.USED: (
        _l("This invitation was already used"),
        _l("Each invitation link creates one account, once. If the account is yours, sign in; "
        "otherwise ask an administrator for a new invitation."),
        410,
    ),
    LinkState.REVOKED: (
        _l("This invitation was withdrawn"),
        _l("An administrator revoked it. Ask an administrator for a new invitation if you "
        "still need an account."),
        410,
    ),
    LinkState.EXPIRED: (
        _l("This invitation has expired"),
        _l(
            "An invitation link works for a limited time. Ask an administrator for a new "
            "invitation."
        ),
        410,
    ),
    LinkState.HAS_ACCOUNT: (
        _l("There is already an account for this address"),
        _l("Sign in with it; if you forgot its password, choose a new one from the sign-in page."),
        410,
    ),
}


@bp.route("/invitation/<invitation_token>", methods=["GET", "POST"])
def accept_invitation(invitation_token: str):
    """Create an organiser account through the link of an invitation email."""
    try:
        invitation = invitation_of(invitation_token)
    except InvitationLinkError as error:
        return link_page(error.state)
    if current_user.is_authenticated:
        # The link makes a new account: not for whoever is signed in on this browser now.
        return render_template("organiser/invitation.html", invitation=invitation, form=None)
    form = AcceptInvitationForm(data={"name": invitation.name})
    if form.validate_on_submit():
        try:
            organiser = accept(invitation_token, form.name.data, form.password.data)
        except AccountError as error:
            form.password.errors.append(str(error))
        except InvitationLinkError as error:
            return link_page(error.state)
        else:
            start_session(organiser)
            welcome = _("Welcome, %(name)s: your organiser account is ready.", name=organiser.name)
            flash(welcome, "success")
            return redirect(url_for("organiser.dashboard"))
    return render_template("organiser/invitation.html", invitation=invitation, form=form)


def link_page(state: LinkState):
    """Answer a link that cannot be used with a page that says why and what to do."""
    heading, reason, status = LINK_PAGES[state]
    return render_template(
        "organiser/invitation_link.html", heading=heading, reason=reason
    ), status
