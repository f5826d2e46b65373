"""Privacy by default: retention purge, personal data download, notice, logs without people."""

import json
import logging
from datetime import timedelta
from urllib.request import urlopen

from support.clock import TALK_END, TALK_START
from support.forms import register_through_form
from support.stored import emails, registrations

from webinar.extensions import db


def ended_days_ago(talk, days: int):
    """Return a talk held `days` before TALK_START (the tests' clock then sits at TALK_END)."""
    return talk(
        starts_at=TALK_START - timedelta(days=days), ends_at=TALK_END - timedelta(days=days)
    )


def anonymised(app) -> list[bool]:
    return [row.anonymised_at is not None for row in registrations(app)]


def test_the_purge_anonymises_exactly_the_registrations_past_retention(
    app, clock, talk, make_registration
):
    old = ended_days_ago(talk, 200)
    recent = ended_days_ago(talk, 100)
    coming = talk()
    for event in (old, old, recent, coming):
        make_registration(event, joined_at=event.starts_at)
    make_registration(old, status="cancelled")
    clock.set(TALK_END)  # old ended 200 days ago, recent 100 days ago

    assert anonymised(app) == [False] * 5
    with app.app_context():
        from webinar.privacy import purge

        result = purge()
    assert (result.registrations, result.email_bodies) == (3, 0)
    assert anonymised(app) == [True, True, False, False, True]
    rows = registrations(app)
    for row in rows[:2]:
        assert (row.first_name, row.last_name, row.email) == ("", "", "")
        assert row.status == "confirmed" and row.joined_at is not None  # attendance survives
    assert rows[2].first_name == "Grace" and "@example.org" in rows[2].email
    with app.app_context():
        assert purge().registrations == 0


def test_the_purge_empties_bodies_of_emails_sent_more_than_30_days_ago(
    app, client, clock, talk, deliver
):
    later = timedelta(days=60)
    event = talk(starts_at=TALK_START + later, ends_at=TALK_END + later)
    register_through_form(client, event.slug, email="ada@example.org")
    deliver()
    clock.advance(days=31)
    register_through_form(client, event.slug, email="bob@example.org")
    with app.app_context():
        from webinar.privacy import purge

        assert purge().email_bodies == 1
    deliver()  # sends bob's, whose body is young
    ada, bob = emails(app)
    assert (ada.text_body, ada.html_body, ada.ics) == ("", "", None)
    assert ada.recipient == "ada@example.org" and ada.status == "sent"
    assert "Dear Ada" in bob.text_body


def test_flask_privacy_purge_prints_the_counts(app, runner, clock, talk, make_registration):
    old = ended_days_ago(talk, 200)
    make_registration(old)
    clock.set(TALK_END)
    result = runner.invoke(args=["privacy", "purge"])
    assert result.exit_code == 0, result.output
    assert (
        "Anonymised 1 registrations; deleted the bodies of 0 sent or failed emails"
        " and 0 old files of the mailbox folder." in result.output
    )
    assert anonymised(app) == [True]


def test_the_outbox_loop_runs_the_purge_once_a_day(
    app, clock, talk, caplog, make_registration, deliver
):
    old = ended_days_ago(talk, 200)
    clock.set(TALK_END)
    deliver()
    make_registration(old)
    deliver()
    assert anonymised(app) == [False], "a second pass the same day does not purge"
    clock.advance(hours=24)
    deliver()
    assert anonymised(app) == [True]


def test_a_person_downloads_their_data_as_json_not_cached(app, client, clock, talk):
    event = talk(title="Clusters and AI")
    register_through_form(client, event.slug, email="ada@example.org", consent_marketing="y")
    (row,) = registrations(app)
    manage = client.get(f"/registrations/{row.token}").text
    assert f'href="/registrations/{row.token}/data.json"' in manage

    response = client.get(f"/registrations/{row.token}/data.json")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert response.mimetype == "application/json"
    data = json.loads(response.data)
    assert data["registration"]["email"] == "ada@example.org"
    assert data["registration"]["first_name"] == "Ada"
    assert data["registration"]["privacy_notice_version"] == "2"
    assert data["registration"]["marketing_consent"] is True
    assert data["event"]["title"] == "Clusters and AI"
    assert [email["kind"] for email in data["emails"]] == ["confirmation"]
    assert client.get("/registrations/no-such-token/data.json").status_code == 404


def test_the_personal_page_shows_when_the_person_joined(app, client, clock, talk):
    event = talk()
    register_through_form(client, event.slug, email="ada@example.org")
    (row,) = registrations(app)
    clock.set(TALK_START + timedelta(minutes=5))
    assert client.get(f"/join/{row.token}").status_code == 303
    page = client.get(f"/registrations/{row.token}").text
    assert "You joined on 17 March 2027, 10:05 CET" in page


def test_the_privacy_notice_states_retention_and_rights(app, client):
    app.config.update(RETENTION_DAYS=120, EMAIL_BODY_RETENTION_DAYS=20)
    page = client.get("/privacy").text
    assert "anonymised 120 days after the talk" in page
    assert "deleted 20 days after sending" in page
    for right in ("see your data", "have it deleted", "withdraw consent", "complain"):
        assert right in page


def test_every_email_links_to_the_privacy_notice(app, client, clock, talk, deliver):
    event = talk(capacity=1, waitlist_enabled=True)
    register_through_form(client, event.slug, email="ada@example.org")
    register_through_form(client, event.slug, email="bob@example.org")
    register_through_form(client, event.slug, email="ada@example.org")
    clock.set(TALK_START - timedelta(hours=1))
    deliver()
    with app.app_context():
        from webinar.notifications import enqueue_event_cancelled

        enqueue_event_cancelled(db.session.get(type(event), event.id))
        db.session.commit()
    sent = emails(app)
    assert {email.kind for email in sent} >= {
        "confirmation", "waitlisted", "already_registered", "reminder_1h", "event_cancelled"
    }  # fmt: skip
    for email in sent:
        assert "http://webinar.test/privacy" in email.text_body, email.kind
        assert 'href="http://webinar.test/privacy"' in email.html_body, email.kind


def test_logs_of_a_whole_registration_never_name_the_person(
    app, client, clock, talk, caplog, live_server, deliver
):
    caplog.set_level(logging.DEBUG)
    logging.getLogger("werkzeug").setLevel(logging.DEBUG)
    app.logger.setLevel(logging.DEBUG)
    event = talk()
    register_through_form(
        client, event.slug, email="Zelda.Quist@example.org", first_name="Zelda", last_name="Quist"
    )
    (row,) = registrations(app)
    for path in (f"/registrations/{row.token}", f"/registrations/{row.token}/data.json"):
        with urlopen(live_server.url + path) as response:  # through werkzeug's request log
            assert response.status == 200
    clock.set(TALK_START - timedelta(hours=1))
    deliver()
    client.post(f"/registrations/{row.token}/cancel")
    deliver()

    assert len(emails(app)) >= 2
    assert any(record.name == "werkzeug" for record in caplog.records)
    logged = "\n".join(f"{record.name} {record.getMessage()}" for record in caplog.records)
    assert "Email" in logged  # the delivery did log
    for secret in ("zelda", "quist"):
        assert secret not in logged.lower()
