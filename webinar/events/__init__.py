"""Public pages: the list of talks, each talk's page and its calendar files."""

from flask import Blueprint

from . import pagecache

bp = Blueprint("events", __name__)
bp.record_once(lambda state: pagecache.init_app(state.app))

from . import views  # noqa: E402,F401  (views attach their routes to bp)
