"""Plugin: the app's clock, driven by the test, and talks at a fixed moment.

Every "now" of the app comes from webinar.clock, so a test that takes
`clock` moves pages, reminders, the purge and the outbox worker in time
together, instead of editing stored timestamps by hand.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

# Wednesday 17 March 2027, 10:00 in Brussels (CET, UTC+1): New York is already
# on summer time (EDT, UTC-4, since 14 March) while Brussels is not (28 March).
TALK_START = datetime(2027, 3, 17, 9, 0, tzinfo=UTC)
TALK_END = TALK_START + timedelta(hours=1)


class Clock:
    """The app's clock in a test: the real time until the test moves it, then standing still."""

    def __init__(self, moment: datetime | None = None) -> None:
        self.moment = moment

    def __call__(self) -> datetime:
        return self.moment if self.moment is not None else datetime.now(UTC)

    def set(self, moment: datetime) -> None:
        """Stop the clock at a moment."""
        self.moment = moment

    def advance(self, **delta) -> None:
        """Stop the clock later by a timedelta's arguments (minutes=15, days=2)."""
        self.moment = self() + timedelta(**delta)


@pytest.fixture
def clock(app) -> Clock:
    """The app's clock: real time until the test sets or advances it (`clock.advance(days=2)`)."""
    clock = Clock()
    app.extensions["clock"] = clock
    return clock


@pytest.fixture
def talk(make_event, clock):
    """Make published talks at TALK_START in Brussels; the clock stands two days before it."""
    clock.set(TALK_START - timedelta(days=2))

    def make(**fields):
        values = {"starts_at": TALK_START, "ends_at": TALK_END}
        values.update(fields)
        return make_event(**values)

    return make
