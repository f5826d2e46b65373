"""The API's registrations: the form's rules, seats and emails; lists to sync; attendance."""

from support.api import NEW_REGISTRATION as NEW
from support.stored import emails, registrations

from webinar.extensions import db
from webinar.models import AuditEntry, Registration


def url(event, rest: str = "") -> str:
    return f"/api/v1/talks/{event.id}/registrations{rest}"


def test_a_registration_through_the_api_takes_a_seat_and_queues_the_confirmation(
    inbox, app, owner_api, make_event, owner
):
    event = make_event(owner_id=owner, capacity=1, waitlist_enabled=True)
    response = owner_api.post(url(event), json=NEW)
    assert response.status_code == 201
    body = response.get_json()
    assert body["status"] == "confirmed" and body["email"] == "ada@example.org"
    assert response.headers["Location"].endswith(url(event, f"/{body['id']}"))
    second = owner_api.post(url(event), json={**NEW, "email": "grace@example.org"})
    assert second.get_json()["status"] == "waitlisted"
    delivered = inbox.deliver()
    assert sorted(m["To"] for m in delivered) == ["ada@example.org", "grace@example.org"]
    with app.app_context():
        actions = db.session.scalars(
            db.select(AuditEntry.action).where(AuditEntry.registration_id.is_not(None))
        ).all()
    assert actions == ["registration_added", "registration_added"]


def test_the_talks_form_rules_apply(owner_api, owned_event):
    response = owner_api.post(
        url(owned_event),
        json={**NEW, "first_name": "Visit www.spam.example", "email": "not an address",
              "consent_privacy": False, "country": "ZZ"},
    )  # fmt: skip
    assert response.status_code == 422
    errors = response.get_json()["errors"]
    assert set(errors) == {"first_name", "email", "consent_privacy", "country"}
    assert errors["consent_privacy"] == ["Please agree to the privacy notice to register."]
    assert registrations_of(owner_api, owned_event) == []


def test_answers_go_through_the_questions_checks(app, owner_api, owned_event, make_question):
    choice = make_question(owned_event, "single_choice", "Your sector", ("Public", "Private"),
                           required=True)  # fmt: skip
    number = make_question(owned_event, "number", "Team size", min_value=1, max_value=50)
    refused = owner_api.post(url(owned_event), json={**NEW, "answers": {str(number["id"]): 99}})
    assert refused.status_code == 422
    assert set(refused.get_json()["errors"]["answers"]) == {str(choice["id"]), str(number["id"])}
    unknown = owner_api.post(url(owned_event), json={**NEW, "answers": {"123456": "x"}})
    assert unknown.get_json()["errors"] == {"answers": {"123456": ["This talk has no question "
                                                                   "with this id."]}}
    answers = {str(choice["id"]): choice["options"][1], str(number["id"]): 12}
    created = owner_api.post(url(owned_event), json={**NEW, "answers": answers})
    assert created.status_code == 201, created.get_json()
    shown = owner_api.get(url(owned_event, f"/{created.get_json()['id']}")).get_json()
    assert [(a["question"], a["value"]) for a in shown["answers"]] == [
        ("Your sector", "Private"), ("Team size", "12")
    ]  # fmt: skip


def test_registering_the_same_address_again_answers_with_the_registration(
    app, owner_api, owned_event
):
    first = owner_api.post(url(owned_event), json=NEW).get_json()
    again = owner_api.post(url(owned_event), json={**NEW, "email": "ADA@example.org"})
    assert again.status_code == 200
    assert again.get_json()["id"] == first["id"]
    assert [e.kind for e in emails(app)] == ["confirmation", "already_registered"]


def test_a_full_talk_without_waiting_list_is_a_409(owner_api, make_event, owner):
    event = make_event(owner_id=owner, capacity=0)
    response = owner_api.post(url(event), json=NEW)
    assert response.status_code == 409
    assert response.get_json()["detail"] == "The talk is full and has no waiting list."


def test_cancelling_gives_the_seat_to_the_first_waiting(app, owner_api, make_event, owner):
    event = make_event(owner_id=owner, capacity=1, waitlist_enabled=True)
    seated = owner_api.post(url(event), json=NEW).get_json()
    waiting = owner_api.post(url(event), json={**NEW, "email": "grace@example.org"}).get_json()
    response = owner_api.post(url(event, f"/{seated['id']}/cancel"))
    assert response.status_code == 200
    assert response.get_json()["status"] == "cancelled"
    assert owner_api.get(url(event, f"/{waiting['id']}")).get_json()["status"] == "confirmed"
    again = owner_api.post(url(event, f"/{seated['id']}/cancel"))
    assert again.status_code == 409


def test_attendance_is_recorded_and_cleared(app, owner_api, owned_event, person, clock):
    registration_id = person(owned_event, "Ada")
    clock.advance(minutes=1)
    recorded = owner_api.post(url(owned_event, f"/{registration_id}/attendance"), json={})
    assert recorded.get_json()["attended_at"] == clock().isoformat()
    chosen = owner_api.post(url(owned_event, f"/{registration_id}/attendance"),
                            json={"attended_at": "2030-01-15T10:00:00+01:00"})  # fmt: skip
    assert chosen.get_json()["attended_at"] == "2030-01-15T09:00:00+00:00"
    talk = owner_api.get(f"/api/v1/talks/{owned_event.id}").get_json()
    assert talk["counts"]["attended"] == 1
    cleared = owner_api.post(url(owned_event, f"/{registration_id}/attendance"),
                             json={"attended": False})  # fmt: skip
    assert cleared.get_json()["attended_at"] is None
    with app.app_context():
        assert db.session.scalars(db.select(AuditEntry.details)).all()[-3:] == [
            "attended", "attended", "did not attend"
        ]  # fmt: skip


def registrations_of(api, event) -> list[dict]:
    """Read every page of a talk's registrations."""
    items, cursor = [], None
    while True:
        query = "?limit=2" + (f"&cursor={cursor}" if cursor else "")
        page = api.get(url(event, query)).get_json()
        items += page["items"]
        cursor = page["next_cursor"]
        if cursor is None:
            return items


def test_the_list_reads_in_pages_and_syncs_what_changed(
    app, owner_api, owned_event, person, clock
):
    ids = [person(owned_event, name) for name in ("Ada", "Bea", "Cem", "Dan", "Eve")]
    assert [r["id"] for r in registrations_of(owner_api, owned_event)] == ids
    clock.advance(hours=1)
    since = clock().isoformat()
    owner_api.post(url(owned_event, f"/{ids[1]}/cancel"))
    changed = owner_api.get(url(owned_event), query_string={"updated_since": since}).get_json()
    assert [(r["id"], r["status"]) for r in changed["items"]] == [(ids[1], "cancelled")]
    with app.app_context():
        assert db.session.get(Registration, ids[0]).updated_at < clock()
    assert len(registrations(app, owned_event)) == 5


def test_someone_registered_through_the_api_is_written_to_in_the_talks_language(
    inbox, app, owner_api, make_event, owner
):
    event = make_event(owner_id=owner, title="Cluster und Fachkräfte", language="de")
    assert owner_api.post(url(event), json=NEW).status_code == 201
    with app.app_context():
        assert db.session.execute(db.select(Registration.language)).scalar_one() == "de"
    [message] = inbox.deliver()
    assert message["Subject"] == "Ihr Platz bei Cluster und Fachkräfte"
