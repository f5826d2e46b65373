"""Attendee pages: the registration form, the personal link, the join link."""

from flask import Blueprint

bp = Blueprint("registration", __name__)

from . import answers, data, unsubscribe, views  # noqa: E402,F401  (views attach their routes to bp)
