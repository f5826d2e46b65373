"""The speakers page of an event: add, edit, remove, reorder."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from .. import bp
from ..forms import SpeakerForm
from ..queries.access import Permission, get_event_or_404, get_speaker_or_404
from ..services.speakers import add_speaker, remove_speaker, shift_speaker, update_speaker


@bp.route("/events/<int:event_id>/speakers", methods=["GET", "POST"])
def speakers(event_id: int):
    """List an event's speakers and add one."""
    event = get_event_or_404(current_user, event_id, Permission.EDIT)
    form = SpeakerForm()
    if form.validate_on_submit():
        speaker = add_speaker(event, form.name.data, form.role.data, form.organisation.data)
        flash(_("%(name)s is added.", name=speaker.name), "success")
        return redirect(url_for("organiser.speakers", event_id=event.id))
    return render_template("organiser/speakers.html", event=event, form=form)


@bp.route("/events/<int:event_id>/speakers/<int:speaker_id>/edit", methods=["GET", "POST"])
def edit_speaker(event_id: int, speaker_id: int):
    """Edit a speaker's name, role and organisation."""
    event = get_event_or_404(current_user, event_id, Permission.EDIT)
    speaker = get_speaker_or_404(event, speaker_id)
    form = SpeakerForm(obj=speaker)
    if form.validate_on_submit():
        update_speaker(speaker, form.name.data, form.role.data, form.organisation.data)
        flash(_("The speaker is saved."), "success")
        return redirect(url_for("organiser.speakers", event_id=event.id))
    return render_template("organiser/speaker_form.html", event=event, speaker=speaker, form=form)


@bp.post("/events/<int:event_id>/speakers/<int:speaker_id>/delete")
def delete_speaker(event_id: int, speaker_id: int):
    """Remove a speaker from an event."""
    event = get_event_or_404(current_user, event_id, Permission.EDIT)
    speaker = get_speaker_or_404(event, speaker_id)
    remove_speaker(event, speaker)
    flash(_("%(name)s is removed.", name=speaker.name), "success")
    return redirect(url_for("organiser.speakers", event_id=event.id))


@bp.post("/events/<int:event_id>/speakers/<int:speaker_id>/move")
def move_speaker(event_id: int, speaker_id: int):
    """Move a speaker one place up or down the list."""
    event = get_event_or_404(current_user, event_id, Permission.EDIT)
    speaker = get_speaker_or_404(event, speaker_id)
    shift_speaker(event, speaker, up=request.form.get("direction") == "up")
    return redirect(url_for("organiser.speakers", event_id=event.id))
