"""A new sign-in email, confirmed by a single-use link to the new address: through a real
SMTP server, the notice to the old address, expired, used, cancelled and refused links."""

import hashlib

import pytest
from support.mail import text_of
from support.organisers import OWNER_EMAIL, PASSWORD, sign_in
from support.stored import stored_organiser, stored_rows
from test_organiser_account import (
    ACCOUNT,
    NEW_EMAIL,
    email_link,
    entries,
    field_error,
    follow,
    press,
    send,
    the_entry,
)

from webinar.models import AuditEntry, EmailChange, OutboxEmail
from webinar.privacy import purge


def test_a_new_email_is_confirmed_through_the_link_sent_to_it(
    smtp_server, inbox, app, owner_client, owner
):
    asked = send(owner_client, "email", email=NEW_EMAIL, password=PASSWORD)
    assert asked.location == ACCOUNT
    page = owner_client.get(ACCOUNT).text
    assert f"We sent a link to {NEW_EMAIL}." in page
    assert f"Waiting for confirmation: we sent a link to <strong>{NEW_EMAIL}</strong>" in page

    (email,) = inbox.deliver()
    assert email["To"] == NEW_EMAIL
    assert email["Subject"] == "Confirm your new email address for Webinar"
    assert "The link works once, within 24 hours." in text_of(email)
    (link,) = inbox.links(email)
    # Until the link is used, nothing changes.
    assert stored_organiser(app, OWNER_EMAIL).id == owner

    # The link alone is enough: it proves the new mailbox is the organiser's.
    stranger = app.test_client()
    confirm = stranger.get(link)
    assert "will sign in with <strong>olga.new@example.org</strong>" in confirm.text
    done = follow(stranger, link)
    assert done.location == "/organiser/login"
    assert f"Your account now signs in with {NEW_EMAIL}." in stranger.get(done.location).text

    (notice,) = inbox.deliver()
    assert notice["To"] == OWNER_EMAIL
    assert notice["Subject"] == "Your sign-in email for Webinar was changed"
    assert f"now signs in with {NEW_EMAIL} instead of {OWNER_EMAIL}" in text_of(notice)
    assert "If it was not you, tell the administrators" in text_of(notice)

    assert sign_in(app.test_client(), NEW_EMAIL).location == "/organiser/"
    assert "Email or password is incorrect." in sign_in(app.test_client(), OWNER_EMAIL).text
    assert f"You sign in with <strong>{NEW_EMAIL}</strong>" in owner_client.get(ACCOUNT).text

    again = app.test_client().get(link)
    assert again.status_code == 410 and "This link was already used" in again.text
    assert the_entry(app, "email_change_requested").details == f"to {NEW_EMAIL}"
    changed = the_entry(app, "email_changed")
    assert (changed.actor_id, changed.details) == (owner, f"{OWNER_EMAIL} -> {NEW_EMAIL}")


def test_the_organiser_signed_in_who_follows_the_link_lands_on_the_account_page(
    app, owner_client
):
    send(owner_client, "email", email=NEW_EMAIL, password=PASSWORD)
    done = follow(owner_client, email_link(app))
    assert done.location == ACCOUNT
    assert f"Your account now signs in with {NEW_EMAIL}." in owner_client.get(ACCOUNT).text


def test_an_expired_link_gets_a_clear_page_and_changes_nothing(app, owner_client, clock):
    send(owner_client, "email", email=NEW_EMAIL, password=PASSWORD)
    link = email_link(app)
    clock.advance(hours=app.config["EMAIL_CHANGE_HOURS"], minutes=1)
    answer = app.test_client().get(link)
    assert answer.status_code == 410 and "This link no longer works" in answer.text
    assert "Waiting for confirmation" not in owner_client.get(ACCOUNT).text
    assert stored_organiser(app, OWNER_EMAIL).email == OWNER_EMAIL


