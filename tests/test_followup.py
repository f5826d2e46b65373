"""The follow-up after a talk: a preview of both versions, then sent once per seat."""

from datetime import timedelta

import pytest
from support.clock import TALK_END
from support.organisers import token_of
from support.stored import emails

from webinar.extensions import db
from webinar.models import Event, Material


@pytest.fixture
def ended_talk(app, clock, talk, owner, make_registration):
    """A talk that ended an hour ago, with a recording, a summary and slides."""
    event = talk(
        owner_id=owner,
        title="Clusters and AI",
        recording_url="https://video.example.org/clusters-ai",
        post_summary="We talked about **data spaces**.",
    )
    with app.app_context():
        db.session.add(Material(event_id=event.id, kind="slides", title="The slides",
                                filename="slides-abc.pdf"))  # fmt: skip
        db.session.commit()
    joined_at = TALK_END - timedelta(minutes=50)
    make_registration(event, email="came@example.org", joined_at=joined_at)
    make_registration(event, email="missed@example.org")
    make_registration(event, email="waiting@example.org", status="waitlisted")
    make_registration(event, email="gone@example.org", status="cancelled")
    clock.set(TALK_END + timedelta(hours=1))
    return event


def send(client, event):
    url = f"/organiser/events/{event.id}/follow-up"
    return client.post(url, data={"csrf_token": token_of(client, url)})


def test_the_preview_shows_both_versions_with_absolute_links(owner_client, ended_talk):
    page = owner_client.get(f"/organiser/events/{ended_talk.id}/follow-up").text
    assert "Thank you for joining: Clusters and AI" in page
    assert "Sorry we missed you: Clusters and AI" in page
    assert page.count("https://video.example.org/clusters-ai") == 2
    assert page.count("http://webinar.test/uploads/slides-abc.pdf") == 2
    assert "We talked about **data spaces**." in page
    assert "1 joined the talk" in page and "1 did not" in page


def test_the_follow_up_splits_attended_and_missed_and_goes_out_once_when_pressed_twice(
    app, owner_client, ended_talk
):
    first = send(owner_client, ended_talk)
    assert first.status_code == 303
    assert "on its way to 2 people" in owner_client.get(first.location).text
    second = send(owner_client, ended_talk)
    assert "already has the follow-up" in owner_client.get(second.location).text

    sent = {email.recipient: email for email in emails(app, "follow_up")}
    assert sorted(sent) == ["came@example.org", "missed@example.org"]
    came, missed = sent["came@example.org"], sent["missed@example.org"]
    assert came.subject == "Thank you for joining: Clusters and AI"
    assert missed.subject == "Sorry we missed you: Clusters and AI"
    for email in (came, missed):
        assert "https://video.example.org/clusters-ai" in email.text_body
        assert "http://webinar.test/uploads/slides-abc.pdf" in email.html_body
        assert "<strong>data spaces</strong>" in email.html_body
        assert "/join/" not in email.text_body
        assert email.ics is None
    with app.app_context():
        assert db.session.get(Event, ended_talk.id).follow_up_sent_at is not None


def test_the_follow_up_waits_for_the_end_of_the_talk(app, owner_client, ended_talk, clock):
    clock.set(TALK_END - timedelta(minutes=5))
    page = owner_client.get(f"/organiser/events/{ended_talk.id}/follow-up").text
    assert "once the talk has ended" in page
    send(owner_client, ended_talk)
    assert emails(app, "follow_up") == []


def test_the_follow_up_needs_a_recording_a_summary_or_slides(
    app, owner_client, owner, talk, clock, make_registration
):
    event = talk(owner_id=owner)
    make_registration(event, email="came@example.org")
    clock.set(TALK_END + timedelta(days=1))
    page = owner_client.get(f"/organiser/events/{event.id}/follow-up").text
    assert "Add a recording, a summary or slides first" in page
    send(owner_client, event)
    assert emails(app, "follow_up") == []


def test_another_organiser_cannot_see_or_send_the_follow_up(
    app, make_organiser, signed_in, ended_talk
):
    make_organiser("other@example.org")
    other = signed_in("other@example.org")
    assert other.get(f"/organiser/events/{ended_talk.id}/follow-up").status_code == 404
    assert emails(app, "follow_up") == []


def test_the_event_page_links_to_the_follow_up_and_announcements(owner_client, ended_talk):
    page = owner_client.get(f"/organiser/events/{ended_talk.id}").text
    assert f'href="/organiser/events/{ended_talk.id}/follow-up"' in page
    assert f'href="/organiser/events/{ended_talk.id}/announce"' in page
