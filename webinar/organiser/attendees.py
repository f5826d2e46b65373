"""The attendee list of an event and what an organiser can do to one registration."""

from flask import flash, redirect, render_template, request, url_for

from .. import mail, seats
from ..extensions import db
from ..models import Event, Registration
from . import bp
from .access import get_managed_event_or_404
from .attendee_list import ListParams, email_states, list_page


@bp.get("/events/<int:event_id>/attendees")
def attendees(event_id: int):
    """List the people registered for an event: searched, filtered, sorted, 50 a page."""
    event = get_managed_event_or_404(event_id)
    params = ListParams.from_args(request.args)
    page = list_page(event.id, params)
    states = email_states([registration.id for registration in page.items])
    return render_template(
        "organiser/attendees.html",
        event=event,
        page=page,
        params=params,
        states=states,
    )


def get_registration_or_404(event: Event, registration_id: int) -> Registration:
    """Return a registration of this event, or answer 404."""
    return db.one_or_404(
        db.select(Registration).where(
            Registration.id == registration_id, Registration.event_id == event.id
        )
    )


def back_to_list(event: Event):
    """Go back to the list at the position the action was taken from."""
    params = ListParams.from_args(request.values)
    return redirect(url_for(".attendees", event_id=event.id, **params.query_args()))


def target(event_id: int, registration_id: int) -> tuple[Event, Registration]:
    """Return the managed event and its registration an action is about, or answer 404."""
    event = get_managed_event_or_404(event_id)
    return event, get_registration_or_404(event, registration_id)


@bp.post("/events/<int:event_id>/attendees/<int:registration_id>/cancel")
def cancel_registration(event_id: int, registration_id: int):
    """Cancel a registration; the seat goes to the oldest person on the waiting list."""
    event, registration = target(event_id, registration_id)
    name = registration.full_name or "The registration"
    if seats.cancel(registration):
        flash(f"{name} is cancelled and will be emailed.", "success")
    else:
        flash(f"{name} was already cancelled.", "warning")
    return back_to_list(event)


@bp.post("/events/<int:event_id>/attendees/<int:registration_id>/promote")
def promote_registration(event_id: int, registration_id: int):
    """Give a person on the waiting list a seat, if one is free."""
    event, registration = target(event_id, registration_id)
    name = registration.full_name
    outcome = seats.promote(registration)
    if outcome == seats.CONFIRMED:
        flash(f"{name} now has a seat and will be emailed.", "success")
    elif outcome == seats.FULL:
        flash(
            f"No seat is free for {name}. Raise the capacity of the talk first, "
            "or cancel someone else's registration.",
            "warning",
        )
    else:
        flash(f"{name} is not on the waiting list any more.", "warning")
    return back_to_list(event)


@bp.post("/events/<int:event_id>/attendees/<int:registration_id>/resend")
def resend_confirmation(event_id: int, registration_id: int):
    """Send a confirmed attendee their confirmation, with the join link, once more."""
    event, registration = target(event_id, registration_id)
    if registration.status != seats.CONFIRMED or registration.anonymised_at is not None:
        flash("Only a confirmed attendee has a confirmation to send again.", "warning")
    else:
        mail.enqueue_confirmation_again(registration)
        db.session.commit()
        flash(f"The confirmation goes out again to {registration.email}.", "success")
    return back_to_list(event)


@bp.route("/events/<int:event_id>/attendees/<int:registration_id>/erase", methods=["GET", "POST"])
def erase_registration(event_id: int, registration_id: int):
    """Erase one person's details on their request, after a confirmation page."""
    event, registration = target(event_id, registration_id)
    if registration.anonymised_at is not None:
        flash("These details were already erased.", "warning")
        return back_to_list(event)
    if request.method == "POST" and request.form.get("confirm") == "yes":
        seats.anonymise(registration)
        flash("The person's details are erased.", "success")
        return back_to_list(event)
    params = ListParams.from_args(request.values)
    return render_template(
        "organiser/attendee_erase.html", event=event, registration=registration, params=params
    )