def test_links_are_stored_only_as_hashes_and_purged_once_expired(app, owner_client, clock):
    send(owner_client, "email", email=NEW_EMAIL, password=PASSWORD)
    token = email_link(app).rsplit("/", 1)[1]
    (stored,) = stored_rows(app, EmailChange)
    assert stored.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in repr(stored_rows(app, AuditEntry))
    clock.advance(hours=app.config["EMAIL_CHANGE_HOURS"], seconds=1)
    with app.app_context():
        assert purge().email_links == 1
    assert stored_rows(app, EmailChange) == []


def test_an_unknown_link_is_not_found(client):
    answer = client.get(f"/organiser/confirm-email/{'x' * 43}")
    assert answer.status_code == 404 and "This link does not work" in answer.text


def test_a_cancelled_change_ends_its_link(app, owner_client, owner):
    send(owner_client, "email", email=NEW_EMAIL, password=PASSWORD)
    link = email_link(app)
    assert press(owner_client, "/organiser/account/email/cancel").location == ACCOUNT
    page = owner_client.get(ACCOUNT).text
    assert "The change of your email is cancelled" in page and "Waiting for" not in page
    assert app.test_client().get(link).status_code == 410
    assert the_entry(app, "email_change_cancelled").actor_id == owner
    press(owner_client, "/organiser/account/email/cancel")
    assert "No change of your email is waiting." in owner_client.get(ACCOUNT).text
    assert len(entries(app, "email_change_cancelled")) == 1


def test_a_newer_request_replaces_the_pending_one(app, owner_client):
    send(owner_client, "email", email="first@example.org", password=PASSWORD)
    first = email_link(app, "first@example.org")
    send(owner_client, "email", email=NEW_EMAIL, password=PASSWORD)
    assert app.test_client().get(first).status_code == 410
    assert follow(app.test_client(), email_link(app)).status_code == 302
    assert stored_organiser(app, NEW_EMAIL)


def test_an_address_of_another_account_is_refused_when_asked_and_when_confirmed(
    app, owner_client, make_organiser
):
    make_organiser("taken@example.org", "Tom Taken")
    refused = send(owner_client, "email", email="Taken@Example.org", password=PASSWORD)
    assert refused.status_code == 200
    assert "Another organiser account signs in with this address" in field_error(
        refused.text, "email-email")
    assert stored_rows(app, OutboxEmail, kind="email_change") == []

    send(owner_client, "email", email=NEW_EMAIL, password=PASSWORD)
    link = email_link(app)
    # Someone else gets the address while the link waits in the mailbox.
    make_organiser(NEW_EMAIL, "Nina Newcomer")
    answer = follow(app.test_client(), link)
    assert answer.status_code == 409 and "Your email was not changed" in answer.text
    assert "Another organiser account signs in with this address" in answer.text
    assert stored_organiser(app, OWNER_EMAIL).name == "Olga Owner"
    assert entries(app, "email_changed") == []


@pytest.mark.parametrize(("email", "password", "field", "error"), [
    (NEW_EMAIL, "not my password", "email-password", "Your current password is not right."),
    (NEW_EMAIL, "", "email-password", "Enter your current password."),
    ("not an address", PASSWORD, "email-email", "Enter an email address such as"),
    (OWNER_EMAIL, PASSWORD, "email-email", "This is already your sign-in email."),
])  # fmt: skip
def test_a_change_of_email_is_refused_with_the_reason(
    app, owner_client, email, password, field, error
):
    answer = send(owner_client, "email", email=email, password=password)
    assert answer.status_code == 200
    assert error in field_error(answer.text, field)
    assert stored_rows(app, OutboxEmail, kind="email_change") == []
    assert entries(app, "email_change_requested") == []


def test_links_for_a_new_email_are_limited_per_hour(app, owner_client):
    for number in range(3):
        assert send(owner_client, "email", email=f"n{number}@example.org",
                    password=PASSWORD).status_code == 302  # fmt: skip
    answer = send(owner_client, "email", email=NEW_EMAIL, password=PASSWORD)
    assert "You asked for 3 links within the hour" in field_error(answer.text, "email-email")
    assert len(stored_rows(app, OutboxEmail, kind="email_change")) == 3
