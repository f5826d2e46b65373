"""API: the registrations of a talk: list, one, register someone, cancel, record attendance.

Registering goes through the talk's own registration form (its fixed fields
as the talk asks them, its questions and their conditions) and then
`seats.register`, like the page: the same checks, seats and emails.
"""

from __future__ import annotations

from flask import current_app, url_for
from werkzeug.datastructures import MultiDict

from .. import seats
from ..extensions import db
from ..models import Registration, utcnow
from ..organiser.queries.access import Permission, get_registration_or_404
from ..organiser.services import registrations as service
from ..registration.questions import field_name, registration_form_class
from .auth import get_talk_or_404, resource_blueprint, talk_checked
from .idempotency import HEADER, LONGEST_KEY, idempotent
from .paging import page_by_change
from .problems import refuse
from .schemas import (
    AttendanceSchema,
    NewRegistrationSchema,
    RegistrationDetailSchema,
    RegistrationListArgs,
    RegistrationPage,
)

blp = resource_blueprint("api_registrations", "The registrations of a talk.")

IDEMPOTENCY_KEY = {
    "in": "header",
    "name": HEADER,
    "required": False,
    "schema": {"type": "string", "minLength": 1, "maxLength": LONGEST_KEY, "pattern": "^[ -~]+$"},
    "description": "Send the same key again to get the first answer, without acting twice.",
}
REFUSED = {
    seats.FULL: "The talk is full and has no waiting list.",
    seats.CLOSED: "The talk does not take registrations now.",
}
NOT_AN_ANSWER = "Send text, a number, true or false, or a list of option ids."
NO_SUCH_QUESTION = "This talk has no question with this id."


@blp.route("/talks/<int:talk_id>/registrations")
@blp.arguments(RegistrationListArgs, location="query")
@blp.response(200, RegistrationPage)
def list_registrations(args: dict, talk_id: int):
    """List a talk's registrations, in order of their last change."""
    event = get_talk_or_404(talk_id)
    query = db.select(Registration).where(Registration.event_id == event.id)
    if "status" in args:
        query = query.where(Registration.status == args["status"])
    return page_by_change(query, Registration, args)


@blp.route("/talks/<int:talk_id>/registrations/<int:registration_id>")
@blp.response(200, RegistrationDetailSchema)
def get_registration(talk_id: int, registration_id: int):
    """Show one registration with its answers and attendance."""
    return get_registration_or_404(get_talk_or_404(talk_id), registration_id)


@blp.route("/talks/<int:talk_id>/registrations", methods=["POST"])
@talk_checked(Permission.EDIT)
@idempotent
@blp.doc(parameters=[IDEMPOTENCY_KEY])
@blp.arguments(NewRegistrationSchema)
@blp.response(201, RegistrationDetailSchema)
@blp.alt_response(200, schema=RegistrationDetailSchema,
                  description="Already registered: the registration as it stands.")
def create_registration(body: dict, talk_id: int):
    """Register someone for a talk: the talk's form rules, seats and emails."""
    event = get_talk_or_404(talk_id, Permission.EDIT)
    form = registration_form_class(event)(formdata=_form_data(event, body), meta={"csrf": False})
    if not form.validate():
        refuse(422, errors=_form_errors(form))
    data = form.registration_data()
    data["answers"] = form.answers()
    data["privacy_notice_version"] = current_app.config["PRIVACY_NOTICE_VERSION"]
    outcome = service.add(event, data)
    if outcome.status in REFUSED:
        refuse(409, REFUSED[outcome.status])
    location = url_for(".get_registration", talk_id=talk_id,
                       registration_id=outcome.registration.id)
    status = 200 if outcome.status == seats.ALREADY_REGISTERED else 201
    return outcome.registration, status, {"Location": location}


@blp.route("/talks/<int:talk_id>/registrations/<int:registration_id>/cancel", methods=["POST"])
@talk_checked(Permission.EDIT)
@idempotent
@blp.doc(parameters=[IDEMPOTENCY_KEY])
@blp.response(200, RegistrationDetailSchema)
def cancel_registration(talk_id: int, registration_id: int):
    """Cancel a registration; its seat goes to the first person waiting."""
    registration = _registration_to_change(talk_id, registration_id)
    try:
        service.cancel(registration)
    except service.AttendeeError as error:
        refuse(409, str(error))
    return registration


@blp.route(
    "/talks/<int:talk_id>/registrations/<int:registration_id>/attendance", methods=["POST"]
)
@talk_checked(Permission.EDIT)
@idempotent
@blp.doc(parameters=[IDEMPOTENCY_KEY])
@blp.arguments(AttendanceSchema)
@blp.response(200, RegistrationDetailSchema)
def record_attendance(body: dict, talk_id: int, registration_id: int):
    """Record that a person attended (from a video platform's list), or clear it."""
    registration = _registration_to_change(talk_id, registration_id)
    attended_at = (body.get("attended_at") or utcnow()) if body["attended"] else None
    try:
        service.record_attendance(registration, attended_at)
    except service.AttendeeError as error:
        refuse(409, str(error))
    return registration


def _registration_to_change(talk_id: int, registration_id: int) -> Registration:
    return get_registration_or_404(get_talk_or_404(talk_id, Permission.EDIT), registration_id)


def _form_data(event, body: dict) -> MultiDict:
    """Return the JSON body as the registration form would have been posted."""
    data = MultiDict()
    for name, value in body.items():
        if name == "answers":
            continue
        if isinstance(value, bool):
            if value:
                data[name] = "y"
        else:
            data[name] = value
    questions = {str(question.id) for question in event.questions}
    unknown, wrong = {}, {}
    for question_id, value in body["answers"].items():
        if question_id not in questions:
            unknown[question_id] = [NO_SUCH_QUESTION]
            continue
        values = value if isinstance(value, list) else [value]
        if not all(isinstance(v, str | int | float | bool) for v in values):
            wrong[question_id] = [NOT_AN_ANSWER]
            continue
        for one in values:
            if one is not False:
                data.add(field_name(int(question_id)), "y" if one is True else str(one))
    if unknown or wrong:
        refuse(422, errors={"answers": {**unknown, **wrong}})
    return data


def _form_errors(form) -> dict:
    """Return the form's messages by the API's names: fields, and answers by question id."""
    errors: dict = {}
    prefix = field_name(0)[:-1]
    for name, messages in form.errors.items():
        if name.startswith(prefix):
            errors.setdefault("answers", {})[name.removeprefix(prefix)] = messages
        else:
            errors[name] = messages
    return errors
