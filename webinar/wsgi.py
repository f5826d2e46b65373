"""The WSGI entry point: `gunicorn webinar.wsgi:app`, in a checkout or an installed wheel."""

import click

from webinar import create_app
from webinar.checks import ConfigurationError

try:
    app = create_app()
except ConfigurationError as refusal:
    if click.get_current_context(silent=True) is not None:
        raise  # a flask command shows it as an error message; `flask check` reports it
    refusal.exit()  # gunicorn: the reasons on stderr, no traceback, no restarts
