"""Idempotency-Key: a retried write gets the first answer and acts once, even at the same time."""

import threading

from support.api import NEW_REGISTRATION as NEW
from support.api import send
from support.stored import registrations

from webinar.api import registrations as resource


def url(event) -> str:
    return f"/api/v1/talks/{event.id}/registrations"


def test_the_same_key_and_body_twice_register_once(app, owner_api, make_event, owner):
    event = make_event(owner_id=owner, capacity=5)
    key = {"Idempotency-Key": "order-1"}
    first = owner_api.post(url(event), json=NEW, headers=key)
    again = owner_api.post(url(event), json=NEW, headers=key)
    assert first.status_code == again.status_code == 201
    assert again.get_json() == first.get_json()
    assert again.headers["Location"] == first.headers["Location"]
    assert again.headers["Idempotent-Replayed"] == "true"
    assert len(registrations(app, event)) == 1


def test_the_same_key_with_another_body_is_a_422(app, owner_api, owned_event):
    key = {"Idempotency-Key": "order-2"}
    assert owner_api.post(url(owned_event), json=NEW, headers=key).status_code == 201
    other = owner_api.post(url(owned_event), json={**NEW, "email": "bea@example.org"},
                           headers=key)  # fmt: skip
    assert other.status_code == 422
    assert "different request" in other.get_json()["detail"]
    assert len(registrations(app, owned_event)) == 1


def test_a_refusal_is_replayed_too(owner_api, owned_event):
    key = {"Idempotency-Key": "order-3"}
    refused = owner_api.post(url(owned_event), json={**NEW, "email": "nope"}, headers=key)
    assert refused.status_code == 422
    again = owner_api.post(url(owned_event), json={**NEW, "email": "nope"}, headers=key)
    assert again.get_json() == refused.get_json()
    assert again.mimetype == "application/problem+json"


def test_a_key_is_kept_24_hours(app, owner_api, owned_event, clock):
    key = {"Idempotency-Key": "order-4"}
    owner_api.post(url(owned_event), json=NEW, headers=key)
    clock.advance(hours=23)
    assert "Idempotent-Replayed" in owner_api.post(url(owned_event), json=NEW, headers=key).headers
    clock.advance(hours=2)
    later = owner_api.post(url(owned_event), json=NEW, headers=key)
    # Carried out again: the address is registered already, so the answer says so.
    assert later.status_code == 200 and "Idempotent-Replayed" not in later.headers


def test_the_same_key_from_another_token_is_another_request(api_client, owner, owned_event):
    key = {"Idempotency-Key": "shared"}
    assert api_client(owner).post(url(owned_event), json=NEW, headers=key).status_code == 201
    second = api_client(owner).post(url(owned_event), json={**NEW, "email": "b@example.org"},
                                    headers=key)  # fmt: skip
    assert second.status_code == 201


def test_concurrent_duplicates_give_one_201_and_one_409(
    app, api_server, make_token, owner, owned_event, monkeypatch
):
    token = make_token(owner)
    inside, release = threading.Event(), threading.Event()
    talk_of = resource.get_talk_or_404

    def held(*args, **kwargs):
        # The first request holds here, its key stored and committed, while the
        # second one arrives.
        inside.set()
        assert release.wait(30)
        return talk_of(*args, **kwargs)

    monkeypatch.setattr(resource, "get_talk_or_404", held)
    key = {"Idempotency-Key": "at-once"}
    answers = {}
    first = threading.Thread(
        target=lambda: answers.setdefault("first", send(api_server + url(owned_event), token,
                                                        NEW, key))  # fmt: skip
    )
    first.start()
    assert inside.wait(30)
    answers["second"] = send(api_server + url(owned_event), token, NEW, key)
    release.set()
    first.join(30)
    assert answers["first"][0] == 201
    assert answers["second"][0] == 409
    assert "still being carried out" in answers["second"][1]["detail"]
    assert len(registrations(app, owned_event)) == 1


def test_a_key_that_is_not_printable_ascii_is_a_400(app, owner_api, owned_event):
    for key in ("", "\x00", "tab\there", "é", "x" * 201):
        response = owner_api.post(url(owned_event), json=NEW, headers={"Idempotency-Key": key})
        assert response.status_code == 400, repr(key)
        assert "printable ASCII" in response.get_json()["detail"]
    assert registrations(app, owned_event) == []
