"""Followers' data has an end: unconfirmed follows go after 7 days, unsubscribed ones are
anonymised after the retention period, and a person can download or erase theirs."""

from __future__ import annotations

import json

from support.followers import confirm_link_of, follow_through_form
from support.forms import csrf_token
from support.mail import text_of
from support.stored import stored_rows

from webinar.models import Follower, OutboxEmail
from webinar.privacy import purge


def run_purge(app):
    with app.app_context():
        return purge()


def test_a_follow_never_confirmed_is_deleted_after_seven_days(client, app, clock, a_series):
    follow_through_form(client, a_series.slug)
    clock.advance(days=6, hours=23)
    assert run_purge(app).unconfirmed_follows == 0
    assert len(stored_rows(app, Follower)) == 1
    clock.advance(hours=2)
    assert run_purge(app).unconfirmed_follows == 1
    assert stored_rows(app, Follower) == []
    # Its confirmation email goes with it.
    assert stored_rows(app, OutboxEmail) == []


def test_an_unsubscribed_follower_is_anonymised_after_the_retention_period(
    app, clock, make_follower
):
    clock.set(clock())
    gone = make_follower(email="gone@example.org", unsubscribed_at=clock())
    staying = make_follower(email="staying@example.org")
    clock.advance(days=app.config["RETENTION_DAYS"], minutes=1)
    assert run_purge(app).followers == 1
    by_id = {f.id: f for f in stored_rows(app, Follower)}
    assert by_id[gone].email == "" and by_id[gone].name == ""
    assert by_id[gone].anonymised_at is not None
    assert "gone@example.org" not in by_id[gone].email_normalised
    assert by_id[staying].email == "staying@example.org"


def subscriptions_page(smtp_server, client, inbox, series):
    """Follow and confirm through the pages; return the "my subscriptions" path."""
    follow_through_form(client, series.slug, name="Ada Lovelace")
    (message,) = inbox.deliver()
    link = confirm_link_of(text_of(message))
    page = client.get(link)
    done = client.post(link, data={"csrf_token": csrf_token(page.text)})
    return done.location.split("?")[0]


def test_a_follower_downloads_what_is_stored_about_them(smtp_server, client, app, inbox, a_series):
    path = subscriptions_page(smtp_server, client, inbox, a_series)
    response = client.get(f"{path}/data.json")
    assert response.headers["Cache-Control"] == "no-store"
    data = json.loads(response.data)
    (follow,) = data["follows"]
    assert follow["series"] == "Cluster Voices"
    assert follow["email"] == "ada@example.org" and follow["name"] == "Ada Lovelace"
    # The notice the follower agreed to when following: the one in force then.
    assert follow["privacy_notice_version"] == app.config["PRIVACY_NOTICE_VERSION"]
    assert follow["confirmed_at"] is not None
    assert [email["kind"] for email in data["emails"]] == ["follow_confirmation"]


def test_a_follower_erases_their_details_and_their_links_stop_working(
    smtp_server, client, app, inbox, a_series
):
    path = subscriptions_page(smtp_server, client, inbox, a_series)
    page = client.get(f"{path}/delete")
    assert "Yes, delete my details" in page.text
    done = client.post(f"{path}/delete", data={"csrf_token": csrf_token(page.text)})
    assert "Your details are deleted" in client.get(done.location).text
    (follower,) = stored_rows(app, Follower)
    assert (follower.email, follower.name) == ("", "")
    assert follower.unsubscribed_at is not None and follower.anonymised_at is not None
    (email,) = stored_rows(app, OutboxEmail)
    assert (email.recipient, email.text_body) == ("", "")
    assert client.get(path).status_code == 404


def test_stop_following_from_the_subscriptions_page(smtp_server, client, app, inbox, a_series):
    path = subscriptions_page(smtp_server, client, inbox, a_series)
    page = client.get(path)
    (follower,) = stored_rows(app, Follower)
    stop = f"{path}/stop/{follower.id}"
    # Without the page's token nothing changes.
    assert client.post(stop).status_code == 400
    assert stored_rows(app, Follower)[0].unsubscribed_at is None
    done = client.post(stop, data={"csrf_token": csrf_token(page.text)})
    page = client.get(done.location).text
    assert "You no longer follow <strong>Cluster Voices</strong>." in page
    assert "You follow no series at the moment." in page
    assert stored_rows(app, Follower)[0].unsubscribed_at is not None


def test_following_again_after_stopping_needs_a_new_confirmation(
    smtp_server, client, app, clock, inbox, a_series, make_follower
):
    make_follower(email="ada@example.org", unsubscribed_at=clock())
    follow_through_form(client, a_series.slug)
    (message,) = inbox.deliver()
    assert stored_rows(app, Follower)[0].unsubscribed_at is not None
    link = confirm_link_of(text_of(message))
    client.post(link, data={"csrf_token": csrf_token(client.get(link).text)})
    follower = stored_rows(app, Follower)[0]
    assert follower.unsubscribed_at is None and follower.is_following
