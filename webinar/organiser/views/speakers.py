"""The speakers of an event: add, edit, remove, reorder."""

from flask import flash, redirect, render_template, request, url_for

from ...extensions import db
from ...models import Event, Speaker
from .. import bp
from ..forms import SpeakerForm
from ..queries.access import get_managed_event_or_404


def get_speaker_or_404(event: Event, speaker_id: int) -> Speaker:
    """Return a speaker of this event, or answer 404."""
    return db.one_or_404(
        db.select(Speaker).where(Speaker.id == speaker_id, Speaker.event_id == event.id)
    )


def renumber(event: Event) -> list[Speaker]:
    """Give the event's speakers positions 0, 1, 2, ... in their current order."""
    speakers = sorted(event.speakers, key=lambda speaker: (speaker.position, speaker.id))
    for position, speaker in enumerate(speakers):
        speaker.position = position
    return speakers


def _fill(speaker: Speaker, form: SpeakerForm) -> None:
    speaker.name = form.name.data.strip()
    speaker.role = (form.role.data or "").strip()
    speaker.organisation = (form.organisation.data or "").strip()


@bp.route("/events/<int:event_id>/speakers", methods=["GET", "POST"])
def speakers(event_id: int):
    """List an event's speakers and add one."""
    event = get_managed_event_or_404(event_id)
    form = SpeakerForm()
    if form.validate_on_submit():
        speaker = Speaker(position=len(renumber(event)))
        _fill(speaker, form)
        event.speakers.append(speaker)
        db.session.commit()
        flash(f"{speaker.name} is added.", "success")
        return redirect(url_for("organiser.speakers", event_id=event.id))
    return render_template("organiser/speakers.html", event=event, form=form)


@bp.route("/events/<int:event_id>/speakers/<int:speaker_id>/edit", methods=["GET", "POST"])
def edit_speaker(event_id: int, speaker_id: int):
    """Edit a speaker's name, role and organisation."""
    event = get_managed_event_or_404(event_id)
    speaker = get_speaker_or_404(event, speaker_id)
    form = SpeakerForm(obj=speaker)
    if form.validate_on_submit():
        _fill(speaker, form)
        db.session.commit()
        flash("The speaker is saved.", "success")
        return redirect(url_for("organiser.speakers", event_id=event.id))
    return render_template("organiser/speaker_form.html", event=event, speaker=speaker, form=form)


@bp.post("/events/<int:event_id>/speakers/<int:speaker_id>/delete")
def delete_speaker(event_id: int, speaker_id: int):
    """Remove a speaker from an event."""
    event = get_managed_event_or_404(event_id)
    speaker = get_speaker_or_404(event, speaker_id)
    event.speakers.remove(speaker)
    renumber(event)
    db.session.commit()
    flash(f"{speaker.name} is removed.", "success")
    return redirect(url_for("organiser.speakers", event_id=event.id))


@bp.post("/events/<int:event_id>/speakers/<int:speaker_id>/move")
def move_speaker(event_id: int, speaker_id: int):
    """Move a speaker one place up or down the list."""
    event = get_managed_event_or_404(event_id)
    speaker = get_speaker_or_404(event, speaker_id)
    speakers = renumber(event)
    step = -1 if request.form.get("direction") == "up" else 1
    other = speaker.position + step
    if 0 <= other < len(speakers):
        speakers[other].position, speaker.position = speaker.position, other
    db.session.commit()
    return redirect(url_for("organiser.speakers", event_id=event.id))
