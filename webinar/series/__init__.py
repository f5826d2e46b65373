"""Public pages of a series: its page, its calendar feed and its Atom feed."""

from flask import Blueprint

bp = Blueprint("series", __name__)

from . import views  # noqa: E402,F401  (views attach their routes to bp)
