"""1,000 registrations through the API from 16 clients at once: exact seats and waiting list."""

from concurrent.futures import ThreadPoolExecutor

import pytest
from support.api import NEW_REGISTRATION, send
from support.stored import emails, load_event, registrations

pytestmark = pytest.mark.slow

REGISTRATIONS, CLIENTS, SEATS = 1000, 16, 300


def test_a_thousand_registrations_from_sixteen_clients_fill_the_seats_exactly(
    app, api_server, make_token, make_event, owner
):
    event = make_event(owner_id=owner, capacity=SEATS, waitlist_enabled=True)
    tokens = [make_token(owner) for _ in range(CLIENTS)]
    url = f"{api_server}/api/v1/talks/{event.id}/registrations"

    def register(number: int):
        body = {**NEW_REGISTRATION, "email": f"p{number}@example.org"}
        return send(url, tokens[number % CLIENTS], body, {"Idempotency-Key": f"n-{number}"})

    with ThreadPoolExecutor(CLIENTS) as pool:
        answers = list(pool.map(register, range(REGISTRATIONS)))

    assert sorted({status for status, _ in answers}) == [201]
    statuses = [body["status"] for _, body in answers]
    assert statuses.count("confirmed") == SEATS
    assert statuses.count("waitlisted") == REGISTRATIONS - SEATS
    stored = registrations(app, event)
    assert len(stored) == REGISTRATIONS
    assert sum(r.status == "confirmed" for r in stored) == SEATS
    assert load_event(app, event.id).seats_taken == SEATS
    assert len(emails(app)) == REGISTRATIONS
