"""The API's talks: filtered lists, one talk in full, its figures; the per-token rate limit."""

from datetime import timedelta

import pytest
from support.api import NEW_REGISTRATION

from webinar.api.idempotency import purge_expired
from webinar.extensions import db
from webinar.models import IdempotentRequest, utcnow


def ids(response) -> list[int]:
    return [talk["id"] for talk in response.get_json()["items"]]


def test_talks_are_filtered_by_status_time_and_change(owner_api, make_event, owner, clock):
    now = clock()
    past = make_event(owner_id=owner, starts_at=now - timedelta(days=3))
    draft = make_event(owner_id=owner, status="draft")
    assert set(ids(owner_api.get("/api/v1/talks?when=past"))) == {past.id}
    assert set(ids(owner_api.get("/api/v1/talks?when=upcoming"))) == {draft.id}
    assert ids(owner_api.get("/api/v1/talks?status=published")) == [past.id]
    clock.advance(minutes=5)
    since = clock().isoformat()
    owner_api.post(f"/api/v1/talks/{past.id}/registrations", json=NEW_REGISTRATION)
    # A registration is no change of the talk; a talk changed is.
    assert ids(owner_api.get("/api/v1/talks", query_string={"updated_since": since})) == []


def test_one_talk_has_its_speakers_materials_questions_and_counts(
    owner_api, make_event, owner, person, make_question, app
):
    from support.eventdata import add_material, add_speakers

    event = make_event(owner_id=owner)
    add_speakers(app, event.id, [("Sam Speaker", "Director", "Cluster Office")])
    add_material(app, event.id, kind="link", title="Site", url="https://example.org/")
    question = make_question(event, "yes_no", "First time?", required=True)
    person(event, "Ada")
    person(event, "Bea", status="waitlisted")
    talk = owner_api.get(f"/api/v1/talks/{event.id}").get_json()
    assert [s["name"] for s in talk["speakers"]] == ["Sam Speaker"]
    assert [m["url"] for m in talk["materials"]] == ["https://example.org/"]
    assert [(q["id"], q["label"], q["required"]) for q in talk["questions"]] == [
        (question["id"], "First time?", True)
    ]  # fmt: skip
    assert talk["counts"] == {"confirmed": 1, "waitlisted": 1, "cancelled": 0, "joined": 0,
                              "attended": 0}  # fmt: skip
    assert "join_url" not in talk


def test_figures_count_per_day_and_per_source(owner_api, make_event, owner, person, clock):
    event = make_event(owner_id=owner)
    day = clock()
    person(event, "Ada", created_at=day - timedelta(days=1), utm_source="newsletter")
    person(event, "Bea", created_at=day, utm_source="newsletter")
    person(event, "Cem", created_at=day, referrer="https://social.example/post/1")
    figures = owner_api.get(f"/api/v1/talks/{event.id}/figures").get_json()
    assert [d["registrations"] for d in figures["per_day"]] == [1, 2]
    assert figures["per_source"] == [{"source": "newsletter", "registrations": 2}]
    assert figures["per_referrer"] == [{"source": "social.example", "registrations": 1}]
    assert figures["counts"]["confirmed"] == 3


@pytest.fixture
def limited(app_config):
    app_config.update(RATELIMIT_ENABLED=True, API_RATE_LIMIT="3 per minute")


def test_each_token_has_its_own_rate_limit(limited, api_client, owner):
    first, second = api_client(owner), api_client(owner)
    answers = [first.get("/api/v1/talks").status_code for _ in range(4)]
    assert answers == [200, 200, 200, 429]
    refused = first.get("/api/v1/talks")
    assert refused.mimetype == "application/problem+json"
    assert int(refused.headers["Retry-After"]) > 0
    assert second.get("/api/v1/talks").status_code == 200


def test_stored_answers_to_idempotency_keys_are_purged_after_24_hours(
    app, owner_api, owned_event, clock
):
    owner_api.post(f"/api/v1/talks/{owned_event.id}/registrations", json={},
                   headers={"Idempotency-Key": "k"})  # fmt: skip
    with app.app_context():
        assert purge_expired(utcnow() + timedelta(hours=23)) == 0
        assert purge_expired(utcnow() + timedelta(hours=25)) == 1
        assert db.session.scalars(db.select(IdempotentRequest)).all() == []


def test_a_talk_names_its_series_and_the_address_of_the_series_page(
    owner_api, make_event, make_series, owner
):
    series = make_series(name="EU Clusters Talk", slug="eu-clusters-talk")
    in_series = make_event(owner_id=owner, series_id=series.id, series_label="", slug="in")
    alone = make_event(owner_id=owner, series_label="", slug="alone")
    talk = owner_api.get(f"/api/v1/talks/{in_series.id}").get_json()
    assert (talk["series"], talk["series_slug"]) == ("EU Clusters Talk", "eu-clusters-talk")
    talk = owner_api.get(f"/api/v1/talks/{alone.id}").get_json()
    assert (talk["series"], talk["series_slug"]) == ("", None)
