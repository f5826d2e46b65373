"""The organiser dashboard: events grouped, with registration and email counts."""

import re

from support.factories import in_days
from support.organisers import token_of

from webinar.extensions import db
from webinar.models import OutboxEmail


def row_of(page: str, title: str) -> list[str]:
    """Return the cells of the dashboard row of a talk, as text."""
    row = re.search(rf"<tr>\s*<th scope=\"row\"><a [^>]*>{re.escape(title)}</a></th>(.*?)</tr>",
                    page, re.S)
    assert row, f"no row for {title}"
    return [" ".join(re.sub(r"<[^>]+>", " ", cell).split())
            for cell in re.findall(r"<td>(.*?)</td>", row.group(1), re.S)]


def section_of(page: str, heading_id: str) -> str:
    start = page.index(f'id="group-{heading_id}"')
    return page[start:page.index("</section>", start)]


def test_events_are_grouped_as_upcoming_past_and_drafts(owner_client, make_event, owner):
    make_event(owner_id=owner, title="Coming soon")
    make_event(owner_id=owner, title="Long ago", starts_at=in_days(-30))
    make_event(owner_id=owner, title="Still a draft", status="draft")
    page = owner_client.get("/organiser/").text
    assert "Coming soon" in section_of(page, "upcoming")
    assert "Long ago" in section_of(page, "past")
    assert "Still a draft" in section_of(page, "drafts")
    assert "Long ago" not in section_of(page, "upcoming")


def test_dashboard_counts_registrations_and_emails_per_event(
    app, owner_client, make_event, owner, make_registrations, make_outbox_email
):
    busy = make_event(owner_id=owner, title="Busy talk", capacity=3, seats_taken=2)
    quiet = make_event(owner_id=owner, title="Quiet talk")
    ids = make_registrations(busy.id, "confirmed", "confirmed", "waitlisted", "cancelled",
                            joined=1)
    make_registrations(quiet.id, "confirmed")
    make_outbox_email(registration_id=ids[0], status="sent", kind="confirmation")
    make_outbox_email(registration_id=ids[1], status="pending", kind="confirmation")
    make_outbox_email(registration_id=ids[2], status="sending", kind="waitlisted")
    make_outbox_email(registration_id=ids[3], status="failed", kind="cancelled")
    page = owner_client.get("/organiser/").text
    # Columns: date, status, confirmed / capacity, waitlisted, cancelled, joined, pending, failed.
    assert row_of(page, "Busy talk")[2:] == [
        "2 / 3", "1", "1", "1", "2", "1 Retry the failed emails of Busy talk"
    ]
    assert row_of(page, "Quiet talk")[2:] == ["1 / unlimited", "0", "0", "0", "0", "0"]


def test_event_overview_shows_the_same_counts(app, owner_client, owned_event, make_registrations):
    make_registrations(owned_event.id, "confirmed", "waitlisted", joined=1)
    page = owner_client.get(f"/organiser/events/{owned_event.id}").text
    assert "<dt>Confirmed</dt><dd>1 of unlimited seats</dd>" in page
    assert "<dt>Joined</dt><dd>1</dd>" in page


def test_past_talks_show_their_attendance_rate(
    app, owner_client, make_event, owner, make_registrations
):
    held = make_event(owner_id=owner, title="Held talk", starts_at=in_days(-10))
    make_event(owner_id=owner, title="Empty talk", starts_at=in_days(-20))
    make_registrations(held.id, "confirmed", "confirmed", "confirmed", "confirmed",
                      "cancelled", joined=3)
    page = owner_client.get("/organiser/").text
    assert "<th scope=\"col\">Attendance</th>" in section_of(page, "past")
    assert "Attendance" not in section_of(page, "upcoming")
    # Three of four confirmed attendees joined.
    assert row_of(page, "Held talk")[-1] == "75%"
    assert row_of(page, "Empty talk")[-1] == "–"


def test_retry_puts_the_failed_emails_of_that_talk_back_in_the_queue(
    app, owner_client, make_event, owner, make_registrations, make_outbox_email
):
    talk = make_event(owner_id=owner, title="Talk with failures")
    other = make_event(owner_id=owner, title="Other talk")
    mine = make_registrations(talk.id, "confirmed", "confirmed")
    theirs = make_registrations(other.id, "confirmed")
    for registration_id in (*mine, *theirs):
        make_outbox_email(registration_id=registration_id, status="failed", kind="confirmation")
    page = owner_client.get("/organiser/").text
    assert re.search(r'<form class="inline-form" method="post" '
                     rf'action="/organiser/events/{talk.id}/emails/retry">', page)
    response = owner_client.post(f"/organiser/events/{talk.id}/emails/retry",
                                 data={"csrf_token": token_of(owner_client, "/organiser/")})
    assert response.location == "/organiser/"
    assert "2 failed emails are queued again" in owner_client.get("/organiser/").text
    with app.app_context():
        states = dict(db.session.execute(
            db.select(OutboxEmail.registration_id, OutboxEmail.status)).all())
    assert [states[i] for i in mine] == ["pending", "pending"]
    assert states[theirs[0]] == "failed"
