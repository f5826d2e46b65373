"""A talk's team (who has which role), transferring its ownership, and deleting it."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ...forms import SiteForm
from ...models import Event
from .. import bp
from ..forms import AddMemberForm, TeamRoleForm, TransferForm
from ..queries.access import Permission, get_event_or_404
from ..queries.team import team_of
from ..services import talks, team
from ..services.talk_data import TalkError
from ..services.team import TeamError, now_role_message


def render_team(event: Event, form: AddMemberForm | None = None):
    """Show the team page, with the form to add someone."""
    return render_template(
        "organiser/team.html", event=event, members=team_of(event),
        form=form or AddMemberForm(), role_form=TeamRoleForm(),
    )  # fmt: skip


def back_to_team(event: Event):
    return redirect(url_for("organiser.team", event_id=event.id), 303)


@bp.route("/events/<int:event_id>/team", methods=["GET", "POST"], endpoint="team")
def team_page(event_id: int):
    """Show who works on a talk; its owner and administrators add people by email."""
    needed = Permission.MANAGE_TEAM if request.method == "POST" else Permission.SEE
    event = get_event_or_404(current_user, event_id, needed)
    form = AddMemberForm()
    if form.validate_on_submit():
        try:
            organiser, role = team.add_member(event, form.email.data, form.role.data)
        except TeamError as error:
            form.email.errors.append(str(error))
        else:
            flash(now_role_message(organiser.name, role), "success")
            return back_to_team(event)
    return render_team(event, form)


@bp.post("/events/<int:event_id>/team/<int:member_id>/role")
def change_role(event_id: int, member_id: int):
    """Give a member of the talk's team another role."""
    event = get_event_or_404(current_user, event_id, Permission.MANAGE_TEAM)
    form = TeamRoleForm()
    chosen = form.role.data if form.validate_on_submit() else ""  # "" is refused with a message
    try:
        organiser, role = team.change_role(event, member_id, chosen)
    except TeamError as error:
        flash(str(error), "warning")
    else:
        flash(now_role_message(organiser.name, role), "success")
    return back_to_team(event)


@bp.post("/events/<int:event_id>/team/<int:member_id>/remove")
def remove_member(event_id: int, member_id: int):
    """Take someone off the talk's team."""
    event = get_event_or_404(current_user, event_id, Permission.MANAGE_TEAM)
    try:
        organiser = team.remove_member(event, member_id)
    except TeamError as error:
        flash(str(error), "warning")
    else:
        flash(_("%(name)s is no longer on this talk's team.", name=organiser.name), "success")
    return back_to_team(event)


@bp.route("/events/<int:event_id>/transfer", methods=["GET", "POST"])
def transfer_ownership(event_id: int):
    """Make another organiser the talk's owner, after a page that says what changes."""
    event = get_event_or_404(current_user, event_id, Permission.MANAGE_TEAM)
    form = TransferForm()
    if form.validate_on_submit():
        try:
            new_owner = team.transfer_ownership(event, form.email.data)
        except TeamError as error:
            form.email.errors.append(str(error))
        else:
            flash(_("%(name)s now owns this talk.", name=new_owner.name), "success")
            return back_to_team(event)
    return render_template("organiser/transfer.html", event=event, form=form)


@bp.route("/events/<int:event_id>/delete", methods=["GET", "POST"])
def delete_event(event_id: int):
    """Delete a talk nobody registered for, after a confirmation page."""
    event = get_event_or_404(current_user, event_id, Permission.DELETE)
    registered = talks.has_registrations(event)
    if request.method == "POST" and not registered and SiteForm().validate_on_submit():
        title = event.title
        try:
            talks.delete_talk(event)
        except TalkError as error:  # someone registered since the page was shown
            flash(str(error), "warning")
            return redirect(url_for("organiser.event", event_id=event_id))
        flash(_("“%(title)s” is deleted.", title=title), "success")
        return redirect(url_for("organiser.dashboard"), 303)
    return render_template("organiser/delete.html", event=event, registered=registered)
