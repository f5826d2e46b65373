"""Entry point: `flask --app app run` and `gunicorn app:app`."""

from webinar import create_app

app = create_app()
