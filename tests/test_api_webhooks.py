"""The API's webhook endpoints, and the webhooks that API writes cause."""

from __future__ import annotations

from standardwebhooks import Webhook
from support.forms import register_through_form

from webinar.extensions import db
from webinar.models import AuditEntry

REGISTRANT = {"first_name": "Ada", "last_name": "Lovelace", "email": "ada@example.org",
              "organisation": "Analytical Engines", "country": "BE",
              "consent_privacy": True}  # fmt: skip
NEW_ENDPOINT = {"url": "https://hooks.example.org/x", "events": ["talk.updated"]}


def test_a_registration_through_the_api_and_one_through_the_form_each_give_one_signed_created(
    app, client, owner, owner_api, owned_event, receiver, make_endpoint, deliver_webhooks
):
    _, secret = make_endpoint(owner, receiver.url, events=["registration.created"])
    receiver.secrets = [secret]

    answer = owner_api.post(f"/api/v1/talks/{owned_event.id}/registrations", json=REGISTRANT)
    assert answer.status_code == 201
    register_through_form(client, owned_event.slug, email="grace@example.org")
    deliver_webhooks()

    created = receiver.of_type("registration.created")
    assert len(created) == 2 and len(receiver.received) == 2
    assert all(one.verified for one in created)
    assert created[0].payload["data"]["id"] == answer.get_json()["id"]
    assert created[0].webhook_id != created[1].webhook_id


def test_recording_attendance_gives_attendance_recorded(
    app, owner, owner_api, owned_event, person, receiver, make_endpoint, deliver_webhooks
):
    registration_id = person(owned_event, "Ada")
    _, secret = make_endpoint(owner, receiver.url, events=["attendance.recorded"])
    receiver.secrets = [secret]

    answer = owner_api.post(
        f"/api/v1/talks/{owned_event.id}/registrations/{registration_id}/attendance", json={}
    )
    assert answer.status_code == 200
    deliver_webhooks()

    [recorded] = receiver.received
    assert recorded.verified
    assert recorded.payload["data"]["id"] == registration_id
    assert recorded.payload["data"]["attended_at"] is not None


def test_an_endpoint_made_through_the_api_gives_its_secret_once_and_signs_with_it(
    app, owner_api, receiver, deliver_webhooks
):
    app.config["WEBHOOK_ALLOW_HOSTS"] = ["127.0.0.1"]
    created = owner_api.post("/api/v1/webhooks", json={
        "url": receiver.url, "events": ["talk.updated", "registration.created"],
        "description": "Our CRM",
    })  # fmt: skip
    assert created.status_code == 201
    endpoint = created.get_json()
    secret = endpoint["secret"]
    assert secret.startswith("whsec_")
    assert endpoint["events"] == ["registration.created", "talk.updated"]

    shown = owner_api.get(f"/api/v1/webhooks/{endpoint['id']}").get_json()
    assert "secret" not in shown and shown["description"] == "Our CRM"
    assert [one["id"] for one in owner_api.get("/api/v1/webhooks").get_json()["items"]] == [
        endpoint["id"]
    ]

    test = owner_api.post(f"/api/v1/webhooks/{endpoint['id']}/test")
    assert test.status_code == 202
    deliver_webhooks()
    [received] = receiver.received
    assert received.webhook_id == test.get_json()["webhook_id"]
    assert Webhook(secret).verify(received.body, received.headers)["type"] == "webhook.test"

    changed = owner_api.patch(f"/api/v1/webhooks/{endpoint['id']}", json={"enabled": False})
    assert changed.status_code == 200
    assert changed.get_json()["enabled"] is False
    assert changed.get_json()["events"] == ["registration.created", "talk.updated"]

    assert owner_api.delete(f"/api/v1/webhooks/{endpoint['id']}").status_code == 204
    assert owner_api.get(f"/api/v1/webhooks/{endpoint['id']}").status_code == 404
    with app.app_context():
        actions = db.session.scalars(db.select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert [a for a in actions if a.startswith("webhook")] == [
        "webhook_added", "webhook_test_sent", "webhook_changed", "webhook_deleted"
    ]  # fmt: skip


def test_refused_settings_are_problem_details(owner_api):
    answer = owner_api.post("/api/v1/webhooks", json={"url": "https://169.254.169.254/x",
                                                      "events": ["no.such.event"]})  # fmt: skip
    assert answer.status_code == 422
    assert answer.mimetype == "application/problem+json"
    assert "events" in answer.get_json()["errors"]

    answer = owner_api.post("/api/v1/webhooks", json={"url": "https://169.254.169.254/x",
                                                      "events": ["talk.updated"]})  # fmt: skip
    assert answer.status_code == 422
    assert "metadata" in answer.get_json()["errors"]["url"][0]


def test_tokens_see_and_change_only_what_they_may(
    app, owner, api_client, make_organiser, make_event, owned_event, make_endpoint
):
    other = make_organiser("oscar@example.org", "Oscar Other")
    theirs, _ = make_endpoint(other, "https://hooks.example.org/oscar")
    mine, _ = make_endpoint(owner, "https://hooks.example.org/olga")
    reader = api_client(owner, scopes="read")
    limited = api_client(owner, talks=(owned_event.id,))
    everything = api_client(owner)

    assert everything.get(f"/api/v1/webhooks/{theirs}").status_code == 404
    change = everything.patch(f"/api/v1/webhooks/{theirs}", json={"enabled": False})
    assert change.status_code == 404
    assert reader.get(f"/api/v1/webhooks/{mine}").status_code == 200
    assert reader.post("/api/v1/webhooks", json=NEW_ENDPOINT).status_code == 403
    # A token limited to a talk neither sees an endpoint of every talk nor makes one.
    assert limited.get("/api/v1/webhooks").get_json()["items"] == []
    assert limited.get(f"/api/v1/webhooks/{mine}").status_code == 404
    refused = limited.post("/api/v1/webhooks", json=NEW_ENDPOINT)
    assert refused.status_code == 422
    allowed = limited.post("/api/v1/webhooks", json={**NEW_ENDPOINT,
                                                     "talk_ids": [owned_event.id]})
    assert allowed.status_code == 201
    assert allowed.get_json()["talk_ids"] == [owned_event.id]


def test_the_api_answers_in_english_whatever_language_the_client_reads(owner_api):
    answer = owner_api.post("/api/v1/webhooks", headers={"Accept-Language": "de"},
                            json={"url": "ftp://hooks.example.org/x",
                                  "events": ["talk.updated"]})  # fmt: skip
    assert answer.status_code == 422
    assert answer.get_json()["errors"]["url"] == ["Enter an address starting with https://."]
    answer = owner_api.post("/api/v1/webhooks", headers={"Accept-Language": "fr"},
                            json={"url": "https://10.0.0.1/x", "events": ["talk.updated"]})
    assert answer.get_json()["errors"]["url"] == [
        "Webhooks cannot go there: 10.0.0.1 is a private address."]
