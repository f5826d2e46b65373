"""Pages for creating and editing talks, and moving them between draft, published and cancelled."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from ...markup import render_markdown
from ...models import Event
from .. import bp
from ..forms import EventForm, copied_form_data, event_form_data, talk_data
from ..queries.access import Permission, get_event_or_404
from ..queries.figures import event_figures, figures_for
from ..queries.talks import topic_choices
from ..queries.team import team_of
from ..services import talks
from ..services.talk_data import TalkError, TalkInvalid
from . import try_and_flash


def event_form(**kwargs) -> EventForm:
    """Return the event form with the existing topics as choices."""
    form = EventForm(**kwargs)
    form.topics.choices = topic_choices()
    return form


def render_editor(form: EventForm, event: Event | None, source: Event | None = None):
    """Show the event form, with a preview of the description when asked for."""
    preview = render_markdown(form.description.data) if form.preview.data else None
    return render_template(
        "organiser/event_form.html", form=form, event=event, source=source, preview=preview
    )


def show_errors(form: EventForm, invalid: TalkInvalid) -> None:
    """Put the messages of a refused talk on the form's fields."""
    for name, messages in invalid.errors.items():
        form[name].errors = [*form[name].errors, *messages]


def save_new_event(form: EventForm, source: Event | None = None):
    """Create a talk from the submitted form, or show the form again with its errors."""
    if form.preview.data:
        return render_editor(form, None, source)
    form.validate()
    try:
        event = talks.create_talk(current_user.id, talk_data(form), source)
    except TalkInvalid as invalid:
        show_errors(form, invalid)
        return render_editor(form, None, source)
    flash(_("The talk is saved as a draft."), "success")
    return redirect(url_for("organiser.event", event_id=event.id))


@bp.route("/events/new", methods=["GET", "POST"])
def new_event():
    """Create a talk."""
    form = event_form()
    if request.method == "POST":
        return save_new_event(form)
    return render_editor(form, None)


@bp.route("/events/<int:event_id>/copy", methods=["GET", "POST"])
def copy_event(event_id: int):
    """Create a new talk in the same series as an existing one."""
    source = get_event_or_404(current_user, event_id, Permission.COPY)
    if request.method == "POST":
        return save_new_event(event_form(), source)
    return render_editor(event_form(data=copied_form_data(source)), None, source)


@bp.get("/events/<int:event_id>")
def event(event_id: int):
    """Show an event's overview with its actions."""
    event = get_event_or_404(current_user, event_id, Permission.SEE)
    figures = figures_for([event.id])[event.id]
    return render_template(
        "organiser/event.html", event=event, figures=figures, charts=event_figures(event),
        members=team_of(event),
    )  # fmt: skip


@bp.route("/events/<int:event_id>/edit", methods=["GET", "POST"])
def edit_event(event_id: int):
    """Edit an event."""
    event = get_event_or_404(current_user, event_id, Permission.EDIT)
    if request.method == "GET":
        return render_editor(event_form(data=event_form_data(event)), event)
    form = event_form()
    if form.preview.data:
        return render_editor(form, event)
    form.validate()
    try:
        promoted = talks.update_talk(event, talk_data(form))
    except TalkInvalid as invalid:
        show_errors(form, invalid)
        return render_editor(form, event)
    if promoted:
        flash(ngettext("%(num)d person from the waiting list got a seat and will be emailed.",
                       "%(num)d people from the waiting list got a seat and will be emailed.",
                       promoted), "success")  # fmt: skip
    flash(_("Your changes are saved."), "success")
    return redirect(url_for("organiser.event", event_id=event.id))


def change_status(event: Event, change, message: str):
    """Make a change of status, and say how it went."""
    try_and_flash(change, event, message, TalkError)
    return redirect(url_for("organiser.event", event_id=event.id))


@bp.post("/events/<int:event_id>/publish")
def publish(event_id: int):
    """Publish an event: its page and registration form go public."""
    event = get_event_or_404(current_user, event_id, Permission.EDIT)
    return change_status(event, talks.publish, _("The talk is published."))


@bp.post("/events/<int:event_id>/unpublish")
def unpublish(event_id: int):
    """Take an event back to draft: its page is no longer public."""
    event = get_event_or_404(current_user, event_id, Permission.EDIT)
    return change_status(event, talks.unpublish, _("The talk is back to draft."))


@bp.route("/events/<int:event_id>/cancel", methods=["GET", "POST"])
def cancel(event_id: int):
    """Cancel an event, after a confirmation page when people registered for it."""
    event = get_event_or_404(current_user, event_id, Permission.EDIT)
    figures = figures_for([event.id])[event.id]
    confirmed = not figures.registered or request.form.get("confirm") == "yes"
    if request.method == "POST" and confirmed:
        try_and_flash(talks.cancel_talk, event, cancelled_message, TalkError)
        return redirect(url_for("organiser.event", event_id=event.id))
    return render_template("organiser/cancel.html", event=event, figures=figures)


def cancelled_message(told: int) -> str:
    """Say that the talk is cancelled, and how many registered people are told."""
    if not told:
        return _("The talk is cancelled.")
    return ngettext("The talk is cancelled. %(num)d registered person is told by email.",
                    "The talk is cancelled. %(num)d registered people are told by email.", told)
