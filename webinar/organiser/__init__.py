"""The organiser area: sign-in, dashboard, event editing, attendees, export and figures."""

from flask import Blueprint

bp = Blueprint("organiser", __name__, url_prefix="/organiser")

# The views attach their routes to bp.
from . import (  # noqa: E402,F401
    attendees,
    auth,
    dashboard,
    editor,
    export,
    materials,
    messages,
    speakers,
)
