"""The Organisers page: administrators see every account, invite people and manage accounts."""

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ...extensions import db, limiter
from ...models import Invitation, Organiser, utcnow
from .. import bp
from ..forms import InvitationForm
from ..queries.organisers import accounts, open_invitations
from ..services import administration, invitations
from ..services.accounts import AccountError
from . import try_and_flash


def require_admin() -> None:
    """Answer 403 to an organiser who is not an administrator, as the whole log does."""
    if not current_user.is_admin:
        abort(403)


def invitation_rate_limit() -> str:
    return current_app.config["INVITATION_RATE_LIMIT"]


# Inviting and resending share one count: both send an email to an address someone typed.
invitation_limit = limiter.shared_limit(invitation_rate_limit, scope="invitation")


def render_organisers(form: InvitationForm | None = None, already_invited=None, status=200):
    return render_template(
        "organiser/organisers.html",
        form=form or InvitationForm(),
        already_invited=already_invited,
        accounts=accounts(),
        invitations=open_invitations(),
        now=utcnow(),
    ), status


@bp.get("/organisers")
def organisers():
    """List every organiser account and the open invitations; administrators only."""
    require_admin()
    return render_organisers()


@bp.post("/organisers/invite")
@invitation_limit
def invite():
    """Invite a person by email to create an organiser account."""
    require_admin()
    form = InvitationForm()
    if not form.validate_on_submit():
        return render_organisers(form)
    try:
        invitation = invitations.invite(form.email.data, form.name.data or "", current_user)
    except invitations.AlreadyInvited as error:
        form.email.errors.append(str(error))
        return render_organisers(form, already_invited=error.invitation)
    except AccountError as error:
        form.email.errors.append(str(error))
        return render_organisers(form)
    flash(_("The invitation to %(email)s is in the outbox and goes out within a few minutes; "
            "whether it was sent shows below.", email=invitation.email), "success")  # fmt: skip
    return redirect(url_for("organiser.organisers"), 303)


def invitation_or_404(invitation_id: int) -> Invitation:
    require_admin()
    return db.get_or_404(Invitation, invitation_id)


@bp.post("/organisers/invitations/<int:invitation_id>/resend")
@invitation_limit
def resend_invitation(invitation_id: int):
    """Send an invitation again with a new link; the earlier link stops working."""
    invitation = invitation_or_404(invitation_id)
    try_and_flash(
        lambda target: invitations.resend(target, current_user), invitation,
        _("A new invitation to %(email)s is in the outbox; the earlier link no longer works.",
          email=invitation.email),
        AccountError,
    )  # fmt: skip
    return redirect(url_for("organiser.organisers"), 303)


@bp.post("/organisers/invitations/<int:invitation_id>/revoke")
def revoke_invitation(invitation_id: int):
    """Revoke an invitation: its link stops working."""
    invitation = invitation_or_404(invitation_id)
    try_and_flash(
        lambda target: invitations.revoke(target, current_user), invitation,
        _("The invitation to %(email)s is revoked: its link no longer works.",
          email=invitation.email),
        AccountError,
    )  # fmt: skip
    return redirect(url_for("organiser.organisers"), 303)


# Each change to an account: the service that makes it, and what the page then says.
ACCOUNT_ACTIONS = {
    "deactivate": (administration.deactivate,
                   "{name}'s account is deactivated and signed out everywhere."),
    "reactivate": (administration.reactivate, "{name}'s account is active again."),
    "make-admin": (administration.grant_admin, "{name} is now an administrator."),
    "remove-admin": (administration.remove_admin, "{name} is no longer an administrator."),
}  # fmt: skip


def change_account(organiser_id: int, action: str):
    """Do one of ACCOUNT_ACTIONS to an account, say how it went, and go back to the page."""
    require_admin()
    target = db.get_or_404(Organiser, organiser_id)
    change, success = ACCOUNT_ACTIONS[action]
    name = target.name
    try_and_flash(lambda account: change(account, current_user), target,
                  success.format(name=name), AccountError)  # fmt: skip
    return redirect(url_for("organiser.organisers"), 303)


@bp.post("/organisers/<int:organiser_id>/deactivate")
def deactivate_organiser(organiser_id: int):
    """Stop an account from signing in and end its sessions at once."""
    return change_account(organiser_id, "deactivate")


@bp.post("/organisers/<int:organiser_id>/reactivate")
def reactivate_organiser(organiser_id: int):
    """Let a deactivated account sign in again."""
    return change_account(organiser_id, "reactivate")


@bp.post("/organisers/<int:organiser_id>/make-admin")
def make_admin(organiser_id: int):
    """Make an organiser an administrator."""
    return change_account(organiser_id, "make-admin")


@bp.post("/organisers/<int:organiser_id>/remove-admin")
def remove_admin(organiser_id: int):
    """Make an administrator an ordinary organiser, unless they are the last one."""
    return change_account(organiser_id, "remove-admin")
