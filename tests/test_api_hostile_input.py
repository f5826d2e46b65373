"""Hostile input in every field of the API: refused with problem details, never a 5xx."""

import pytest
from support.api import NEW_REGISTRATION as VALID
from test_hostile_input import NASTY
from test_xss import PAYLOADS

from webinar.extensions import db
from webinar.models import Registration

pytestmark = pytest.mark.slow

FIELDS = [*VALID, "job_title", "consent_marketing", "timezone", "utm_source", "utm_medium",
          "utm_campaign", "referrer"]  # fmt: skip
# Values of the wrong JSON type, besides the hostile texts.
WRONG_TYPES = [None, 12, -1.5, True, [], ["a", "b"], {"a": 1}, 10**30]
VALUES = [*NASTY, *PAYLOADS, *WRONG_TYPES]


def assert_refused_or_done(response, what) -> None:
    assert response.status_code < 500, what
    if response.status_code >= 400:
        assert response.mimetype == "application/problem+json", what
        assert response.get_json()["status"] == response.status_code, what


@pytest.fixture
def talk(make_event, owner, make_question):
    event = make_event(owner_id=owner, capacity=500, waitlist_enabled=True)
    kinds = {}
    for kind, options in (("short_text", ()), ("long_text", ()), ("number", ()), ("date", ()),
                          ("url", ()), ("yes_no", ()), ("agreement", ()),
                          ("single_choice", ("A", "B")), ("multiple_choice", ("A", "B", "C"))):
        kinds[kind] = make_question(event, kind, f"A {kind} question", options)["id"]
    return event, kinds


def test_every_field_of_a_new_registration_survives_hostile_values(app, owner_api, talk):
    event, questions = talk
    url = f"/api/v1/talks/{event.id}/registrations"
    number = 0
    for name in FIELDS:
        for value in VALUES:
            number += 1
            body = {**VALID, "email": f"p{number}@example.org", name: value}
            assert_refused_or_done(owner_api.post(url, json=body), (name, repr(value)[:60]))
    for kind, question_id in questions.items():
        for value in [*VALUES, [1, [2]], {"x": {"y": 1}}]:
            number += 1
            body = {**VALID, "email": f"p{number}@example.org",
                    "answers": {str(question_id): value}}  # fmt: skip
            assert_refused_or_done(owner_api.post(url, json=body), (kind, repr(value)[:60]))
    for answers in (["1"], "x", None, {"": "x"}, {"-1": 1}, {"9" * 40: 1}, {"\x00": 1}):
        body = {**VALID, "email": "q@example.org", "answers": answers}
        assert_refused_or_done(owner_api.post(url, json=body), repr(answers))
    with app.app_context():
        names = db.session.scalars(db.select(Registration.first_name)).all()
    # What was accepted is stored as sent: only names a person could have.
    assert set(names) <= {"Ada"} | {v for v in VALUES if isinstance(v, str)}


@pytest.mark.parametrize(
    "body",
    [b"", b"{", b"[]", b"null", b'"text"', b"\xff\xfe", b'{"first_name": "\\ud800"}',
     b"[" * 5000 + b"]" * 5000],
)  # fmt: skip
def test_a_body_that_is_no_json_object_is_a_problem(owner_api, owned_event, body):
    response = owner_api.post(f"/api/v1/talks/{owned_event.id}/registrations", data=body,
                              content_type="application/json")  # fmt: skip
    assert_refused_or_done(response, body[:20])
    assert response.status_code in (400, 422)


def test_every_query_parameter_and_header_survives_hostile_values(
    owner_api, owned_event, person
):
    registration_id = person(owned_event, "Ada")
    lists = ["/api/v1/talks", f"/api/v1/talks/{owned_event.id}/registrations"]
    for url in lists:
        for name in ("status", "when", "updated_since", "cursor", "limit"):
            for value in [*NASTY, *PAYLOADS]:
                if "\x00" in value:
                    continue  # refused before the app (tests/test_hostile_queries.py)
                response = owner_api.get(url, query_string={name: value})
                assert_refused_or_done(response, (url, name, value[:40]))
    attendance = f"/api/v1/talks/{owned_event.id}/registrations/{registration_id}/attendance"
    for value in [*VALUES, "1970-01-01T00:00:00+14:00", "2999-12-31T23:59:59-12:00"]:
        response = owner_api.post(attendance, json={"attended_at": value})
        assert_refused_or_done(response, ("attended_at", repr(value)[:40]))
    for key in [value for value in NASTY + PAYLOADS if "\r" not in value and "\n" not in value]:
        try:
            key.encode("latin-1")
        except UnicodeEncodeError:
            continue  # not a value an HTTP header can carry
        response = owner_api.post(attendance, json={}, headers={"Idempotency-Key": key})
        assert_refused_or_done(response, ("Idempotency-Key", key[:40]))
    for header in ("Bearer", "Bearer ", "bearer wbn_", "Basic abc", "Bearer wbn_" + "x" * 5000):
        response = owner_api.client.get("/api/v1/talks", headers={"Authorization": header})
        assert response.status_code == 401 and response.mimetype == "application/problem+json"
