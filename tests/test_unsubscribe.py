"""One-click unsubscribe: news emails carry it, one POST stops them, a GET only asks."""

import json
import re
import secrets
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from support.clock import TALK_END, TALK_START
from support.forms import register_through_form
from support.mail import html_of, text_of
from support.organisers import token_of
from support.stored import emails, registrations

from webinar.extensions import db
from webinar.models import Registration
from webinar.privacy import erase

SITE = "https://talks.example.org"
ONE_CLICK = {"List-Unsubscribe": "One-Click"}  # RFC 8058's body, form-encoded
UNKNOWN = "This unsubscribe link does not work"


@pytest.fixture
def https_site(app_config):
    """Links are built from an https PUBLIC_URL, as in production."""
    app_config.update(PUBLIC_URL=SITE)


def announce(client, event, subject="Practical details", audience="active"):
    url = f"/organiser/events/{event.id}/announce"
    data = {"csrf_token": token_of(client, url), "audience": audience, "subject": subject,
            "body": "The room changed.", "send": "Send"}  # fmt: skip
    response = client.post(url, data=data)
    assert response.status_code == 303


def messages_of(smtp_server, kind: str, to: str | None = None) -> list:
    return [
        message
        for message in smtp_server.messages
        if message["X-Webinar-Kind"] == kind and (to is None or message["To"] == to)
    ]


def link_of(message) -> str:
    """Return the URL of a message's List-Unsubscribe header."""
    match = re.fullmatch(r"<([^>]+)>", message["List-Unsubscribe"])
    assert match, message["List-Unsubscribe"]
    return match.group(1)


def path_of(url: str) -> str:
    return urlsplit(url).path


def one_click(app, url: str):
    """POST as a mail provider does: no session, no CSRF token, the RFC 8058 body."""
    return app.test_client().post(path_of(url), data=ONE_CLICK)


def test_announcements_and_follow_ups_carry_one_click_unsubscribe_but_the_confirmation_does_not(
    https_site, smtp_server, app, client, owner_client, owner, talk, clock, deliver
):
    event = talk(owner_id=owner, recording_url="https://video.example.org/talk")
    register_through_form(client, event.slug, email="ada@example.org")
    announce(owner_client, event)
    deliver()
    clock.set(TALK_END + timedelta(hours=1))
    response = owner_client.post(
        f"/organiser/events/{event.id}/follow-up",
        data={"csrf_token": token_of(owner_client, f"/organiser/events/{event.id}/follow-up")},
    )
    assert response.status_code == 303
    deliver()

    (confirmation,) = messages_of(smtp_server, "confirmation")
    assert confirmation["List-Unsubscribe"] is None
    assert confirmation["List-Unsubscribe-Post"] is None
    assert "nsubscribe" not in text_of(confirmation) + html_of(confirmation)

    (row,) = registrations(app)
    for kind in ("announcement", "follow_up"):
        (message,) = messages_of(smtp_server, kind)
        url = link_of(message)
        assert url.startswith(f"{SITE}/unsubscribe/")
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        # Not the personal link: mail providers see this URL.
        assert row.token not in url
        assert f"Unsubscribe from announcements, follow-ups and news about talks:\n{url}" in (
            text_of(message)
        )
        assert f'<a href="{url}">Unsubscribe</a>' in html_of(message)


def test_a_one_click_post_withdraws_consent_and_no_announcement_follows(
    smtp_server, app, client, owner_client, owner, talk, make_registration, deliver
):
    event = talk(owner_id=owner)
    other_talk = talk(owner_id=owner, slug="another-talk")
    register_through_form(client, event.slug, email="ada@example.org", consent_marketing="y")
    register_through_form(client, other_talk.slug, email=" ADA@example.org", consent_marketing="y")
    make_registration(event, email="bob@example.org", email_normalised="bob@example.org")
    make_registration(other_talk, email="cy@example.org", email_normalised="cy@example.org")
    announce(owner_client, event)
    deliver()
    (message,) = messages_of(smtp_server, "announcement", to="ada@example.org")

    response = one_click(app, link_of(message))
    assert response.status_code == 200
    assert "You are unsubscribed" in response.text
    assert response.headers["Cache-Control"] == "no-store"
    for row in registrations(app):
        if row.email_normalised == "ada@example.org":
            assert row.marketing_consent is False
            assert row.unsubscribed_at is not None

    announce(owner_client, event, subject="One more thing")
    announce(owner_client, other_talk, subject="News from the other talk")
    deliver()
    received = [(m["To"].lower(), m["Subject"]) for m in messages_of(smtp_server, "announcement")]
    assert ("bob@example.org", "One more thing") in received
    assert ("cy@example.org", "News from the other talk") in received
    assert [subject for to, subject in received if to == "ada@example.org"] == [
        "Practical details"
    ]


