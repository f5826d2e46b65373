"""Entry point of a checkout: `flask --app app run` and `gunicorn app:app`."""

from webinar.wsgi import app

__all__ = ["app"]
