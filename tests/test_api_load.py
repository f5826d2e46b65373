"""1,000 registrations through the API from 16 clients at once: exact seats and waiting list."""

import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from support.api import NEW_REGISTRATION, send
from support.stored import emails, load_event, registrations

pytestmark = pytest.mark.slow

REGISTRATIONS, CLIENTS, SEATS = 1000, 16, 300
RETRIES = 5


def test_a_thousand_registrations_from_sixteen_clients_fill_the_seats_exactly(
    app, api_server, make_token, make_event, owner
):
    event = make_event(owner_id=owner, capacity=SEATS, waitlist_enabled=True)
    tokens = [make_token(owner) for _ in range(CLIENTS)]
    url = f"{api_server}/api/v1/talks/{event.id}/registrations"

    retried = []

    def register(number: int):
        body = {**NEW_REGISTRATION, "email": f"p{number}@example.org"}
        key = {"Idempotency-Key": f"n-{number}"}
        # SQLite answers 503 "try again" when a write waited too long for the
        # lock (a busy machine): a client sends the same request again, with the
        # same key, as the answer's Retry-After invites it to.
        for _ in range(RETRIES):
            status, answer = send(url, tokens[number % CLIENTS], body, key)
            if status != 503:
                return status, answer
            retried.append(number)
            time.sleep(0.2)
        return status, answer

    with ThreadPoolExecutor(CLIENTS) as pool:
        answers = list(pool.map(register, range(REGISTRATIONS)))

    assert sorted({status for status, _ in answers}) == [201]
    assert len(retried) < REGISTRATIONS / 20  # the rare exception, not the rule
    statuses = [body["status"] for _, body in answers]
    assert statuses.count("confirmed") == SEATS
    assert statuses.count("waitlisted") == REGISTRATIONS - SEATS
    stored = registrations(app, event)
    assert len(stored) == REGISTRATIONS
    assert sum(r.status == "confirmed" for r in stored) == SEATS
    assert load_event(app, event.id).seats_taken == SEATS
    assert len(emails(app)) == REGISTRATIONS
