"""Who the API answers: a bearer token only, within its scopes, talks and its organiser's roles."""

import pytest

from webinar.extensions import db
from webinar.models import ApiToken, AuditEntry, Organiser, utcnow
from webinar.organiser.services.api_tokens import revoke_token


def test_the_openapi_document_is_served_without_a_token(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    spec = response.get_json()
    assert spec["openapi"] == "3.1.0"
    assert "/api/v1/talks/{talk_id}/registrations" in spec["paths"]


def test_a_request_without_a_token_gets_a_401_problem(client):
    response = client.get("/api/v1/talks")
    assert response.status_code == 401
    assert response.mimetype == "application/problem+json"
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert response.get_json()["status"] == 401


def test_a_session_cookie_alone_never_authenticates(owner_client, owned_event):
    assert owner_client.get("/organiser/").status_code == 200
    response = owner_client.get(f"/api/v1/talks/{owned_event.id}")
    assert response.status_code == 401


def test_an_unknown_token_gets_a_401(client):
    response = client.get("/api/v1/talks", headers={"Authorization": "Bearer wbn_not-a-token"})
    assert response.status_code == 401


def test_a_token_sees_its_organisers_talks_only(
    app, owner_api, owned_event, make_event, make_organiser
):
    other = make_organiser("someone@example.org")
    theirs = make_event(owner_id=other)
    listed = owner_api.get("/api/v1/talks").get_json()
    assert [talk["id"] for talk in listed["items"]] == [owned_event.id]
    assert owner_api.get(f"/api/v1/talks/{owned_event.id}").status_code == 200
    hidden = owner_api.get(f"/api/v1/talks/{theirs.id}")
    assert hidden.status_code == 404
    assert hidden.mimetype == "application/problem+json"
    assert owner_api.get(f"/api/v1/talks/{theirs.id}/registrations").status_code == 404


def test_a_token_limited_to_one_talk_sees_nothing_of_another(
    api_client, owner, owned_event, make_event, person
):
    second = make_event(owner_id=owner)
    person(second, "Ada")
    limited = api_client(owner, talks=(owned_event.id,))
    assert [t["id"] for t in limited.get("/api/v1/talks").get_json()["items"]] == [owned_event.id]
    for url in (f"/api/v1/talks/{second.id}", f"/api/v1/talks/{second.id}/registrations",
                f"/api/v1/talks/{second.id}/figures"):  # fmt: skip
        assert limited.get(url).status_code == 404


def test_a_token_limited_to_a_deleted_talk_reaches_no_talk(
    app, api_client, owner, owned_event, make_event
):
    from webinar.models import Event

    other = make_event(owner_id=owner)
    limited = api_client(owner, talks=(owned_event.id,))
    with app.app_context():
        db.session.delete(db.session.get(Event, owned_event.id))
        db.session.commit()
    assert limited.get("/api/v1/talks").get_json()["items"] == []
    assert limited.get(f"/api/v1/talks/{other.id}").status_code == 404


def test_a_read_token_cannot_write(api_client, owner, owned_event):
    reader = api_client(owner, scopes="read")
    assert reader.get(f"/api/v1/talks/{owned_event.id}").status_code == 200
    response = reader.post(f"/api/v1/talks/{owned_event.id}/registrations", json={})
    assert response.status_code == 403
    assert "only read" in response.get_json()["detail"]


def test_a_viewer_of_a_talk_can_read_it_but_not_register_anyone(
    app, api_client, owned_event, make_organiser
):
    from webinar.models import EventRole

    viewer = make_organiser("viewer@example.org")
    with app.app_context():
        db.session.add(EventRole(event_id=owned_event.id, organiser_id=viewer, role="viewer"))
        db.session.commit()
    token = api_client(viewer)
    assert token.get(f"/api/v1/talks/{owned_event.id}").status_code == 200
    response = token.post(f"/api/v1/talks/{owned_event.id}/registrations", json={})
    assert response.status_code == 403
    assert "role" in response.get_json()["detail"]


def test_a_revoked_token_gets_a_401(app, owner_api, owner):
    assert owner_api.get("/api/v1/talks").status_code == 200
    with app.app_context():
        organiser = db.session.get(Organiser, owner)
        token_id = db.session.scalar(db.select(ApiToken.id))
        revoke_token(organiser, token_id)
    assert owner_api.get("/api/v1/talks").status_code == 401


def test_a_deactivated_organisers_token_gets_a_401(app, owner_api, owner):
    assert owner_api.get("/api/v1/talks").status_code == 200
    with app.app_context():
        db.session.get(Organiser, owner).deactivated_at = utcnow()
        db.session.commit()
    assert owner_api.get("/api/v1/talks").status_code == 401


def test_use_updates_last_used_at_most_once_a_minute(app, owner_api, clock):
    def last_used():
        with app.app_context():
            return db.session.scalar(db.select(ApiToken.last_used_at))

    assert last_used() is None
    owner_api.get("/api/v1/talks")
    first = last_used()
    assert first is not None
    clock.advance(seconds=30)
    owner_api.get("/api/v1/talks")
    assert last_used() == first
    clock.advance(seconds=31)
    owner_api.get("/api/v1/talks")
    assert last_used() > first


def test_creating_and_revoking_a_token_is_in_the_audit_log(app, owner_api, owner):
    with app.app_context():
        revoke_token(db.session.get(Organiser, owner), db.session.scalar(db.select(ApiToken.id)))
        actions = db.session.scalars(db.select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions == ["api_token_created", "api_token_revoked"]


@pytest.mark.parametrize(
    ("method", "url", "status"),
    [("get", "/api/v1/no-such-thing", 404), ("delete", "/api/v1/talks", 405),
     ("get", "/api/v1/talks?limit=0", 422), ("get", "/api/v1/talks?when=someday", 422),
     ("get", "/api/v1/talks?cursor=%%%", 422), ("get", "/api/v1/talks/99999999999", 404)],
)  # fmt: skip
def test_every_error_is_a_problem_document(owner_api, method, url, status):
    response = getattr(owner_api.client, method)(url, headers=owner_api._headers(None))
    assert response.status_code == status
    assert response.mimetype == "application/problem+json"
    problem = response.get_json()
    assert problem["status"] == status and problem["title"] and problem["detail"]
