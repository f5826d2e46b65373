"""An organiser connects a receiver in a real browser and follows its deliveries."""

from __future__ import annotations

import os

import pytest
from support.forms import register_through_form


@pytest.mark.slow
def test_an_organiser_adds_an_endpoint_and_sends_a_failed_delivery_again(
    app, client, page, organiser, make_event, receiver, deliver_webhooks
):
    talk = make_event(owner_id=organiser.id, title="Clusters and AI")
    organiser.sign_in(page)
    page.get_by_role("link", name="Webhooks").click()
    page.get_by_role("link", name="Add an endpoint").click()
    page.get_by_label("Endpoint URL").fill(receiver.url)
    page.get_by_label("Description").fill("Our CRM")
    page.get_by_label("Clusters and AI").check()
    page.get_by_role("button", name="Add the endpoint").click()

    secret = page.locator("code.secret").inner_text()
    assert secret.startswith("whsec_")
    receiver.secrets = [secret]
    page.get_by_role("link", name="I have saved the secret").click()

    receiver.answer("500")
    register_through_form(client, talk.slug)
    deliver_webhooks()
    page.reload()
    failed = page.get_by_role("row").filter(has_text="registration.created")
    assert "Pending" in failed.inner_text() and "500" in failed.inner_text()
    if os.environ.get("WEBINAR_SCREENSHOT"):
        page.screenshot(path=os.environ["WEBINAR_SCREENSHOT"], full_page=True)

    page.get_by_role("button", name="Send a test event").click()
    assert "A test event is on its way" in page.inner_text("main")
    deliver_webhooks()
    page.reload()

    tests = receiver.of_type("webhook.test")
    assert len(tests) == 1 and tests[0].verified
    assert "webhook.test" in page.get_by_role("table").inner_text()
