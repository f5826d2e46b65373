"""The organiser area: sign-in, dashboard, event editing, speakers and materials."""

from flask import Blueprint

bp = Blueprint("organiser", __name__, url_prefix="/organiser")

from . import auth, dashboard, editor, materials, messages, speakers  # noqa: E402,F401  (views attach their routes to bp)
