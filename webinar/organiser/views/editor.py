"""Creating and editing events, and moving them between draft, published and cancelled."""

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from ...extensions import db
from ...lifecycle import enqueue_event_cancelled
from ...markup import render_markdown
from ...models import Event
from ...uploads import delete_upload
from .. import bp
from ..queries.access import get_managed_event_or_404
from ..queries.figures import event_figures
from ..services.talks import apply_form, copied_fields, form_data_of, new_event_form
from .dashboard import figures_for

# Fields a "new talk in this series" starts from.
COPIED_FIELDS = ("series", "event_type", "target_audience", "topics", "description",
                 "organised_by", "timezone")  # fmt: skip


def render_editor(form, event: Event | None, source: Event | None = None):
    """Show the event form, with a preview of the description when asked for."""
    preview = render_markdown(form.description.data) if form.preview.data else None
    return render_template(
        "organiser/event_form.html", form=form, event=event, source=source, preview=preview
    )


def save_new_event(form, source: Event | None = None):
    """Create an event from a submitted form, or show the form again with its errors."""
    event = Event(owner_id=current_user.id, status="draft")
    if form.preview.data or not apply_form(form, event):
        return render_editor(form, None, source)
    db.session.add(event)
    if not commit_or_slug_error(form, event):
        return render_editor(form, None, source)
    flash("The talk is saved as a draft.", "success")
    return redirect(url_for("organiser.event", event_id=event.id))


def commit_or_slug_error(form, event: Event) -> bool:
    """Commit; if another talk took the same address meanwhile, say so on the slug field."""
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        delete_upload(event.banner)
        form.slug.errors = ["Another talk took this address a moment ago. Choose another one."]
        return False
    return True


@bp.route("/events/new", methods=["GET", "POST"])
def new_event():
    """Create a talk."""
    form = new_event_form()
    if request.method == "POST":
        return save_new_event(form)
    return render_editor(form, None)


@bp.route("/events/<int:event_id>/copy", methods=["GET", "POST"])
def copy_event(event_id: int):
    """Create a new talk in the same series as an existing one."""
    source = get_managed_event_or_404(event_id)
    if request.method == "POST":
        return save_new_event(new_event_form(), source)
    form = new_event_form(data=copied_fields(source, COPIED_FIELDS))
    return render_editor(form, None, source)


@bp.get("/events/<int:event_id>")
def event(event_id: int):
    """Show an event's overview with its actions."""
    event = get_managed_event_or_404(event_id)
    figures = figures_for([event.id])[event.id]
    return render_template(
        "organiser/event.html", event=event, figures=figures, charts=event_figures(event)
    )


@bp.route("/events/<int:event_id>/edit", methods=["GET", "POST"])
def edit_event(event_id: int):
    """Edit an event."""
    event = get_managed_event_or_404(event_id)
    if request.method == "GET":
        return render_editor(new_event_form(data=form_data_of(event)), event)
    form = new_event_form()
    old_banner = event.banner
    if form.preview.data or not apply_form(form, event):
        db.session.rollback()
        return render_editor(form, event)
    if not commit_or_slug_error(form, event):
        return render_editor(form, get_managed_event_or_404(event_id))
    if old_banner != event.banner:
        delete_upload(old_banner)
    flash("Your changes are saved.", "success")
    return redirect(url_for("organiser.event", event_id=event.id))


def change_status(event: Event, allowed_from: tuple[str, ...], status: str, message: str):
    """Move an event to a new status if its current one allows it."""
    if event.status not in allowed_from:
        flash(f"A {event.status} talk cannot be changed that way.", "warning")
    else:
        event.status = status
        db.session.commit()
        flash(message, "success")
    return redirect(url_for("organiser.event", event_id=event.id))


@bp.post("/events/<int:event_id>/publish")
def publish(event_id: int):
    """Publish an event: its page and registration form go public."""
    event = get_managed_event_or_404(event_id)
    return change_status(event, ("draft",), "published", "The talk is published.")


@bp.post("/events/<int:event_id>/unpublish")
def unpublish(event_id: int):
    """Take an event back to draft: its page is no longer public."""
    event = get_managed_event_or_404(event_id)
    return change_status(event, ("published",), "draft", "The talk is back to draft.")


def has_registrations(event: Event) -> bool:
    """Say whether anyone holds a seat or a waiting-list place at the event."""
    figures = figures_for([event.id])[event.id]
    return figures.confirmed + figures.waitlisted > 0


def cancel_event(event: Event):
    """Cancel an event and tell everyone registered, with a calendar cancellation."""
    if event.status not in ("draft", "published"):
        return change_status(event, ("draft", "published"), "cancelled", "")
    # Rendered after the status changes, so the calendar files say CANCELLED,
    # and committed with it: the talk is cancelled and its emails exist together.
    event.status = "cancelled"
    told = enqueue_event_cancelled(event)
    db.session.commit()
    message = "The talk is cancelled."
    if told:
        message += f" {told} registered {'person is' if told == 1 else 'people are'} told by email."
    flash(message, "success")
    return redirect(url_for("organiser.event", event_id=event.id))


@bp.route("/events/<int:event_id>/cancel", methods=["GET", "POST"])
def cancel(event_id: int):
    """Cancel an event, after a confirmation page when people registered for it."""
    event = get_managed_event_or_404(event_id)
    registered = has_registrations(event)
    if request.method == "POST" and (not registered or request.form.get("confirm") == "yes"):
        return cancel_event(event)
    figures = figures_for([event.id])[event.id]
    return render_template("organiser/cancel.html", event=event, figures=figures)
