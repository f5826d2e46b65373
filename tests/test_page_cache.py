"""The talk page answers conditional requests and never serves a stale cached copy."""

from support.eventdata import add_speakers, add_topics, queries_to_show
from support.forms import register_through_form

from webinar.extensions import db
from webinar.models import Speaker


def test_talk_page_sends_an_etag_and_answers_304_to_a_matching_request(client, make_event):
    event = make_event()
    first = client.get(f"/events/{event.slug}")
    etag = first.headers["ETag"]
    assert first.headers["Last-Modified"]
    assert "no-cache" in first.headers["Cache-Control"]

    again = client.get(f"/events/{event.slug}", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.data == b""
    assert again.headers["ETag"] == etag


def test_a_registration_changes_the_seats_shown_and_the_etag(client, make_event):
    event = make_event(capacity=5)
    first = client.get(f"/events/{event.slug}")
    assert "5 seats left" in first.text

    register_through_form(client, event.slug)
    client.get("/")  # the confirmation page's flashed messages, if any, are read
    after = client.get(f"/events/{event.slug}", headers={"If-None-Match": first.headers["ETag"]})
    assert after.status_code == 200
    assert "4 seats left" in after.text


def test_renaming_a_speaker_shows_at_once(app, client, make_event):
    event = make_event()
    add_speakers(app, event.id, [("Ada Lovelace", "Analyst", "Engines")])
    assert "Ada Lovelace" in client.get(f"/events/{event.slug}").text

    with app.app_context():
        speaker = db.session.scalar(db.select(Speaker).where(Speaker.event_id == event.id))
        speaker.name = "Grace Hopper"
        db.session.commit()
    page = client.get(f"/events/{event.slug}").text
    assert "Grace Hopper" in page
    assert "Ada Lovelace" not in page


def test_a_new_topic_shows_at_once(app, client, make_event):
    event = make_event()
    client.get(f"/events/{event.slug}")
    add_topics(app, event.id, "Clean technologies")
    assert "Clean technologies" in client.get(f"/events/{event.slug}").text


def test_talk_page_queries_do_not_grow_with_speakers(app, client, make_event):
    few = make_event()
    add_speakers(app, few.id, [("One", "", "")])
    many = make_event()
    add_speakers(app, many.id, [(f"Speaker {n}", "Role", "Org") for n in range(12)])
    add_topics(app, many.id, "A", "B", "C")
    assert queries_to_show(app, client, f"/events/{few.slug}") == queries_to_show(
        app, client, f"/events/{many.slug}"
    )


def test_a_cached_talk_page_costs_one_query(app, client, make_event):
    event = make_event()
    add_speakers(app, event.id, [("One", "", ""), ("Two", "", "")])
    queries_to_show(app, client, f"/events/{event.slug}")
    assert queries_to_show(app, client, f"/events/{event.slug}") == 1
