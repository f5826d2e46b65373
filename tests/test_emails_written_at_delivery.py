"""A registration's emails are written by the worker when they go out, and kept as sent."""

from support.forms import register_through_form
from support.mail import text_of
from support.stored import stored_one

from webinar.extensions import db
from webinar.models import Event, OutboxEmail


def test_the_registration_saves_the_email_unwritten_and_the_worker_writes_and_keeps_it(
    smtp_server, app, client, make_event, deliver
):
    event = make_event(title="Quantum computing for SMEs")
    register_through_form(client, event.slug, email="ada@example.org")
    row = stored_one(app, OutboxEmail, kind="confirmation")
    # Saved with the registration: who, what, in which language; the subject already reads.
    assert (row.recipient, row.language, row.text_body, row.ics) == (
        "ada@example.org", "en", "", None,
    )  # fmt: skip
    assert row.subject == "Your place at Quantum computing for SMEs"

    assert deliver() == 1
    (message,) = smtp_server.messages
    row = stored_one(app, OutboxEmail, kind="confirmation")
    assert row.language is None and row.status == "sent"
    # The row keeps exactly what was sent.
    assert row.text_body == text_of(message)
    assert "BEGIN:VCALENDAR" in row.ics


def test_an_email_shows_the_talk_as_it_is_when_it_goes_out(
    smtp_server, app, client, make_event, deliver
):
    event = make_event(title="Quantum computing")
    register_through_form(client, event.slug, email="ada@example.org")
    with app.app_context():
        db.session.get(Event, event.id).title = "Quantum computing for SMEs"
        db.session.commit()
    deliver()
    (message,) = smtp_server.messages
    assert message["Subject"] == "Your place at Quantum computing for SMEs"
    assert "Quantum computing for SMEs" in text_of(message)


def test_an_email_is_written_in_the_language_the_person_registered_in(
    smtp_server, app, client, make_event, deliver
):
    event = make_event(other_languages=["fr", "de"])
    client.get(f"/language/de?next=/events/{event.slug}")
    register_through_form(client, event.slug, email="ada@example.org")
    assert stored_one(app, OutboxEmail, kind="confirmation").language == "de"
    deliver()
    (message,) = smtp_server.messages
    assert message["Subject"].startswith("Ihr Platz")
    assert "Sie" in text_of(message)


def test_a_held_email_is_written_when_an_organiser_sends_it(
    smtp_server, app_config, app, make_event, deliver
):
    from support.forms import VALID_FORM, csrf_token

    from webinar.mail.delivery import retry_failed

    app.config["MAILBOX_EMAILS_PER_HOUR"] = 1
    event = make_event()
    for _ in range(2):
        visitor = app.test_client()
        page = visitor.get(f"/events/{event.slug}/register").text
        form = dict(VALID_FORM, email="ada+x@example.org", csrf_token=csrf_token(page))
        visitor.post(f"/events/{event.slug}/register", data=form)
    held = stored_one(app, OutboxEmail, kind="already_registered")
    assert held.status == "held" and held.language == "en"
    deliver()
    with app.app_context():
        assert retry_failed([held.id], statuses=("held",)) == 1
    deliver()
    assert [message["X-Webinar-Kind"] for message in smtp_server.messages] == [
        "confirmation",
        "already_registered",
    ]
    assert "/registrations/" in text_of(smtp_server.messages[1])
