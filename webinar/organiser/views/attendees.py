"""The attendee list of an event and what an organiser can do to one registration."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ...models import Event, Registration
from .. import bp
from ..queries.access import Permission, get_event_or_404, get_registration_or_404
from ..queries.answers import (
    REMOVED,
    REMOVED_SENSITIVE,
    event_questions,
    filter_choices,
    filter_name,
    has_removed_answers,
    list_columns,
    resolve_filters,
)
from ..queries.attendee_list import STATUS_CHOICES, ListParams, email_states, list_page
from ..services import registrations
from ..services.registrations import AttendeeError
from . import try_and_flash


@bp.get("/events/<int:event_id>/attendees")
def attendees(event_id: int):
    """List the people registered for an event: searched, filtered, sorted, 50 a page."""
    event = get_event_or_404(current_user, event_id, Permission.SEE)
    params = ListParams.from_args(request.args)
    questions = event_questions(event.id)
    page = list_page(event.id, params, questions)
    ids = [registration.id for registration in page.items]
    return render_template(
        "organiser/attendees.html",
        event=event,
        page=page,
        params=params,
        states=email_states(ids),
        status_choices=STATUS_CHOICES,
        columns=list_columns(questions, params.columns, ids),
        answer_filters=resolve_filters(questions, params.answers),
        filter_choices=filter_choices,
        filter_name=filter_name,
        removed_column=REMOVED,
        removed_sensitive_column=REMOVED_SENSITIVE,
        # Answers to removed questions stay reachable once a talk has no question left.
        offer_removed=bool(questions) or has_removed_answers(event.id),
    )


def back_to_list(event: Event):
    """Go back to the list at the position the action was taken from."""
    params = ListParams.from_args(request.values)
    return redirect(url_for(".attendees", event_id=event.id, **params.query_args()))


def target(event_id: int, registration_id: int) -> tuple[Event, Registration]:
    """Return the managed event and its registration an action is about, or answer 404."""
    event = get_event_or_404(current_user, event_id, Permission.EDIT)
    return event, get_registration_or_404(event, registration_id)


def act(event: Event, action, registration: Registration, success: str):
    """Do an action on a registration, say how it went, and go back to the list."""
    try_and_flash(action, registration, success, AttendeeError)
    return back_to_list(event)


@bp.post("/events/<int:event_id>/attendees/<int:registration_id>/cancel")
def cancel_registration(event_id: int, registration_id: int):
    """Cancel a registration; the seat goes to the oldest person on the waiting list."""
    event, registration = target(event_id, registration_id)
    name = registration.full_name or _("The registration")
    return act(event, registrations.cancel, registration,
               f"{name} is cancelled and will be emailed.")  # fmt: skip


@bp.post("/events/<int:event_id>/attendees/<int:registration_id>/promote")
def promote_registration(event_id: int, registration_id: int):
    """Give a person on the waiting list a seat, if one is free."""
    event, registration = target(event_id, registration_id)
    return act(event, registrations.promote, registration,
               f"{registration.full_name} now has a seat and will be emailed.")  # fmt: skip


@bp.post("/events/<int:event_id>/attendees/<int:registration_id>/resend")
def resend_confirmation(event_id: int, registration_id: int):
    """Send a confirmed attendee their confirmation, with the join link, once more."""
    event, registration = target(event_id, registration_id)
    return act(event, registrations.resend_confirmation, registration,
               _("The confirmation goes out again to %(email)s.",
                 email=registration.email))  # fmt: skip


@bp.route("/events/<int:event_id>/attendees/<int:registration_id>/erase", methods=["GET", "POST"])
def erase_registration(event_id: int, registration_id: int):
    """Erase one person's details on their request, after a confirmation page."""
    event, registration = target(event_id, registration_id)
    try:
        registrations.check_erasable(registration)
    except AttendeeError as error:
        flash(str(error), "warning")
        return back_to_list(event)
    if request.method == "POST" and request.form.get("confirm") == "yes":
        return act(event, registrations.erase, registration, _("The person's details are erased."))
    params = ListParams.from_args(request.values)
    return render_template(
        "organiser/attendee_erase.html", event=event, registration=registration, params=params
    )
