"""Fixtures and helpers of the lifecycle tests: a clock the test drives, delivery, emails."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import icalendar
import pytest

from webinar.jobs import run_once

# Wednesday 17 March 2027, 10:00 in Brussels (CET, UTC+1): New York is already
# on summer time (EDT, UTC-4, since 14 March) while Brussels is not (28 March).
TALK_START = datetime(2027, 3, 17, 9, 0, tzinfo=UTC)
TALK_END = TALK_START + timedelta(hours=1)


class Clock:
    """The app's clock in a test: stands still until moved."""

    def __init__(self, moment: datetime) -> None:
        self.moment = moment

    def __call__(self) -> datetime:
        return self.moment

    def set(self, moment: datetime) -> None:
        self.moment = moment

    def advance(self, **delta) -> None:
        self.moment += timedelta(**delta)


@pytest.fixture
def clock(app) -> Clock:
    """Fix the app's time, two days before TALK_START, until the test moves it."""
    clock = Clock(TALK_START - timedelta(days=2))
    app.extensions["clock"] = clock
    return clock


@pytest.fixture
def talk(make_event, clock):
    """A published talk at TALK_START in Brussels, with a join link."""

    def make(**fields):
        values = {"starts_at": TALK_START, "ends_at": TALK_END}
        values.update(fields)
        return make_event(**values)

    return make


def deliver(app) -> int:
    """Run one pass of the outbox worker, as `flask outbox work --once` does."""
    with app.app_context():
        return run_once()


def calendar_of(message) -> icalendar.Calendar:
    """Return the parsed calendar file attached to an email."""
    (attachment,) = [part for part in message.iter_attachments() if part.get_filename()]
    assert attachment.get_content_type() == "text/calendar"
    return icalendar.Calendar.from_ical(attachment.get_content())


def text_of(message) -> str:
    """Return the plain-text part of an email."""
    return message.get_body(preferencelist=("plain",)).get_content()


def html_of(message) -> str:
    """Return the HTML part of an email."""
    return message.get_body(preferencelist=("html",)).get_content()


def kinds(app) -> list[tuple[str, str]]:
    """Return (kind, recipient) of every outbox row, oldest first."""
    from registration_helpers import emails

    return [(email.kind, email.recipient) for email in emails(app)]