def test_opening_the_link_only_asks_and_the_button_unsubscribes(
    app, client, make_event, make_registration
):
    event = make_event(title="Clusters and AI")
    make_registration(event, email="ada@example.org", email_normalised="ada@example.org",
                     unsubscribe_token=(secret := secrets.token_urlsafe(32)),
                     marketing_consent=True)  # fmt: skip

    page = app.test_client().get(f"/unsubscribe/{secret}")
    assert page.status_code == 200
    assert "Do you want to stop the announcements and follow-ups of" in page.text
    assert "Clusters and AI" in page.text
    assert f'<form method="post" action="/unsubscribe/{secret}"' in page.text
    assert "Yes, unsubscribe me" in page.text
    (row,) = registrations(app)
    assert row.marketing_consent is True and row.unsubscribed_at is None

    # The page's button works without JavaScript and without a session.
    done = app.test_client().post(f"/unsubscribe/{secret}", data=ONE_CLICK)
    assert "You are unsubscribed" in done.text
    (row,) = registrations(app)
    first_time = row.unsubscribed_at
    assert row.marketing_consent is False and first_time is not None

    again = app.test_client().post(f"/unsubscribe/{secret}", data=ONE_CLICK)
    assert again.status_code == 200
    assert registrations(app)[0].unsubscribed_at == first_time
    assert "You are unsubscribed" in app.test_client().get(f"/unsubscribe/{secret}").text


@pytest.mark.parametrize(
    "token",
    [
        # The right shape, but nobody's (fixed: pytest-xdist workers must collect the same ids).
        "Zm9yZ2VkLXRva2VuLW9mLXRoZS1yaWdodC1zaGFwZQx",
        "garbage",
        "%01" * 43,
        "x" * 5000,
        "%E2%80%AE" + "a" * 40,
        "anonymised-1",
    ],
)
def test_a_forged_or_garbled_link_is_a_friendly_not_found(
    app, make_event, token, make_registration
):
    make_registration(make_event())
    visitor = app.test_client()
    for response in (
        visitor.get(f"/unsubscribe/{token}"),
        visitor.post(f"/unsubscribe/{token}", data=ONE_CLICK),
    ):
        assert response.status_code == 404
        assert UNKNOWN in response.text
    assert registrations(app)[0].unsubscribed_at is None


def test_the_personal_token_does_not_unsubscribe(app, make_event, make_registration):
    token = make_registration(make_event()).token
    response = app.test_client().post(f"/unsubscribe/{token}", data=ONE_CLICK)
    assert response.status_code == 404
    assert registrations(app)[0].unsubscribed_at is None


def test_news_not_yet_sent_is_dropped_but_the_registrations_own_emails_still_come(
    smtp_server, app, client, owner_client, owner, talk, clock, deliver
):
    event = talk(owner_id=owner)
    register_through_form(client, event.slug, email="ada@example.org")
    announce(owner_client, event)
    (queued,) = emails(app, "announcement")
    assert one_click(app, queued.unsubscribe_url).status_code == 200

    clock.set(TALK_START - timedelta(hours=23))
    deliver()
    kinds = [message["X-Webinar-Kind"] for message in smtp_server.messages]
    assert kinds == ["confirmation", "reminder_24h"]


def test_the_announcement_form_counts_only_people_who_still_receive_news(
    app, owner_client, owner, talk, make_registration
):
    event = talk(owner_id=owner)
    make_registration(event, email="ada@example.org", email_normalised="ada@example.org")
    secret = secrets.token_urlsafe(32)
    make_registration(event, email="bob@example.org", email_normalised="bob@example.org",
                     unsubscribe_token=secret)  # fmt: skip
    app.test_client().post(f"/unsubscribe/{secret}", data=ONE_CLICK)
    page = owner_client.get(f"/organiser/events/{event.id}/announce").text
    assert "People with a seat (1)" in page
    assert "People who unsubscribed from announcements are left out" in page


