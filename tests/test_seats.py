"""Seat allocation, cancellation, promotion (webinar.seats) and erasure (webinar.privacy)."""

from __future__ import annotations

import threading

from support.stored import emails, registration, registrations

from webinar import privacy, seats
from webinar.extensions import db
from webinar.models import Event, Registration


def person(n: int, **changes) -> dict:
    data = {
        "first_name": f"Person {n}",
        "last_name": "Tester",
        "email": f"person{n}@example.org",
        "organisation": "Cluster",
        "country": "DE",
    }
    data.update(changes)
    return data


def register(app, event, n: int, **changes) -> str:
    with app.app_context():
        return seats.register(event, person(n, **changes)).status


def seats_taken(app, event) -> int:
    with app.app_context():
        return db.session.get(Event, event.id).seats_taken


def cancel(app, token: str) -> bool:
    with app.app_context():
        row = db.session.execute(
            db.select(Registration).where(Registration.token == token)
        ).scalar_one()
        return seats.cancel(row)


def test_seats_are_confirmed_until_full_then_waitlisted(app, make_event):
    event = make_event(capacity=2, waitlist_enabled=True)
    assert [register(app, event, n) for n in range(4)] == [
        "confirmed",
        "confirmed",
        "waitlisted",
        "waitlisted",
    ]
    assert seats_taken(app, event) == 2


def test_full_without_waiting_list_answers_full_and_stores_nothing(app, make_event):
    event = make_event(capacity=1)
    assert register(app, event, 1) == "confirmed"
    assert register(app, event, 2) == "full"
    assert len(registrations(app, event)) == 1
    assert seats_taken(app, event) == 1


def test_unlimited_talk_counts_seats_and_never_fills(app, make_event):
    event = make_event(capacity=None)
    assert {register(app, event, n) for n in range(5)} == {"confirmed"}
    assert seats_taken(app, event) == 5


def test_closed_talk_answers_closed(app, make_event):
    from support.factories import in_days

    event = make_event(registration_closes_at=in_days(-1))
    assert register(app, event, 1) == "closed"
    assert registrations(app) == []


def test_same_address_in_other_case_is_already_registered(app, make_event):
    event = make_event()
    assert register(app, event, 1) == "confirmed"
    assert register(app, event, 1, email="  PERSON1@Example.org") == "already_registered"
    assert len(registrations(app, event)) == 1
    assert seats_taken(app, event) == 1


def test_sixty_simultaneous_registrations_for_twenty_seats(app, make_event):
    event = make_event(capacity=20, waitlist_enabled=True)
    start = threading.Barrier(60)
    outcomes, errors = [], []

    def attempt(n: int) -> None:
        try:
            with app.app_context():
                start.wait()
                outcomes.append(seats.register(event, person(n)).status)
                db.session.remove()
        except Exception as error:  # noqa: BLE001  (reported by the assertion below)
            errors.append(repr(error))

    threads = [threading.Thread(target=attempt, args=(n,)) for n in range(60)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert sorted(outcomes) == ["confirmed"] * 20 + ["waitlisted"] * 40
    statuses = [r.status for r in registrations(app, event)]
    assert statuses.count("confirmed") == 20 and statuses.count("waitlisted") == 40
    assert seats_taken(app, event) == 20
    assert len(emails(app)) == 60


def test_simultaneous_registrations_with_one_address_make_one_row(app, make_event):
    event = make_event(capacity=5)
    start = threading.Barrier(8)
    outcomes, errors = [], []

    def attempt() -> None:
        try:
            with app.app_context():
                start.wait()
                outcomes.append(seats.register(event, person(1)).status)
                db.session.remove()
        except Exception as error:  # noqa: BLE001
            errors.append(repr(error))

    threads = [threading.Thread(target=attempt) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert sorted(outcomes) == ["already_registered"] * 7 + ["confirmed"]
    assert len(registrations(app, event)) == 1
    assert seats_taken(app, event) == 1


def test_cancelling_a_seat_promotes_the_oldest_waitlisted_person(app, make_event):
    event = make_event(capacity=1, waitlist_enabled=True)
    for n in range(3):
        register(app, event, n)
    first, oldest_waiting, next_waiting = registrations(app, event)
    assert cancel(app, first.token) is True
    assert registration(app, oldest_waiting.token).status == "confirmed"
    assert registration(app, next_waiting.token).status == "waitlisted"
    assert seats_taken(app, event) == 1
    [promoted] = emails(app, "promoted")
    assert promoted.recipient == "person1@example.org"
    assert [e.recipient for e in emails(app, "cancelled")] == ["person0@example.org"]


def test_cancelling_without_anyone_waiting_frees_the_seat(app, make_event):
    event = make_event(capacity=3)
    register(app, event, 1)
    [row] = registrations(app, event)
    assert cancel(app, row.token) is True
    assert seats_taken(app, event) == 0
    assert registration(app, row.token).cancelled_at is not None


def test_cancelling_twice_releases_one_seat(app, make_event):
    event = make_event(capacity=3)
    register(app, event, 1)
    register(app, event, 2)
    row = registrations(app, event)[0]
    assert cancel(app, row.token) is True
    assert cancel(app, row.token) is False
    assert seats_taken(app, event) == 1
    assert len(emails(app, "cancelled")) == 1


def test_cancelling_a_waitlisted_registration_leaves_the_seats_alone(app, make_event):
    event = make_event(capacity=1, waitlist_enabled=True)
    register(app, event, 1)
    register(app, event, 2)
    waiting = registrations(app, event)[1]
    cancel(app, waiting.token)
    assert seats_taken(app, event) == 1
    assert emails(app, "promoted") == []


def test_a_cancelled_person_can_register_again(app, make_event):
    event = make_event(capacity=3)
    register(app, event, 1)
    cancel(app, registrations(app, event)[0].token)
    assert register(app, event, 1) == "confirmed"
    assert [r.status for r in registrations(app, event)] == ["cancelled", "confirmed"]


def test_more_seats_promote_waitlisted_people_in_order(app, make_event):
    event = make_event(capacity=1, waitlist_enabled=True)
    for n in range(4):
        register(app, event, n)
    with app.app_context():
        row = db.session.get(Event, event.id)
        row.capacity = 3
        db.session.commit()
        assert seats.fill_free_seats(row) == 2
    assert [r.status for r in registrations(app, event)] == [
        "confirmed",
        "confirmed",
        "confirmed",
        "waitlisted",
    ]
    assert [e.recipient for e in emails(app, "promoted")] == [
        "person1@example.org",
        "person2@example.org",
    ]
    assert seats_taken(app, event) == 3


def test_anonymising_cancels_erases_details_and_unsent_emails(app, make_event):
    event = make_event(capacity=1, waitlist_enabled=True)
    register(app, event, 1, job_title="Director", timezone="Asia/Tokyo")
    register(app, event, 2)
    row = registrations(app, event)[0]
    with app.app_context():
        privacy.erase(
            db.session.execute(
                db.select(Registration).where(Registration.token == row.token)
            ).scalar_one()
        )
    erased = registration(app, row.token)
    assert erased.status == "cancelled" and erased.anonymised_at is not None
    for field in privacy.PERSONAL_FIELDS:
        assert getattr(erased, field) == "", field
    # Not "": the unique index of active registrations still covers the row.
    assert erased.email_normalised == f"anonymised-{erased.id}"
    assert all(e.recipient != "person1@example.org" for e in emails(app))
    assert [e.kind for e in emails(app)] == ["waitlisted", "promoted"]
    assert registrations(app, event)[1].status == "confirmed"
