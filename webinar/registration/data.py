"""A person's own copy of their data, reached through their personal link."""

from flask import current_app, json

from ..privacy import personal_data
from . import bp
from .views import private, registration_for


@bp.get("/registrations/<token>/data.json")
def data(token: str):
    """Download everything stored about this registration, as JSON."""
    registration = registration_for(token)
    body = json.dumps(personal_data(registration), indent=2, ensure_ascii=False)
    response = private(current_app.response_class(body, mimetype="application/json"))
    response.headers["Content-Disposition"] = 'attachment; filename="my-registration.json"'
    return response
