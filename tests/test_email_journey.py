"""From the form to the inbox: registrations whose emails cross a real SMTP server."""

import re
from urllib.parse import urlsplit

from support.forms import register_through_form
from support.mail import calendar_of

LINK_RE = re.compile(r"http://webinar\.test(/\S+)")


def links_in(message) -> list[str]:
    """Return the paths of the site's links in an email's plain-text part."""
    text = message.get_body(preferencelist=("plain",)).get_content()
    return LINK_RE.findall(text)


def test_a_registration_email_arrives_with_calendar_file_and_working_links(
    smtp_server, app, client, make_event, deliver
):
    event = make_event(title="Quantum computing for SMEs")
    register_through_form(client, event.slug, email="Ada@Example.org")

    assert deliver() == 1
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

    assert deliver() == 0, "an email is delivered once"
    assert len(smtp_server.messages) == 1


def test_the_first_waitlisted_person_gets_the_promoted_email_after_a_cancellation(
    smtp_server, app, client, make_event, deliver
):
    event = make_event(capacity=1, waitlist_enabled=True)
    register_through_form(client, event.slug, email="first@example.org")
    register_through_form(client, event.slug, email="second@example.org")
    register_through_form(client, event.slug, email="third@example.org")
    deliver()
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
    deliver()

    after = smtp_server.messages[3:]
    assert sorted((m["To"], m["X-Webinar-Kind"]) for m in after) == [
        ("first@example.org", "cancelled"),
        ("second@example.org", "promoted"),
    ]
    promoted = next(m for m in after if m["X-Webinar-Kind"] == "promoted")
    assert calendar_of(promoted).walk("VEVENT")[0]["URL"]


def test_registration_succeeds_while_smtp_is_down_and_its_email_goes_out_once_it_is_back(
    smtp_server, app, client, make_event, deliver, clock
):
    from datetime import timedelta

    from support.stored import emails, registrations

    from webinar.models import utcnow

    event = make_event()
    smtp_server.stop()
    response = register_through_form(client, event.slug)
    assert response.status_code == 303
    assert [r.status for r in registrations(app, event)] == ["confirmed"]

    assert deliver() == 0
    (email,) = emails(app)
    assert email.status == "pending"
    assert email.attempts == 1
    assert email.next_attempt_at > utcnow() + timedelta(seconds=20)

    smtp_server.start()
    clock.set(email.next_attempt_at)  # instead of waiting for the backoff to pass
    assert deliver() == 1
    assert deliver() == 0
    assert [m["X-Webinar-Kind"] for m in smtp_server.messages] == ["confirmation"]
