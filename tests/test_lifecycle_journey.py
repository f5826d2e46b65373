"""One talk from registration to follow-up, every email through a real SMTP server."""

from datetime import timedelta
from urllib.parse import urlsplit

from support.clock import TALK_END, TALK_START
from support.forms import register_through_form
from support.mail import calendar_of, html_of, text_of
from support.organisers import token_of
from test_updates import edit

from webinar.extensions import db
from webinar.models import Event


def test_registration_reminders_update_attendance_and_follow_up_reach_the_inbox(
    smtp_server, app, client, clock, talk, owner, owner_client, deliver
):
    event = talk(owner_id=owner, title="Clusters and AI")
    register_through_form(client, event.slug, email="ada@example.org", timezone="America/New_York")
    register_through_form(client, event.slug, email="bob@example.org", first_name="Bob")
    assert deliver() == 2

    edit(owner_client, event, starts_time="10:30", ends_time="11:30")  # half an hour later
    assert deliver() == 2

    clock.set(TALK_START + timedelta(minutes=30) - timedelta(hours=24))
    assert deliver() == 2
    clock.set(TALK_START + timedelta(minutes=30) - timedelta(hours=1))
    assert deliver() == 2

    inbox = {}
    for message in smtp_server.messages:
        inbox.setdefault(message["To"], []).append(message)
    ada = inbox["ada@example.org"]
    assert [m["X-Webinar-Kind"] for m in ada] == [
        "confirmation", "updated", "reminder_24h", "reminder_1h"
    ]  # fmt: skip
    entries = [calendar_of(m).walk("VEVENT")[0] for m in ada]
    assert len({str(entry["UID"]) for entry in entries}) == 1
    assert [entry["SEQUENCE"] for entry in entries] == [0, 1, 1, 1]
    assert calendar_of(ada[1])["METHOD"] == "REQUEST"
    assert entries[-1].decoded("DTSTART") == TALK_START + timedelta(minutes=30)
    # Both zones, a week before Europe moves its clocks but after America did.
    assert "17 March 2027, 10:30 – 11:30 CET" in text_of(ada[3])
    assert "05:30 – 06:30 EDT" in html_of(ada[3])

    join_path = urlsplit(str(entries[-1]["URL"])).path
    clock.set(TALK_START + timedelta(minutes=35))
    joined = client.get(join_path)
    assert joined.status_code == 303
    assert joined.location == "https://meet.example.org/secret-room"

    clock.set(TALK_END + timedelta(hours=2))
    with app.app_context():
        stored = db.session.get(Event, event.id)
        stored.recording_url = "https://video.example.org/clusters-ai"
        db.session.commit()
    url = f"/organiser/events/{event.id}/follow-up"
    for _ in range(2):
        owner_client.post(url, data={"csrf_token": token_of(owner_client, url)})
    assert deliver() == 2
    assert deliver() == 0

    follow_ups = {m["To"]: m for m in smtp_server.messages if m["X-Webinar-Kind"] == "follow_up"}
    assert follow_ups["ada@example.org"]["Subject"] == "Thank you for joining: Clusters and AI"
    assert follow_ups["bob@example.org"]["Subject"] == "Sorry we missed you: Clusters and AI"
    for message in follow_ups.values():
        assert "https://video.example.org/clusters-ai" in text_of(message)
        assert 'href="https://video.example.org/clusters-ai"' in html_of(message)
        assert "http://webinar.test/privacy" in text_of(message)
    assert len(smtp_server.messages) == 10
