"""The Webhooks pages: endpoints added with a secret shown once, changed, deleted, their log."""

from __future__ import annotations

import re

from standardwebhooks import Webhook
from support.forms import register_through_form
from support.organisers import token_of
from support.webhooks import add_endpoint_with_delivery, deliveries

from webinar.extensions import db
from webinar.models import AuditEntry, Organiser, WebhookEndpoint

NEW = "/organiser/webhooks/new"


def add_through_form(client, url: str, **fields) -> str:
    """Send the new endpoint form and return the page that answers."""
    data = {"csrf_token": token_of(client, NEW), "url": url,
            "events": ["registration.created"], "enabled": "y", **fields}  # fmt: skip
    return client.post(NEW, data=data).get_data(as_text=True)


def secret_on(page: str) -> str:
    return re.search(r'<code class="secret">(whsec_[^<]+)</code>', page).group(1)


def audit_actions(app) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(db.select(AuditEntry.action).order_by(AuditEntry.id)))


def test_adding_an_endpoint_shows_its_secret_once_and_it_signs_the_test_event(
    app, owner_client, receiver, deliver_webhooks
):
    page = add_through_form(owner_client, receiver.url, description="Our CRM")

    secret = secret_on(page)
    assert "this is the only time it is shown" in page
    with app.app_context():
        endpoint = db.session.scalar(db.select(WebhookEndpoint))
    listing = owner_client.get("/organiser/webhooks").get_data(as_text=True)
    assert receiver.url in listing and "Our CRM" in listing
    assert secret not in owner_client.get(f"/organiser/webhooks/{endpoint.id}").text

    token = token_of(owner_client, f"/organiser/webhooks/{endpoint.id}")
    owner_client.post(f"/organiser/webhooks/{endpoint.id}/test", data={"csrf_token": token})
    deliver_webhooks()

    [received] = receiver.received
    assert Webhook(secret).verify(received.body, received.headers)["type"] == "webhook.test"
    assert audit_actions(app) == ["sign_in", "webhook_added", "webhook_test_sent"]


def test_the_delivery_log_shows_status_tries_answer_and_sends_again_with_the_same_id(
    app, client, owner, owner_client, owned_event, receiver, make_endpoint, deliver_webhooks
):
    endpoint_id, secret = make_endpoint(owner, receiver.url, events=["registration.created"])
    receiver.secrets = [secret]
    receiver.answer("410")
    register_through_form(client, owned_event.slug)
    deliver_webhooks()
    [row] = deliveries(app)

    page = owner_client.get(f"/organiser/webhooks/{endpoint_id}").get_data(as_text=True)
    assert "The receiver answered 410 Gone" in page  # the endpoint was turned off
    assert "registration.created" in page and row.webhook_id in page
    assert ">Failed<" in page and "410" in page
    assert "0 on their way, 0 sent, 1 failed" in page

    # Back on, and the failed delivery sent again: the same webhook-id arrives.
    edit = f"/organiser/webhooks/{endpoint_id}/edit"
    owner_client.post(edit, data={"csrf_token": token_of(owner_client, edit), "url": receiver.url,
                                  "events": ["registration.created"], "enabled": "y"})  # fmt: skip
    token = token_of(owner_client, f"/organiser/webhooks/{endpoint_id}")
    response = owner_client.post(
        f"/organiser/webhooks/{endpoint_id}/deliveries/{row.id}/again", data={"csrf_token": token}
    )
    assert response.status_code == 303
    deliver_webhooks()

    first, again = receiver.received
    assert first.webhook_id == again.webhook_id == row.webhook_id
    assert again.verified
    page = owner_client.get(f"/organiser/webhooks/{endpoint_id}").get_data(as_text=True)
    assert ">Sent<" in page and "0 on their way, 1 sent, 0 failed" in page
    assert audit_actions(app)[-2:] == ["webhook_changed", "webhook_resent"]


def test_a_new_secret_is_shown_once_and_the_endpoint_can_be_deleted(
    app, owner, owner_client, make_endpoint
):
    endpoint_id, old = make_endpoint(owner, "https://hooks.example.org/in")
    page_url = f"/organiser/webhooks/{endpoint_id}"

    token = token_of(owner_client, page_url)
    page = owner_client.post(f"{page_url}/secret", data={"csrf_token": token}).text
    new = secret_on(page)
    assert new != old and "both the old and the new secret" in page
    assert "The previous one signs along until" in owner_client.get(page_url).text

    confirm = owner_client.get(f"{page_url}/delete").text
    assert "Yes, delete the endpoint" in confirm
    response = owner_client.post(f"{page_url}/delete",
                                 data={"csrf_token": token_of(owner_client, page_url)})  # fmt: skip
    assert response.status_code == 303
    assert owner_client.get(page_url).status_code == 404
    assert audit_actions(app)[-2:] == ["webhook_secret_rotated", "webhook_deleted"]


