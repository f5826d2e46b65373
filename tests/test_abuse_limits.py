"""Limits that keep the public form from being used against other people's mailboxes."""

from __future__ import annotations

import pytest
from support.forms import register_through_form
from support.organisers import token_of
from support.stored import emails, registrations

from webinar.notifications.caps import canonical_mailbox


@pytest.fixture
def limits_on(app_config):
    """Rate limiting on, as in production; each test sets the limits it shows."""
    app_config.update(RATELIMIT_ENABLED=True, REGISTRATION_RATE_LIMIT="1000 per minute")
    return app_config


def delivered_to(smtp_server, mailbox: str) -> list:
    """Return the messages the SMTP server accepted for one canonical mailbox."""
    return [m for m in smtp_server.messages if canonical_mailbox(m["To"]) == mailbox]


@pytest.mark.parametrize(
    "address, mailbox",
    [
        ("  Someone+talk1@Example.ORG ", "someone@example.org"),
        ("some.one+x@example.org", "some.one@example.org"),
        ("Some.One+news@GoogleMail.com", "someone@gmail.com"),
        ("s.o.m.e.o.n.e@gmail.com", "someone@gmail.com"),
    ],
)
def test_case_spaces_tags_and_gmail_dots_make_no_other_mailbox(address, mailbox):
    assert canonical_mailbox(address) == mailbox


def test_twenty_registrations_for_one_mailbox_send_it_at_most_the_hourly_cap(
    limits_on, smtp_server, app, client, make_event, deliver
):
    app.config.update(MAILBOX_EMAILS_PER_HOUR=5, REGISTRATIONS_PER_CLIENT_PER_TALK="100 per hour")
    first_talk, second_talk = make_event(), make_event()
    register_through_form(client, first_talk.slug, email="someone@example.org")
    for number in range(1, 20):
        talk = first_talk if number % 2 else second_talk
        response = register_through_form(client, talk.slug, email=f"someone+{number}@example.org")
        assert response.status_code == 303, "every registration still succeeds"

    deliver()
    received = delivered_to(smtp_server, "someone@example.org")
    assert len(received) == 5
    assert received[0]["To"] == "someone@example.org", "the real person gets their own email"
    assert len(registrations(app)) == 20
    held = [email for email in emails(app) if email.status == "held"]
    assert len(held) == 15
    assert "Held, not sent" in held[0].last_error


def test_other_mailboxes_are_not_held_back_by_a_full_one(
    smtp_server, app, client, make_event, deliver
):
    app.config.update(MAILBOX_EMAILS_PER_HOUR=2)
    talk = make_event()
    for number in range(3):
        register_through_form(client, talk.slug, email=f"victim+{number}@gmail.com")
    register_through_form(client, talk.slug, email="someone.else@example.org")
    deliver()
    assert [m["To"] for m in smtp_server.messages] == [
        "victim+0@gmail.com", "victim+1@gmail.com", "someone.else@example.org"]  # fmt: skip


def test_an_organiser_sees_a_held_email_and_can_send_it_by_hand(
    smtp_server, app, owner, owner_client, make_event, client, deliver
):
    app.config.update(MAILBOX_EMAILS_PER_HOUR=1)
    talk = make_event(owner_id=owner, title="Held talk")
    register_through_form(client, talk.slug, email="a+1@example.org")
    register_through_form(client, talk.slug, email="a+2@example.org")
    deliver()
    assert [m["To"] for m in smtp_server.messages] == ["a+1@example.org"]

    attendees = owner_client.get(f"/organiser/events/{talk.id}/attendees").text
    assert "Confirmation: Held back (not sent: too many emails to this mailbox" in attendees
    dashboard = owner_client.get("/organiser/").text
    assert "Retry" in dashboard
    owner_client.post(f"/organiser/events/{talk.id}/emails/retry",
                      data={"csrf_token": token_of(owner_client, "/organiser/")})
    assert "1 failed email is queued again" in owner_client.get("/organiser/").text
    deliver()
    assert [m["To"] for m in smtp_server.messages] == ["a+1@example.org", "a+2@example.org"]


