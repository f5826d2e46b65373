"""From the form to the inbox: registrations whose emails cross a real SMTP server."""

import re
from urllib.parse import urlsplit

import icalendar
from registration_helpers import register_through_form

from webinar.jobs import run_once

LINK_RE = re.compile(r"http://webinar\.test(/\S+)")


def deliver(app) -> int:
    """Run one pass of the outbox worker, as `flask outbox work --once` does."""
    with app.app_context():
        return run_once()


def links_in(message) -> list[str]:
    """Return the paths of the site's links in an email's plain-text part."""
    text = message.get_body(preferencelist=("plain",)).get_content()
    return LINK_RE.findall(text)


def calendar_of(message) -> icalendar.Calendar:
    (attachment,) = [part for part in message.iter_attachments() if part.get_filename()]
    assert attachment.get_content_type() == "text/calendar"
    return icalendar.Calendar.from_ical(attachment.get_content())


def test_a_registration_email_arrives_with_calendar_file_and_working_links(
    smtp_server, app, client, make_event
):
    event = make_event(title="Quantum computing for SMEs")
    register_through_form(client, event.slug, email="Ada@Example.org")

    assert deliver(app) == 1
    (message,) = smtp_server.messages
    assert message["To"] == "Ada@Example.org"
    assert message["X-Webinar-Kind"] == "confirmation"
    assert "Quantum computing for SMEs" in message["Subject"]
    html = message.get_body(preferencelist=("html",)).get_content()
    assert "Quantum computing for SMEs" in html

    vevent = calendar_of(message).walk("VEVENT")[0]
    assert str(vevent["SUMMARY"]) == "Quantum computing for SMEs"
    join_path = urlsplit(str(vevent["URL"])).path
    assert join_path.startswith("/join/")
    assert join_path in str(vevent["DESCRIPTION"])

    paths = links_in(message)
    manage_path = next(path for path in paths if path.startswith("/registrations/"))
    manage = client.get(manage_path)
    assert manage.status_code == 200
    assert "Quantum computing for SMEs" in manage.text
    # The join link answers (two weeks early, it says when it opens).
    assert client.get(join_path).status_code == 200
    for path in paths:
        assert client.get(path).status_code == 200, path

    assert deliver(app) == 0, "an email is delivered once"
    assert len(smtp_server.messages) == 1


def test_the_first_waitlisted_person_gets_the_promoted_email_after_a_cancellation(
    smtp_server, app, client, make_event
):
    event = make_event(capacity=1, waitlist_enabled=True)
    register_through_form(client, event.slug, email="first@example.org")
    register_through_form(client, event.slug, email="second@example.org")
    register_through_form(client, event.slug, email="third@example.org")
    deliver(app)
    kinds = {message["To"]: message["X-Webinar-Kind"] for message in smtp_server.messages}
    assert kinds == {
        "first@example.org": "confirmation",
        "second@example.org": "waitlisted",
        "third@example.org": "waitlisted",
    }
    first = smtp_server.messages[0]
    manage_path = next(p for p in links_in(first) if p.startswith("/registrations/"))

    page = client.get(f"{manage_path}/cancel")
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page.text).group(1)
    client.post(f"{manage_path}/cancel", data={"csrf_token": token})
    deliver(app)

    after = smtp_server.messages[3:]
    assert sorted((m["To"], m["X-Webinar-Kind"]) for m in after) == [
        ("first@example.org", "cancelled"),
        ("second@example.org", "promoted"),
    ]
    promoted = next(m for m in after if m["X-Webinar-Kind"] == "promoted")
    assert calendar_of(promoted).walk("VEVENT")[0]["URL"]


def test_registration_succeeds_while_smtp_is_down_and_its_email_goes_out_once_it_is_back(
    smtp_server, app, client, make_event
):
    from datetime import timedelta

    from registration_helpers import emails, registrations

    from webinar.extensions import db
    from webinar.models import OutboxEmail, utcnow

    event = make_event()
    smtp_server.stop()
    response = register_through_form(client, event.slug)
    assert response.status_code == 303
    assert [r.status for r in registrations(app, event)] == ["confirmed"]

    assert deliver(app) == 0
    (email,) = emails(app)
    assert email.status == "pending"
    assert email.attempts == 1
    assert email.next_attempt_at > utcnow() + timedelta(seconds=20)

    smtp_server.start()
    with app.app_context():  # instead of waiting for the backoff to pass
        db.session.execute(db.update(OutboxEmail).values(next_attempt_at=utcnow()))
        db.session.commit()
    assert deliver(app) == 1
    assert deliver(app) == 0
    assert [m["X-Webinar-Kind"] for m in smtp_server.messages] == ["confirmation"]
