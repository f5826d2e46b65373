"""Following a series: the form, the confirmation email (once a day at most), the confirm page."""

from __future__ import annotations

import hashlib

from support.followers import FOLLOW_FORM, confirm_link_of, follow_through_form
from support.forms import csrf_token
from support.mail import text_of
from support.stored import stored_rows

from webinar.models import Follower, OutboxEmail

SENT = "Check your email"


def confirmations(smtp_server) -> list:
    return [m for m in smtp_server.messages if m["X-Webinar-Kind"] == "follow_confirmation"]


def test_following_starts_only_once_the_emailed_link_is_confirmed(
    smtp_server, app, client, inbox, a_series
):
    response = follow_through_form(client, a_series.slug)
    assert response.status_code == 303
    assert SENT in client.get(response.location).text
    (follower,) = stored_rows(app, Follower)
    assert follower.confirmed_at is None and follower.email == "ada@example.org"

    (message,) = inbox.deliver()
    assert message["To"] == "ada@example.org"
    assert message["Subject"] == "Confirm that you want to follow Cluster Voices"
    assert "List-Unsubscribe" not in message
    link = confirm_link_of(text_of(message))
    # Only a digest of the link's secret is stored.
    secret = link.rsplit("/", 1)[1]
    assert follower.confirm_token_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in str(vars(follower))

    # Opening the link (as a mail scanner does) asks, and changes nothing.
    page = client.get(link)
    assert "Yes, follow this series" in page.text
    assert stored_rows(app, Follower)[0].confirmed_at is None

    done = client.post(link, data={"csrf_token": csrf_token(page.text)})
    assert done.status_code == 303
    subscriptions = client.get(done.location).text
    assert "You follow <strong>Cluster Voices</strong> now" in subscriptions
    assert stored_rows(app, Follower)[0].confirmed_at is not None
    # The link works once.
    assert client.get(link).status_code == 404


def test_the_answer_is_the_same_for_a_new_and_a_known_address(client, app, a_series, make_follower):
    make_follower(email="known@example.org")
    known = follow_through_form(client, a_series.slug, email="known@example.org")
    new = follow_through_form(client, a_series.slug, email="new@example.org")
    assert (known.status_code, known.location) == (new.status_code, new.location)
    assert client.get(known.location).text == client.get(new.location).text


def test_the_confirmation_goes_at_most_once_a_day_to_an_address_and_series(
    client, app, clock, a_series
):
    for _ in range(5):
        assert follow_through_form(client, a_series.slug).status_code == 303
    # Case and spaces make no other follower.
    follow_through_form(client, a_series.slug, email=" ADA@Example.org ")
    assert len(stored_rows(app, OutboxEmail, kind="follow_confirmation")) == 1
    assert len(stored_rows(app, Follower)) == 1

    clock.advance(hours=23)
    follow_through_form(client, a_series.slug)
    assert len(stored_rows(app, OutboxEmail, kind="follow_confirmation")) == 1
    clock.advance(hours=2)
    follow_through_form(client, a_series.slug)
    assert len(stored_rows(app, OutboxEmail, kind="follow_confirmation")) == 2


def test_a_second_link_replaces_the_first(smtp_server, client, clock, inbox, a_series):
    follow_through_form(client, a_series.slug)
    (first,) = inbox.deliver()
    clock.advance(days=1, minutes=1)
    follow_through_form(client, a_series.slug)
    (second,) = inbox.deliver()
    assert client.get(confirm_link_of(text_of(first))).status_code == 404
    assert client.get(confirm_link_of(text_of(second))).status_code == 200


def test_a_confirmation_link_expires_after_seven_days(smtp_server, client, clock, inbox, a_series):
    follow_through_form(client, a_series.slug)
    (message,) = inbox.deliver()
    clock.advance(days=7, minutes=1)
    page = client.get(confirm_link_of(text_of(message)))
    assert page.status_code == 404
    assert "This link does not work" in page.text


def test_the_form_says_what_is_wrong_and_keeps_what_was_typed(client, app, a_series):
    response = follow_through_form(
        client, a_series.slug, email="not an address", name="www.example.com", consent_privacy=None
    )
    assert response.status_code == 200
    page = response.text
    assert "Please correct these 3 fields" in page
    assert "Please enter an email address such as name@example.org." in page
    assert "Please enter just your name, without a web or email address." in page
    assert "Please agree to the privacy notice to follow." in page
    assert 'value="not an address"' in page
    assert stored_rows(app, Follower) == []


def test_a_form_without_its_csrf_token_is_refused(client, app, a_series):
    response = client.post(f"/series/{a_series.slug}/follow", data=FOLLOW_FORM)
    assert response.status_code == 400
    assert "Bad request" in response.text
    assert stored_rows(app, Follower) == []


def test_the_hidden_field_filled_by_software_follows_nobody(client, app, a_series):
    response = follow_through_form(client, a_series.slug, website="http://spam.example")
    assert response.status_code == 303
    assert stored_rows(app, Follower) == []


def test_an_unknown_series_has_no_follow_form(client):
    assert client.get("/series/no-such-series/follow").status_code == 404


def test_the_series_page_and_its_talks_pages_lead_to_the_follow_form(
    client, app, make_event, a_series
):
    talk = make_event(series_id=a_series.id)
    for path in (f"/series/{a_series.slug}", f"/events/{talk.slug}"):
        page = client.get(path).text
        link = f'<a class="button" href="/series/{a_series.slug}/follow">Follow this series</a>'
        assert link in page
        # The form itself, with its token, is on the follow page only.
        assert "<form" not in page.split('id="follow-heading"')[1].split("</section>")[0]
    form_page = client.get(f"/series/{a_series.slug}/follow").text
    assert f'action="/series/{a_series.slug}/follow"' in form_page
    assert '<label for="consent_privacy">' in form_page


def test_reading_a_talk_or_series_page_sets_no_cookie(app, make_event, a_series):
    talk = make_event(series_id=a_series.id)
    for path in (f"/series/{a_series.slug}", f"/events/{talk.slug}"):
        for _ in range(2):  # rendered, then from the cache
            response = app.test_client().get(path)
            assert response.status_code == 200
            assert "Set-Cookie" not in response.headers, path


def test_each_visitor_of_the_follow_page_gets_a_token_of_their_own(app, a_series):
    first, second = app.test_client(), app.test_client()
    first_token = csrf_token(first.get(f"/series/{a_series.slug}/follow").data)
    second_token = csrf_token(second.get(f"/series/{a_series.slug}/follow").data)
    assert first_token != second_token
    # Each token works for its own visitor only.
    stolen = dict(FOLLOW_FORM, csrf_token=first_token)
    assert second.post(f"/series/{a_series.slug}/follow", data=stolen).status_code == 400
    for visitor, token in ((first, first_token), (second, second_token)):
        form = dict(FOLLOW_FORM, csrf_token=token)
        assert visitor.post(f"/series/{a_series.slug}/follow", data=form).status_code == 303


def test_many_series_cannot_flood_one_mailbox(app, client, make_series):
    app.config.update(MAILBOX_EMAILS_PER_HOUR=2)
    for number in range(1, 4):
        series = make_series()
        follow_through_form(client, series.slug, email=f"victim+{number}@example.org")
    statuses = [email.status for email in stored_rows(app, OutboxEmail, kind="follow_confirmation")]
    assert statuses == ["pending", "pending", "held"]
