"""A talk of a series is published: one job, then one email to each follower, once per talk."""

from __future__ import annotations

import re
import time
from urllib.parse import parse_qs, urlsplit

import pytest
from support.followers import add_followers
from support.forms import VALID_FORM, csrf_token, hidden_value
from support.mail import html_of, text_of
from support.organisers import token_of
from support.stored import registrations, stored_one, stored_rows

from webinar.models import Follower, FollowerAnnouncement, OutboxEmail, SeriesMailing

ONE_CLICK = {"List-Unsubscribe": "One-Click"}


@pytest.fixture
def draft(make_event, owner, a_series):
    """A draft talk of the series, owned by the owner."""
    return make_event(owner_id=owner, status="draft", series_id=a_series.id,
                      title="Clusters & <b>AI</b>")  # fmt: skip


def change(client, event, action: str) -> None:
    url = f"/organiser/events/{event.id}"
    response = client.post(f"{url}/{action}", data={"csrf_token": token_of(client, url)})
    assert response.status_code == 302


def announcements(smtp_server) -> list:
    return [m for m in smtp_server.messages if m["X-Webinar-Kind"] == "series_announcement"]


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def test_a_follower_gets_one_announcement_that_opens_a_filled_in_form(
    smtp_server, app, client, owner_client, inbox, draft, make_follower
):
    make_follower(email="grace@example.org", name="Grace Brewster Hopper")
    make_follower(email="left@example.org", unsubscribed_at=draft.created_at)
    make_follower(email="unsure@example.org", confirmed_at=None)

    change(owner_client, draft, "publish")
    # The request wrote the job, and no email.
    (job,) = stored_rows(app, SeriesMailing)
    assert job.event_id == draft.id and job.status == "pending"
    assert stored_rows(app, OutboxEmail, kind="series_announcement") == []

    (message,) = [m for m in inbox.deliver() if m["X-Webinar-Kind"] == "series_announcement"]
    assert message["To"] == "grace@example.org"
    assert message["Subject"] == "New in Cluster Voices: Clusters & <b>AI</b>"
    unsubscribe = re.fullmatch(r"<(\S+)>", message["List-Unsubscribe"]).group(1)
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    text, html = text_of(message), html_of(message)
    assert "Clusters &amp; &lt;b&gt;AI&lt;/b&gt;" in html and "<b>AI" not in html
    assert unsubscribe in text and "/following/" in text
    assert stored_one(app, SeriesMailing).status == "sent"

    register = re.search(r"(http\S+/events/\S+/register\?\S+)", text).group(1)
    assert "grace" not in register
    assert parse_qs(urlsplit(register).query)["utm_source"] == ["follower-email"]
    response = client.get(path_of(register))
    assert response.headers["Cache-Control"] == "no-store"
    page = response.text
    assert 'value="grace@example.org"' in page
    assert 'value="Grace"' in page and 'value="Brewster Hopper"' in page
    # Nothing is registered until the person sends the form.
    assert registrations(app) == []
    form = dict(VALID_FORM, csrf_token=csrf_token(page), email="grace@example.org",
                first_name="Grace", last_name="Brewster Hopper")  # fmt: skip
    for name in ("utm_source", "utm_medium", "utm_campaign"):
        form[name] = hidden_value(page, name)
    assert client.post(f"/events/{draft.slug}/register", data=form).status_code == 303
    (registration,) = registrations(app)
    assert registration.email == "grace@example.org"
    assert registration.utm_source == "follower-email"

    # The organiser's figures count it under that source.
    figures = owner_client.get(f"/organiser/events/{draft.id}").text
    assert "follower-email" in figures


def test_a_talk_published_again_is_not_announced_again(
    smtp_server, app, owner_client, inbox, draft, make_follower
):
    make_follower()
    change(owner_client, draft, "publish")
    assert len(announcements(smtp_server)) == 0
    inbox.deliver()
    change(owner_client, draft, "unpublish")
    change(owner_client, draft, "publish")
    inbox.deliver()
    assert len(announcements(smtp_server)) == 1
    assert len(stored_rows(app, SeriesMailing)) == 2
    assert len(stored_rows(app, FollowerAnnouncement)) == 1


def test_a_talk_taken_back_before_the_worker_runs_is_not_announced(
    smtp_server, app, owner_client, inbox, draft, make_follower
):
    make_follower()
    change(owner_client, draft, "publish")
    change(owner_client, draft, "unpublish")
    inbox.deliver()
    assert announcements(smtp_server) == []


