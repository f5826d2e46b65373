"""Public pages: the list of talks, each talk's page and its calendar files."""

from flask import Blueprint

bp = Blueprint("events", __name__)

from . import views  # noqa: E402,F401  (views attach their routes to bp)
