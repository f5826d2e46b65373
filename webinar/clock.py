"""The application's clock: the current time, which tests can set through the app.

Every "now" of the application comes from here (through
webinar.models.utcnow), so a test that sets `app.extensions["clock"]` to a
callable returning an aware datetime moves the whole app in time: pages,
reminders, the purge and the outbox worker alike.
"""

from __future__ import annotations

from datetime import UTC, datetime

from flask import current_app, has_app_context


def now() -> datetime:
    """Return the current time, aware, in UTC: the app's own clock when it has one."""
    if has_app_context():
        clock = current_app.extensions.get("clock")
        if clock is not None:
            moment = clock()
            if moment.tzinfo is None:
                raise ValueError(f"naive time {moment!r} from the app's clock: attach a zone")
            return moment.astimezone(UTC)
    return datetime.now(UTC)
