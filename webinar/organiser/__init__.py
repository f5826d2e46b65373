"""The organiser area: sign-in, dashboard, event editing, attendees, export and figures.

views/ answer HTTP requests; queries/ read; services/ write, one transaction
each, so that other entry points (the CLI, an API) share the same rules.
"""

from flask import Blueprint

bp = Blueprint("organiser", __name__, url_prefix="/organiser")

# The views attach their routes to bp.
from .queries import export  # noqa: E402,F401
from .views import (  # noqa: E402,F401
    attendees,
    auth,
    dashboard,
    editor,
    materials,
    messages,
    speakers,
)