def test_another_organiser_neither_sees_nor_changes_an_endpoint(
    app, owner, make_organiser, signed_in
):
    with app.app_context():
        ids = add_endpoint_with_delivery(owner)
    make_organiser("root@example.org", "Ruth Root", is_admin=True)
    admin = signed_in("root@example.org")  # an administrator too: endpoints are their owner's
    base = f"/organiser/webhooks/{ids['endpoint_id']}"
    token = token_of(admin, "/organiser/")

    assert "hooks.example.org" not in admin.get("/organiser/webhooks").text
    for path in (base, f"{base}/edit", f"{base}/delete"):
        assert admin.get(path).status_code == 404, path
    for path in (f"{base}/edit", f"{base}/delete", f"{base}/secret", f"{base}/test",
                 f"{base}/deliveries/{ids['delivery_id']}/again"):  # fmt: skip
        assert admin.post(path, data={"csrf_token": token}).status_code == 404, path
    with app.app_context():
        assert db.session.get(WebhookEndpoint, ids["endpoint_id"]).url == "https://hooks.example.org/in"


def test_the_form_says_what_is_wrong_and_saves_nothing(
    app, owner_client, make_organiser, make_event
):
    stranger = make_organiser("stranger@example.org", "Stan Stranger")
    their_talk = make_event(owner_id=stranger)

    page = add_through_form(owner_client, "http://hooks.example.org/in", events=[])
    assert "Use https://" in page
    assert "Choose at least one event." in page

    page = add_through_form(owner_client, "https://hooks.example.org/in",
                            talk_ids=[str(their_talk.id)])  # fmt: skip
    assert "Choose only talks you have a role on." in page
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(WebhookEndpoint)) == 0


def test_an_endpoint_can_be_limited_to_a_talk_its_owner_works_on(
    app, owner, owner_client, owned_event, make_event
):
    other_talk = make_event(owner_id=owner, title="Another talk by Olga")

    add_through_form(owner_client, "https://hooks.example.org/in",
                     talk_ids=[str(owned_event.id)])  # fmt: skip

    with app.app_context():
        endpoint = db.session.scalar(db.select(WebhookEndpoint))
        assert [talk.id for talk in endpoint.talks] == [owned_event.id]
    form = owner_client.get(f"/organiser/webhooks/{endpoint.id}/edit").text
    assert other_talk.title in form
    assert re.search(rf'value="{owned_event.id}"[^>]*checked|checked[^>]*value="{owned_event.id}"',
                     form)  # fmt: skip


def test_a_test_event_reaches_a_turned_off_endpoint(
    app, owner, owner_client, receiver, make_endpoint, deliver_webhooks
):
    endpoint_id, secret = make_endpoint(owner, receiver.url, enabled=False)
    receiver.secrets = [secret]
    page = f"/organiser/webhooks/{endpoint_id}"

    owner_client.post(f"{page}/test", data={"csrf_token": token_of(owner_client, page)})
    deliver_webhooks()

    [received] = receiver.received
    assert received.verified and received.event_type == "webhook.test"
    assert "Turned off by its owner." in owner_client.get(page).text


def test_a_refused_address_is_explained_in_the_organiser_language(app, owner, owner_client):
    with app.app_context():
        db.session.get(Organiser, owner).language = "de"  # chosen on the account page
        db.session.commit()

    page = add_through_form(owner_client, "https://10.0.0.1/in")
    assert "Webhooks können nicht dorthin gehen: 10.0.0.1 ist eine private Adresse." in page
    page = add_through_form(owner_client, "https://localhost/in")
    assert re.search(r"localhost verweist auf (127\.0\.0\.1|::1), eine Loopback-Adresse\.", page)
    assert "loopback address" not in page and "private address" not in page
    assert "Geben Sie eine Adresse ein, die mit https:// beginnt." in add_through_form(
        owner_client, "ftp://hooks.example.org/in")  # fmt: skip
