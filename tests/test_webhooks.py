"""Webhooks: written with the change that causes them, signed, delivered at least once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.exc import IntegrityError
from support.forms import register_through_form
from support.stored import emails, registrations
from support.webhooks import deliveries

from webinar import seats
from webinar.extensions import db
from webinar.models import Event, Organiser, Registration, WebhookDelivery
from webinar.organiser.services import talks
from webinar.privacy import erase


def registration_created(receiver):
    return receiver.of_type("registration.created")


def test_a_form_registration_gives_one_signed_registration_created(
    app, client, owner, owned_event, receiver, make_endpoint, deliver_webhooks
):
    _, secret = make_endpoint(owner, receiver.url)
    receiver.secrets = [secret]

    register_through_form(client, owned_event.slug)
    deliver_webhooks()

    [created] = registration_created(receiver)
    assert created.verified
    data = created.payload["data"]
    assert data["talk_id"] == owned_event.id
    assert data["status"] == "confirmed"
    assert "person" not in data  # the endpoint did not ask for personal data
    assert "ada" not in created.body.lower()
    assert [one.event_type for one in receiver.received] == [
        "registration.created", "registration.confirmed"
    ]  # fmt: skip
    assert all(one.verified for one in receiver.received)


def test_personal_data_only_for_endpoints_that_include_it(
    app, client, owner, owned_event, receiver, make_endpoint, deliver_webhooks
):
    _, plain = make_endpoint(owner, receiver.url, events=["registration.created"])
    _, personal = make_endpoint(owner, receiver.url + "?crm", events=["registration.created"],
                                include_personal_data=True)  # fmt: skip
    receiver.secrets = [plain, personal]

    register_through_form(client, owned_event.slug, first_name="Ada", email="ada@example.org")
    deliver_webhooks()

    people = [one.payload["data"].get("person") for one in registration_created(receiver)]
    assert people[0] is None
    assert people[1]["first_name"] == "Ada"
    assert people[1]["email"] == "ada@example.org"
    assert all(one.verified for one in receiver.received)


def test_an_already_registered_person_gives_no_second_registration_created(
    app, client, owner, owned_event, receiver, make_endpoint, deliver_webhooks
):
    make_endpoint(owner, receiver.url, events=["registration.created"])

    register_through_form(client, owned_event.slug)
    register_through_form(client, owned_event.slug)
    deliver_webhooks()

    assert len(registration_created(receiver)) == 1


def test_a_rolled_back_registration_sends_nothing(
    app, owner, owned_event, receiver, make_endpoint, deliver_webhooks, monkeypatch
):
    make_endpoint(owner, receiver.url)
    # The database refuses a row at the commit: the registration, its email and
    # its webhooks are rolled back together ("already registered" is answered).
    with app.app_context():
        session_class = type(db.session())
        real_flush = session_class.flush

        def refusing_flush(session, *args, **kwargs):
            if any(isinstance(row, WebhookDelivery) for row in session.new):
                raise IntegrityError("INSERT INTO webhook_delivery", {}, Exception("refused"))
            return real_flush(session, *args, **kwargs)

        monkeypatch.setattr(session_class, "flush", refusing_flush)
        event = db.session.get(Event, owned_event.id)
        outcome = seats.register(event, {"first_name": "Ada", "last_name": "Lovelace",
                                         "email": "ada@example.org"})  # fmt: skip
        monkeypatch.undo()
    assert outcome.status == seats.ALREADY_REGISTERED

    assert registrations(app) == [] and emails(app) == []
    assert deliveries(app) == []
    assert deliver_webhooks() == 0
    assert receiver.received == []


def test_an_organiser_without_endpoints_writes_no_delivery(app, client, owned_event):
    register_through_form(client, owned_event.slug)

    assert deliveries(app) == []


def test_endpoints_follow_only_their_owners_talks_and_their_chosen_talks(
    app, client, owner, make_organiser, make_event, owned_event, receiver, make_endpoint,
    deliver_webhooks,
):  # fmt: skip
    other = make_organiser("oscar@example.org", "Oscar Other")
    others_talk = make_event(owner_id=other)
    second_talk = make_event(owner_id=owner)
    make_endpoint(other, receiver.url + "?oscar", events=["registration.created"])
    make_endpoint(owner, receiver.url + "?second", events=["registration.created"],
                  talk_ids=[second_talk.id])  # fmt: skip

    register_through_form(client, owned_event.slug)
    register_through_form(client, others_talk.slug, email="b@example.org")
    deliver_webhooks()

    # Oscar's endpoint hears of his talk only; the limited one of Olga's heard of neither.
    [heard] = registration_created(receiver)
    assert heard.payload["data"]["talk_id"] == others_talk.id


def test_waiting_list_cancel_promote_and_erase_each_give_their_event(
    app, client, owner, make_event, receiver, make_endpoint, deliver_webhooks
):
    event = make_event(owner_id=owner, capacity=1, waitlist_enabled=True)
    _, secret = make_endpoint(owner, receiver.url, include_personal_data=True)
    receiver.secrets = [secret]
    register_through_form(client, event.slug, email="first@example.org")
    register_through_form(client, event.slug, email="second@example.org")

    with app.app_context():
        first = db.session.scalar(db.select(Registration).filter_by(email="first@example.org"))
        seats.cancel(first)
        second = db.session.scalar(db.select(Registration).filter_by(email="second@example.org"))
        erase(second)
        second_id = second.id
    deliver_webhooks()

    assert [one.event_type for one in receiver.received] == [
        "registration.created", "registration.confirmed",
        "registration.created", "registration.waitlisted",
        "registration.promoted", "registration.cancelled",
        "registration.cancelled", "registration.erased",
    ]  # fmt: skip
    assert all(one.verified for one in receiver.received)
    erased = receiver.of_type("registration.erased")[0].payload["data"]
    assert erased == {"id": second_id, "talk_id": event.id}
    # What was written about the erased person went out without their details.
    about_second = [one.payload["data"] for one in receiver.received
                    if one.payload["data"]["id"] == second_id]  # fmt: skip
    assert all("person" not in data for data in about_second)
    assert "second@example.org" not in "".join(row.payload for row in deliveries(app))


def test_talk_published_updated_cancelled(
    app, owner, make_event, receiver, make_endpoint, deliver_webhooks
):
    event = make_event(owner_id=owner, status="draft")
    make_endpoint(owner, receiver.url, events=["talk.published", "talk.cancelled"])

    with app.app_context():
        talk = db.session.get(Event, event.id)
        talks.publish(talk)
        talks.cancel_talk(talk)
    deliver_webhooks()

    assert [(one.event_type, one.payload["data"]["status"]) for one in receiver.received] == [
        ("talk.published", "published"), ("talk.cancelled", "cancelled")
    ]  # fmt: skip


@pytest.mark.parametrize("fault", ["500", "close", "slow", "redirect"])
def test_a_failed_delivery_is_tried_again_with_the_same_webhook_id(
    app, client, owner, owned_event, receiver, make_endpoint, deliver_webhooks, clock, fault
):
    app.config["WEBHOOK_TIMEOUT"] = 0.5
    _, secret = make_endpoint(owner, receiver.url, events=["registration.created"])
    receiver.secrets = [secret]
    receiver.answer(fault)
    register_through_form(client, owned_event.slug)

    assert deliver_webhooks() == 0
    [row] = deliveries(app)
    assert (row.status, row.attempts) == ("pending", 1)
    assert row.response_status == {"500": 500, "redirect": 302}.get(fault)
    assert row.last_error

    clock.advance(minutes=2)  # past the first wait, with its jitter
    assert deliver_webhooks() == 1

    first, second = receiver.received
    assert first.webhook_id == second.webhook_id == row.webhook_id
    assert first.verified and second.verified
    [row] = deliveries(app)
    assert (row.status, row.response_status, row.attempts) == ("sent", 204, 2)


def test_410_fails_the_delivery_and_disables_the_endpoint(
    inbox, app, client, owner, owned_event, receiver, make_endpoint, deliver_webhooks
):
    endpoint_id, _ = make_endpoint(owner, receiver.url, events=["registration.created"])
    receiver.answer("410")
    register_through_form(client, owned_event.slug, email="a@example.org")
    deliver_webhooks()

    [row] = deliveries(app)
    assert (row.status, row.response_status) == ("failed", 410)
    register_through_form(client, owned_event.slug, email="b@example.org")
    deliver_webhooks()
    assert len(receiver.received) == 1  # a disabled endpoint gets no new deliveries
    [email] = [message for message in inbox.deliver() if "disabled" in message["Subject"]]
    assert email["To"] == "olga@example.org"
    assert "410 Gone" in email.get_body(("plain",)).get_content()


def test_a_delivery_fails_after_three_days_and_the_endpoint_is_disabled(
    inbox, app, client, owner, owned_event, receiver, make_endpoint, deliver_webhooks, clock
):
    endpoint_id, _ = make_endpoint(owner, receiver.url, events=["registration.created"])
    register_through_form(client, owned_event.slug)
    first_try = clock()
    tries = 0
    while (row := deliveries(app)[0]).status == "pending" and tries < 100:
        receiver.answer("500")
        deliver_webhooks()
        tries += 1
        clock.set(row.next_attempt_at if row.status == "pending" else clock())
        clock.advance(seconds=1)

    assert row.status == "failed"
    assert "gave up" in row.last_error
    # About three days of doubling waits (one minute up to six hours): some twenty tries.
    assert 12 <= row.attempts <= 30
    assert len(receiver.received) == row.attempts
    assert len({one.webhook_id for one in receiver.received}) == 1
    # Failing since its first try, the endpoint has not failed for three days yet.
    assert not any("disabled" in message["Subject"] for message in inbox.deliver())

    # The next failure, more than three days after the first, turns the endpoint off.
    clock.set(first_try + timedelta(hours=72, minutes=1))
    register_through_form(client, owned_event.slug, email="later@example.org")
    receiver.answer("500")
    deliver_webhooks()
    [told] = [message for message in inbox.deliver() if "disabled" in message["Subject"]]
    assert "failed for 72 hours" in told.get_body(("plain",)).get_content()
    # A disabled endpoint gets no new deliveries.
    register_through_form(client, owned_event.slug, email="last@example.org")
    assert len(deliveries(app)) == 2


def test_a_rotated_secret_signs_alongside_the_old_one_for_a_day(
    app, client, owner, owned_event, receiver, make_endpoint, deliver_webhooks, clock
):
    from webinar.models import WebhookEndpoint
    from webinar.organiser.services.webhooks import rotate_secret

    endpoint_id, old = make_endpoint(owner, receiver.url, events=["registration.created"])
    with app.app_context():
        new = rotate_secret(db.session.get(WebhookEndpoint, endpoint_id))

    register_through_form(client, owned_event.slug, email="a@example.org")
    deliver_webhooks()
    clock.advance(hours=25)
    register_through_form(client, owned_event.slug, email="b@example.org")
    deliver_webhooks()

    first, second = receiver.received
    assert first.headers["webhook-signature"].count("v1,") == 2
    assert second.headers["webhook-signature"].count("v1,") == 1
    receiver.secrets = [old]
    assert receiver.verify(first.body, first.headers)
    assert not receiver.verify(second.body, second.headers)
    receiver.secrets = [new]
    assert receiver.verify(first.body, first.headers)
    assert receiver.verify(second.body, second.headers)


def test_the_purge_removes_the_person_from_old_deliveries(
    app, client, owner, owned_event, receiver, make_endpoint, deliver_webhooks, clock
):
    from webinar.privacy import purge

    make_endpoint(owner, receiver.url, events=["registration.created"],
                  include_personal_data=True)  # fmt: skip
    register_through_form(client, owned_event.slug, email="ada@example.org")
    deliver_webhooks()
    assert "ada@example.org" in deliveries(app)[0].payload

    clock.advance(days=31)
    with app.app_context():
        assert purge().webhook_payloads == 1

    [row] = deliveries(app)
    assert "ada@example.org" not in row.payload
    assert (row.status, row.personal) == ("sent", False)



def test_a_persons_data_download_lists_the_webhooks_sent_about_them(
    app, client, owner, owned_event, receiver, make_endpoint, deliver_webhooks
):
    make_endpoint(owner, receiver.url, events=["registration.created"],
                  include_personal_data=True)  # fmt: skip
    register_through_form(client, owned_event.slug, email="ada@example.org")
    deliver_webhooks()
    with app.app_context():
        token = db.session.scalar(db.select(Registration.token))

    data = client.get(f"/registrations/{token}/data.json").get_json()

    [sent] = data["webhooks"]
    assert sent["event"] == "registration.created"
    assert sent["to"] == receiver.url
    assert sent["included_personal_data"] is True
    assert sent["status"] == "sent"


def test_the_privacy_notice_says_connected_tools_may_get_personal_details(client):
    page = client.get("/privacy").text
    assert "connect the talk to their own tools" in page
    assert "only where the organiser chose" in page


def test_the_owner_is_told_of_a_disabled_endpoint_in_their_own_language(
    inbox, app, client, owner, owned_event, receiver, make_endpoint, deliver_webhooks
):
    with app.app_context():
        db.session.get(Organiser, owner).language = "de"
        db.session.commit()
    make_endpoint(owner, receiver.url, events=["registration.created"])
    receiver.answer("410")
    register_through_form(client, owned_event.slug, email="a@example.org")
    deliver_webhooks()

    [email] = [m for m in inbox.deliver() if m["X-Webinar-Kind"] == "webhook_disabled"]
    assert email["Subject"].startswith("Einer Ihrer Webhook-Endpunkte auf ")
    text = email.get_body(("plain",)).get_content()
    assert "Der Empfänger hat mit 410 Gone geantwortet: Er möchte keine Webhooks mehr." in text
    assert "sendet keine Webhooks mehr an" in text
    assert "stopped sending" not in text and "410 Gone: it wants" not in text
