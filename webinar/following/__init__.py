"""Public pages of following a series: the form, the emailed links, "my subscriptions"."""

from flask import Blueprint

bp = Blueprint("following", __name__)

from . import views  # noqa: E402,F401  (views attach their routes to bp)