def test_the_withdrawal_shows_in_the_attendee_list_the_export_and_the_persons_data(
    app, owner_client, owner, talk, clock, make_registration
):
    event = talk(owner_id=owner)
    secret = secrets.token_urlsafe(32)
    token = make_registration(event, first_name="Ada", email="ada@example.org",
                             email_normalised="ada@example.org", marketing_consent=True,
                             unsubscribe_token=secret).token  # fmt: skip
    make_registration(event, first_name="Bob", marketing_consent=True)
    app.test_client().post(f"/unsubscribe/{secret}", data=ONE_CLICK)
    # The talk's clock is two days before the start, 10:00 in Brussels.
    when = "2027-03-15 10:00"

    page = owner_client.get(f"/organiser/events/{event.id}/attendees").text
    assert '<th scope="col">Marketing consent</th>' in page
    assert f"No: unsubscribed on {when}" in page
    assert page.count("No: unsubscribed on") == 1

    csv_text = owner_client.get(f"/organiser/events/{event.id}/attendees.csv").text
    header, *rows = [line.split(",") for line in csv_text.lstrip("\ufeff").splitlines()]
    column = header.index("Unsubscribed at (Europe/Brussels)")
    by_name = {row[0]: row for row in rows}
    assert by_name["Ada"][column] == when
    assert by_name["Ada"][header.index("Marketing consent")] == "No"
    assert by_name["Bob"][column] == ""

    data = json.loads(app.test_client().get(f"/registrations/{token}/data.json").data)
    assert data["registration"]["marketing_consent"] is False
    assert data["registration"]["unsubscribed_at"].startswith("2027-03-15T09:00")


def test_an_erased_registrations_unsubscribe_link_leads_nowhere(app, make_event, make_registration):
    secret = secrets.token_urlsafe(32)
    token = make_registration(make_event(), unsubscribe_token=secret).token
    with app.app_context():
        (row,) = db.session.scalars(db.select(Registration)).all()
        assert row.token == token
        erase(row)
    response = app.test_client().get(f"/unsubscribe/{secret}")
    assert response.status_code == 404
    assert UNKNOWN in response.text
    assert "your details are already gone" in response.text


def test_the_preview_of_an_announcement_shows_the_unsubscribe_line(
    app, owner_client, owner, talk, make_registration
):
    event = talk(owner_id=owner)
    make_registration(event)
    url = f"/organiser/events/{event.id}/announce"
    page = owner_client.post(url, data={"csrf_token": token_of(owner_client, url),
                                        "audience": "confirmed", "subject": "Hello",
                                        "body": "Hi", "preview": "Preview"}).text  # fmt: skip
    assert "Unsubscribe from announcements, follow-ups and news about talks:" in page


def test_the_migration_gives_every_existing_registration_its_own_secret(
    app, make_event, make_registration
):
    from alembic.script import ScriptDirectory
    from flask_migrate import downgrade, upgrade

    event = make_event()
    for number in range(3):
        make_registration(event, email=f"p{number}@example.org")
    with app.app_context():
        config = app.extensions["migrate"].migrate.get_config()
        before = ScriptDirectory.from_config(config).get_revision("0006").down_revision
        downgrade(revision=before)
        db.session.remove()
        upgrade()
        db.engine.dispose()
    secrets_found = {row.unsubscribe_token for row in registrations(app)}
    assert len(secrets_found) == 3
    assert all(re.fullmatch(r"[A-Za-z0-9_-]{43}", secret) for secret in secrets_found)


def test_the_retention_purge_also_retires_the_unsubscribe_link(app, make_event, make_registration):
    from support.factories import in_days

    from webinar.privacy import purge

    secret = secrets.token_urlsafe(32)
    make_registration(make_event(starts_at=in_days(-400)), unsubscribe_token=secret)
    with app.app_context():
        assert purge().registrations == 1
    assert app.test_client().get(f"/unsubscribe/{secret}").status_code == 404
