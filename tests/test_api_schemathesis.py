"""schemathesis against /api/v1/openapi.json, with a token: no 5xx, every answer as documented.

Requests generated for every operation (random ids, query strings, bodies
and Idempotency-Keys, valid by the schema and not) go to the app on both
databases; a talk with registrations and answers gives the ids something to
find. Each operation is a Hypothesis test of its own, run here in a loop
(schemathesis' pytest plugin cannot take per-database fixtures on this pytest).
"""

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode, checks

pytestmark = pytest.mark.slow

# Few examples per operation and kind keep this within seconds; the
# hostile-input test sends the known nasty values to every field on top.
EXAMPLES = 20

CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_headers_conformance,
    checks.response_schema_conformance,
]


@pytest.fixture
def talk_with_registrations(owner, make_event, person, make_question, make_answer):
    event = make_event(owner_id=owner, capacity=2, waitlist_enabled=True)
    question = make_question(event, "single_choice", "Sector", ("Public", "Private"))
    for name in ("Ada", "Bea", "Cem"):
        make_answer(person(event, name), question["id"], option_id=question["options"][0])
    return event


def test_the_api_answers_every_generated_request_as_documented(
    app, talk_with_registrations, make_token, owner
):
    headers = {"Authorization": f"Bearer {make_token(owner)}"}
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 7
    seen: set[int] = set()
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @given(case=operation.as_strategy(generation_mode=mode))
            @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                      suppress_health_check=list(HealthCheck))  # fmt: skip
            def answers_as_documented(case):
                seen.add(case.call_and_validate(headers=headers, checks=CHECKS).status_code)

            answers_as_documented()
    # Requests found things and were refused; none failed.
    assert {200, 404, 422} <= seen, seen