def test_after_one_click_unsubscribe_no_announcement_comes(
    smtp_server, app, owner_client, inbox, make_event, owner, a_series, make_follower
):
    make_follower(email="ada@example.org")
    first = make_event(owner_id=owner, status="draft", series_id=a_series.id)
    second = make_event(owner_id=owner, status="draft", series_id=a_series.id)
    change(owner_client, first, "publish")
    (message,) = inbox.deliver()
    url = re.fullmatch(r"<(\S+)>", message["List-Unsubscribe"]).group(1)

    # A mail provider's POST: no session, no CSRF token, RFC 8058's body.
    response = app.test_client().post(urlsplit(url).path, data=ONE_CLICK)
    assert response.status_code == 200
    assert "You no longer follow Cluster Voices" in response.text

    change(owner_client, second, "publish")
    assert inbox.deliver() == []
    assert len(stored_rows(app, OutboxEmail, kind="series_announcement")) == 1


def test_the_unsubscribe_link_opened_asks_and_its_button_unsubscribes(
    smtp_server, app, client, owner_client, inbox, make_event, owner, a_series, make_follower
):
    make_follower(email="ada@example.org")
    first = make_event(owner_id=owner, status="draft", series_id=a_series.id)
    change(owner_client, first, "publish")
    (message,) = inbox.deliver()
    url = re.search(r"(http\S+/follow/unsubscribe/\S+)", text_of(message)).group(1)

    page = client.get(urlsplit(url).path)
    assert "Stop following Cluster Voices" in page.text
    assert stored_rows(app, Follower)[0].unsubscribed_at is None
    # The page's button sends what a mail provider sends.
    assert 'name="List-Unsubscribe" value="One-Click"' in page.text
    done = client.post(urlsplit(url).path, data=ONE_CLICK)
    assert "You no longer follow Cluster Voices" in done.text
    assert stored_rows(app, Follower)[0].unsubscribed_at is not None

    second = make_event(owner_id=owner, status="draft", series_id=a_series.id)
    change(owner_client, second, "publish")
    assert inbox.deliver() == []


def test_an_unknown_unsubscribe_link_says_so(client):
    for token in ("x" * 43, "x" * 500):
        page = client.get(f"/follow/unsubscribe/{token}")
        assert page.status_code == 404
        assert "This unsubscribe link does not work" in page.text


@pytest.mark.slow
def test_two_thousand_followers_get_one_email_each_without_holding_the_request(
    smtp_server, app, owner_client, inbox, draft, a_series
):
    add_followers(app, a_series.id, 2000)
    started = time.perf_counter()
    change(owner_client, draft, "publish")
    took = time.perf_counter() - started
    assert stored_rows(app, OutboxEmail) == []
    assert took < 1.0, f"publishing took {took:.2f} s"

    while inbox.deliver():
        pass
    received = announcements(smtp_server)
    assert len(received) == 2000
    assert len({m["To"] for m in received}) == 2000
    assert stored_one(app, SeriesMailing).written == 2000


def test_odd_unsubscribe_requests_never_fail(app, client, make_follower):
    make_follower(unsubscribe_token="u" * 43)
    bodies = [b"", b"List-Unsubscribe=One-Click" * 1000, b"\xff\xfe\x00", b'{"json": true}',
              b"List-Unsubscribe=%00%0d%0a"]  # fmt: skip
    for body in bodies:
        for path in (f"/follow/unsubscribe/{'u' * 43}", "/follow/unsubscribe/%0d%0a",
                     f"/follow/unsubscribe/{'u' * 5000}"):  # fmt: skip
            response = client.post(path, data=body,
                                   content_type="application/x-www-form-urlencoded")  # fmt: skip
            assert response.status_code < 500, (path, body[:20])
    assert stored_rows(app, Follower)[0].unsubscribed_at is not None


def test_each_follower_reads_the_announcement_in_their_own_language(
    smtp_server, app, owner_client, inbox, make_event, owner, a_series, make_follower
):
    talk = make_event(owner_id=owner, status="draft", series_id=a_series.id,
                      title="Clusters and AI", language="en", other_languages=["fr"],
                      translations={"fr": {"title": "Les clusters et l'IA"}})  # fmt: skip
    make_follower(email="claire@example.org", name="Claire Dupont", language="fr")
    make_follower(email="grace@example.org", name="Grace Hopper", language="en")

    change(owner_client, talk, "publish")
    messages = {m["To"]: m for m in inbox.deliver() if m["X-Webinar-Kind"] == "series_announcement"}
    french, english = messages["claire@example.org"], messages["grace@example.org"]
    assert french["Subject"] == "Nouveau dans Cluster Voices : Les clusters et l'IA"
    text = text_of(french)
    assert text.startswith("Bonjour Claire Dupont,")
    assert "Une nouvelle conférence de Cluster Voices est ouverte aux inscriptions." in text
    assert "Quand :" in text and "Ne plus suivre cette série :" in text
    assert "Stop following" not in text and "When:" not in text
    assert '<html lang="fr">' in html_of(french)
    assert english["Subject"] == "New in Cluster Voices: Clusters and AI"
    assert text_of(english).startswith("Hello Grace Hopper,")
