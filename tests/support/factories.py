"""Plugin: factory fixtures that store rows directly, for a test's set-up.

`make_event`, `make_registration`, `make_registrations`, `person` and
`make_outbox_email` write through the models, not the pages, so a test sets
up exactly the state it needs. Each returns what it stored, detached (or its
ids), so the test may read it outside an app context.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta

import pytest

from webinar.extensions import db
from webinar.models import Event, OutboxEmail, Registration, Series

# When the first registration made by `person` was created.
LIST_START = datetime(2030, 1, 15, 8, 0, tzinfo=UTC)


def in_days(days: float, hour: int = 9) -> datetime:
    """Return an aware UTC time `days` from now, at a round hour."""
    moment = datetime.now(UTC) + timedelta(days=days)
    return moment.replace(hour=hour, minute=0, second=0, microsecond=0)


def stored(app, row):
    """Add row, commit, and return it refreshed and detached."""
    with app.app_context():
        db.session.add(row)
        db.session.commit()
        db.session.refresh(row)
        db.session.expunge(row)
    return row


@pytest.fixture
def make_event(app):
    """Create an event (published, in two weeks, unlimited seats) and return it detached."""
    counter = iter(range(1, 10_000))

    def make(**fields) -> Event:
        number = next(counter)
        starts_at = fields.pop("starts_at", in_days(14))
        values = {
            "slug": f"talk-{number}",
            "title": f"Talk number {number}",
            "series_label": "EU Clusters Talk",
            "event_type": "Webinar",
            "target_audience": "Cluster managers",
            "summary": "A short talk for testing.",
            "description": "Some **Markdown**.",
            "starts_at": starts_at,
            "ends_at": fields.pop("ends_at", starts_at + timedelta(hours=1)),
            "timezone": "Europe/Brussels",
            "status": "published",
            "join_url": "https://meet.example.org/secret-room",
        }
        values.update(fields)
        return stored(app, Event(**values))

    return make


@pytest.fixture
def make_series(app):
    """Create a series (no talks, no roles) and return it detached."""
    counter = iter(range(1, 10_000))

    def make(**fields) -> Series:
        number = next(counter)
        values = {"name": f"Series number {number}", "slug": f"series-{number}",
                  "description": "Talks for testing, once a month."}  # fmt: skip
        values.update(fields)
        return stored(app, Series(**values))

    return make


def registration_row(event_id: int, **fields) -> Registration:
    """Return an unsaved confirmed registration of Grace Hopper, changed by fields."""
    values = {
        "event_id": event_id,
        "token": secrets.token_urlsafe(32),
        "first_name": "Grace",
        "last_name": "Hopper",
        "email": f"grace-{secrets.token_hex(4)}@example.org",
        "status": "confirmed",
    }
    values.update(fields)
    values.setdefault("email_normalised", values["email"].lower())
    return Registration(**values)


@pytest.fixture
def make_registration(app):
    """Store a registration of an event (confirmed unless told) and return it detached."""

    def make(event, **fields) -> Registration:
        return stored(app, registration_row(event.id, **fields))

    return make


@pytest.fixture
def make_registrations(app):
    """Store registrations with these statuses (the first `joined` joined); return their ids."""

    def make(event_id: int, *statuses: str, joined: int = 0) -> list[int]:
        from webinar.models import utcnow

        with app.app_context():
            rows = [
                registration_row(
                    event_id,
                    first_name="Reg",
                    last_name=f"Number {number}",
                    email=f"reg{number}-{event_id}@example.org",
                    status=status,
                    joined_at=utcnow() if number < joined else None,
                )
                for number, status in enumerate(statuses)
            ]
            db.session.add_all(rows)
            db.session.commit()
            return [row.id for row in rows]

    return make


@pytest.fixture
def person(make_registration):
    """Store a registration of an event and return its id; each created a minute after the last.

    The attendee list's tests sort by these times, so they never tie.
    """
    minutes = iter(range(10_000))

    def make(event, first: str, last: str = "Tester", **fields) -> int:
        fields.setdefault("email", f"{first.lower()}.{secrets.token_hex(3)}@example.org")
        fields.setdefault("created_at", LIST_START + timedelta(minutes=next(minutes)))
        return make_registration(event, first_name=first, last_name=last, **fields).id

    return make


@pytest.fixture
def make_outbox_email(app):
    """Store a pending outbox email (due now unless told otherwise) and return its id."""

    def make(**fields) -> int:
        values = {
            "kind": "confirmation",
            "recipient": "ann@example.org",
            "subject": "Registered",
            "text_body": "Hello",
        }
        values.update(fields)
        return stored(app, OutboxEmail(**values)).id

    return make