def test_a_client_past_its_registrations_for_a_talk_is_told_and_nothing_is_saved(
    limits_on, app, client, make_event
):
    app.config.update(REGISTRATIONS_PER_CLIENT_PER_TALK="3 per hour")
    talk, other_talk = make_event(), make_event()
    for number in range(3):
        response = register_through_form(client, talk.slug, email=f"p{number}@example.org")
        assert response.status_code == 303

    refused = register_through_form(client, talk.slug, email="p4@example.org")
    assert refused.status_code == 429
    assert "Too many registrations for this talk have come from your internet connection" in (
        refused.text
    )
    assert 'value="p4@example.org"' in refused.text, "the form keeps what was typed"
    assert len(registrations(app, talk)) == 3
    assert len(emails(app)) == 3

    other = register_through_form(client, other_talk.slug, email="p4@example.org")
    assert other.status_code == 303, "the limit is per talk"
    neighbour = app.test_client()
    neighbour.environ_base["REMOTE_ADDR"] = "192.0.2.7"
    assert register_through_form(neighbour, talk.slug, email="n@example.org").status_code == 303


def test_addresses_of_one_ipv6_network_share_a_limit(limits_on, app, make_event):
    app.config.update(REGISTRATIONS_PER_CLIENT_PER_TALK="1 per hour")
    talk = make_event()
    first, second, elsewhere = app.test_client(), app.test_client(), app.test_client()
    first.environ_base["REMOTE_ADDR"] = "2001:db8:1:2::1"
    second.environ_base["REMOTE_ADDR"] = "2001:db8:1:2:ffff::9"
    elsewhere.environ_base["REMOTE_ADDR"] = "2001:db8:1:3::1"
    assert register_through_form(first, talk.slug, email="a@example.org").status_code == 303
    assert register_through_form(second, talk.slug, email="b@example.org").status_code == 429
    assert register_through_form(elsewhere, talk.slug, email="c@example.org").status_code == 303


@pytest.mark.parametrize(
    "first_name, last_name",
    [("Jean-Luc", "O'Brien"), ("José María", "Núñez"), ("Zoë", "Brontë"), ("李", "小龍"),
     ("Ngũgĩ", "wa Thiong’o"), ("J. R. R.", "St. John")],  # fmt: skip
)
def test_real_names_are_accepted(app, client, make_event, first_name, last_name):
    talk = make_event()
    response = register_through_form(client, talk.slug, first_name=first_name, last_name=last_name)
    assert response.status_code == 303
    assert registrations(app)[0].first_name == first_name


@pytest.mark.parametrize(
    "name, message",
    [
        ("Win at https://prize.example", "without a web or email address"),
        ("www.prize", "without a web or email address"),
        ("claim-prize.com", "without a web or email address"),
        ("me@prize.example", "without a web or email address"),
        ("<b>Ada</b>", "only letters, spaces, hyphens, apostrophes and dots"),
        ("Call 0800 123 456", "only letters, spaces, hyphens, apostrophes and dots"),
        ("A" * 61, "Please keep this under 61 characters."),
    ],
)
@pytest.mark.parametrize("field", ["first_name", "last_name"])
def test_a_name_that_is_not_a_name_is_refused_next_to_the_field(
    app, client, make_event, field, name, message
):
    talk = make_event()
    html = register_through_form(client, talk.slug, **{field: name}).text
    error = html[html.index(f'<p class="field-error" id="{field}-error">') :]
    assert message in error[: error.index("</p>")]
    assert registrations(app) == [] and emails(app) == []


def test_registrations_at_the_same_moment_still_keep_the_mailbox_cap(app, make_event):
    from concurrent.futures import ThreadPoolExecutor

    from webinar import seats

    app.config.update(MAILBOX_EMAILS_PER_HOUR=3)
    talks = [make_event() for _ in range(10)]

    def register(number: int) -> None:
        with app.app_context():
            seats.register(talks[number], {"first_name": "Vic", "last_name": "Tim",
                                           "email": f"victim+{number}@example.org"})  # fmt: skip

    with ThreadPoolExecutor(max_workers=10) as pool:
        list(pool.map(register, range(10)))
    statuses = sorted(email.status for email in emails(app))
    assert statuses == ["held"] * 7 + ["pending"] * 3
