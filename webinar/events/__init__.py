"""Public pages: the list of talks, each talk's page and its calendar files."""

from flask import Blueprint

from .. import calendar, dates, markup
from . import pagecache

bp = Blueprint("events", __name__)
bp.record_once(lambda state: pagecache.init_app(state.app))
bp.add_app_template_global(calendar.public_url, "public_url")
bp.add_app_template_filter(dates.moment_in, "moment_in")
bp.add_app_template_filter(markup.web_link, "web_link")

from . import views  # noqa: E402,F401  (views attach their routes to bp)
