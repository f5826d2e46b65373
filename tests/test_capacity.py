"""Changing the number of seats of a talk: raising promotes in order, lowering keeps seats."""

from datetime import UTC, datetime, timedelta

import pytest
from support.stored import emails, registrations
from test_organiser_editor import form_data

from webinar import seats
from webinar.extensions import db
from webinar.models import Event, Registration

START = datetime(2030, 1, 15, 8, 0, tzinfo=UTC)


@pytest.fixture
def full_talk(make_event, make_registration, owner):
    """A talk of one seat, taken, with three people waiting (oldest first: W2, W1, W0)."""
    event = make_event(owner_id=owner, capacity=1, seats_taken=1, waitlist_enabled=True)
    for number, (name, status) in enumerate(
        [("Seated", "confirmed"), ("W0", "waitlisted"), ("W1", "waitlisted"), ("W2", "waitlisted")]
    ):
        make_registration(
            event, first_name=name, last_name="Tester", email=f"{name.lower()}@example.org",
            status=status,
            # Inserted newest first, so the order is the time, not the id.
            created_at=START + timedelta(minutes=10 - number * 3) if number else START,
        )  # fmt: skip
    return event


def statuses(app, event) -> dict[str, str]:
    return {row.first_name: row.status for row in registrations(app, event)}


def change(app, event, capacity) -> int:
    with app.app_context():
        stored = db.session.get(Event, event.id)
        promoted = seats.change_capacity(stored, capacity)
        db.session.commit()
        return promoted


def seats_taken(app, event) -> int:
    with app.app_context():
        return db.session.get(Event, event.id).seats_taken


def test_raising_the_capacity_promotes_the_oldest_waiting_first(app, full_talk):
    assert change(app, full_talk, 3) == 2
    # W2 registered first (START + 1 min), then W1 (+ 4 min), then W0 (+ 7 min).
    assert statuses(app, full_talk) == {
        "Seated": "confirmed", "W2": "confirmed", "W1": "confirmed", "W0": "waitlisted"
    }  # fmt: skip
    assert seats_taken(app, full_talk) == 3
    assert [(e.kind, e.recipient) for e in emails(app)] == [
        ("promoted", "w2@example.org"), ("promoted", "w1@example.org")
    ]  # fmt: skip


def test_unlimited_seats_promote_everyone_waiting(app, full_talk):
    assert change(app, full_talk, None) == 3
    assert set(statuses(app, full_talk).values()) == {"confirmed"}
    assert seats_taken(app, full_talk) == 4


def test_lowering_below_the_seats_taken_keeps_them_and_sends_newcomers_to_the_list(
    app, make_event
):
    event = make_event(capacity=3, waitlist_enabled=True)
    with app.app_context():
        holders = [
            seats.register(event, {"first_name": f"P{n}", "last_name": "T",
                                   "email": f"p{n}@example.org"}).registration.id
            for n in range(3)
        ]  # fmt: skip
    assert change(app, event, 1) == 0
    assert seats_taken(app, event) == 3
    assert set(statuses(app, event).values()) == {"confirmed"}
    with app.app_context():
        newcomer = seats.register(event, {"first_name": "Late", "last_name": "T",
                                          "email": "late@example.org"})  # fmt: skip
        assert newcomer.status == seats.WAITLISTED
        # Two seats released still leave one taken of one: nobody moves up yet.
        for registration_id in holders[:2]:
            seats.cancel(db.session.get(Registration, registration_id))
    assert seats_taken(app, event) == 1
    assert statuses(app, event)["Late"] == "waitlisted"
    with app.app_context():
        seats.cancel(db.session.get(Registration, holders[2]))
    assert statuses(app, event)["Late"] == "confirmed"


def test_lowering_without_a_waiting_list_makes_the_talk_full(app, make_event):
    event = make_event(capacity=5)
    with app.app_context():
        seats.register(event, {"first_name": "A", "last_name": "T", "email": "a@example.org"})
        seats.register(event, {"first_name": "B", "last_name": "T", "email": "b@example.org"})
    change(app, event, 1)
    with app.app_context():
        assert db.session.get(Event, event.id).registration_state() == "full"
        outcome = seats.register(
            event, {"first_name": "C", "last_name": "T", "email": "c@example.org"}
        )
    assert outcome.status == seats.FULL
    assert seats_taken(app, event) == 2


def test_the_editor_says_how_many_people_got_a_seat(app, owner_client, full_talk):
    url = f"/organiser/events/{full_talk.id}/edit"
    response = owner_client.post(
        url, data=form_data(owner_client, url, slug=full_talk.slug, capacity="3",
                            waitlist_enabled="y")  # fmt: skip
    )
    assert response.status_code == 302, response.text
    page = owner_client.get(response.location).text
    assert "2 people from the waiting list got a seat and will be emailed." in page
    assert seats_taken(app, full_talk) == 3
    assert list(statuses(app, full_talk).values()).count("waitlisted") == 1


def test_the_editor_lowering_the_capacity_keeps_the_seats(app, owner_client, make_event, owner):
    event = make_event(owner_id=owner, capacity=3, seats_taken=3, waitlist_enabled=True)
    url = f"/organiser/events/{event.id}/edit"
    response = owner_client.post(
        url, data=form_data(owner_client, url, slug=event.slug, capacity="2",
                            waitlist_enabled="y")  # fmt: skip
    )
    assert response.status_code == 302, response.text
    assert "got a seat" not in owner_client.get(response.location).text
    with app.app_context():
        stored = db.session.get(Event, event.id)
        assert (stored.capacity, stored.seats_taken) == (2, 3)
        assert stored.registration_state() == "waitlist"
