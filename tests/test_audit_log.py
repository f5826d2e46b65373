"""The audit log: one entry per organiser action, naming the organiser and never an attendee."""

import re
from datetime import timedelta

import pytest
from support.clock import TALK_END
from support.organisers import OWNER_EMAIL, sign_in, token_of
from support.stored import stored_rows
from test_organiser_editor import form_data

from webinar import privacy
from webinar.extensions import db
from webinar.models import AuditEntry, Event

ADMIN_EMAIL = "ada@example.org"


def log_of(app, **where) -> list[AuditEntry]:
    """Return the stored log entries (matching column values), oldest first."""
    return stored_rows(app, AuditEntry, **where)


def the_entry(app, action: str) -> AuditEntry:
    """Return the one entry of this action, failing when there are none or several."""
    (entry,) = log_of(app, action=action)
    return entry


def post(client, url: str, **data):
    return client.post(url, data={"csrf_token": token_of(client, "/organiser/"), **data})


@pytest.fixture
def admin_client(make_organiser, signed_in):
    make_organiser(ADMIN_EMAIL, "Ada Admin", is_admin=True)
    return signed_in(ADMIN_EMAIL)


# -- Signing in --------------------------------------------------------------


def test_a_sign_in_is_logged_with_the_organiser(app, owner):
    assert sign_in(app.test_client(), OWNER_EMAIL).status_code == 302
    entry = the_entry(app, "sign_in")
    assert (entry.actor_id, entry.actor_email, entry.event_id) == (owner, OWNER_EMAIL, None)
    assert len(log_of(app)) == 1


def test_a_wrong_password_is_logged_against_the_account(app, owner):
    assert sign_in(app.test_client(), OWNER_EMAIL, "not the password").status_code == 200
    entry = the_entry(app, "sign_in_failed")
    assert (entry.actor_id, entry.actor_email) == (owner, OWNER_EMAIL)


def test_an_unknown_address_is_logged_without_the_address(app, owner):
    sign_in(app.test_client(), "someone.else@example.org", "a guess at a password")
    entry = the_entry(app, "sign_in_failed")
    assert (entry.actor_id, entry.actor_email, entry.details) == (None, "", "unknown address")
    assert "someone.else" not in all_text(app)


def test_a_correct_password_on_a_locked_account_is_logged_as_refused(app, owner):
    client = app.test_client()
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        sign_in(client, OWNER_EMAIL, "not the password")
    sign_in(client, OWNER_EMAIL)
    failures = log_of(app, action="sign_in_failed")
    assert len(failures) == app.config["LOGIN_MAX_FAILURES"] + 1
    assert failures[-1].details == "account locked"
    assert log_of(app, action="sign_in") == []


# -- Talks --------------------------------------------------------------------


def test_publishing_unpublishing_and_cancelling_each_leave_one_entry(
    app, owner_client, owner, make_event
):
    event = make_event(owner_id=owner, status="draft")
    base = f"/organiser/events/{event.id}"
    for action in ("publish", "unpublish", "cancel"):
        assert post(owner_client, f"{base}/{action}").status_code == 302
    for action in ("talk_published", "talk_unpublished", "talk_cancelled"):
        entry = the_entry(app, action)
        assert (entry.actor_id, entry.event_id) == (owner, event.id)


def test_a_refused_status_change_leaves_no_entry(app, owner_client, owner, make_event):
    event = make_event(owner_id=owner, status="cancelled")
    post(owner_client, f"/organiser/events/{event.id}/publish")
    assert log_of(app, event_id=event.id) == []


def test_new_capacity_and_new_time_each_leave_one_entry_with_before_and_after(
    app, owner_client, owner, owned_event
):
    url = f"/organiser/events/{owned_event.id}/edit"
    response = owner_client.post(url, data=form_data(
        owner_client, url, slug=owned_event.slug, capacity="40",
        starts_on="2031-01-15", starts_time="09:00", ends_on="2031-01-15", ends_time="10:00"))
    assert response.status_code == 302
    capacity = the_entry(app, "capacity_changed")
    assert (capacity.actor_id, capacity.event_id) == (owner, owned_event.id)
    assert capacity.details == "capacity unlimited -> 40"
    time = the_entry(app, "time_changed")
    assert time.details.endswith("-> 2031-01-15 08:00 to 2031-01-15 09:00 UTC")


def test_an_edit_that_keeps_capacity_and_time_leaves_no_entry(app, owner_client, owned_event):
    url = f"/organiser/events/{owned_event.id}/edit"
    local = owned_event.starts_at.astimezone(owned_event.zone)
    ends = owned_event.ends_at.astimezone(owned_event.zone)
    owner_client.post(url, data=form_data(
        owner_client, url, title="Only the title", slug=owned_event.slug,
        starts_on=f"{local:%Y-%m-%d}", starts_time=f"{local:%H:%M}",
        ends_on=f"{ends:%Y-%m-%d}", ends_time=f"{ends:%H:%M}"))
    with app.app_context():
        assert db.session.get(Event, owned_event.id).title == "Only the title"
    assert log_of(app, event_id=owned_event.id) == []


# -- Messages and the export ----------------------------------------------------


def test_an_announcement_leaves_one_entry(app, owner_client, owner, talk, make_registration):
    event = talk(owner_id=owner)
    make_registration(event)
    url = f"/organiser/events/{event.id}/announce"
    response = post(owner_client, url, audience="confirmed", subject="Room", body="Hi", send="Send")
    assert response.status_code == 303
    entry = the_entry(app, "announcement_sent")
    assert (entry.actor_id, entry.event_id) == (owner, event.id)
    assert entry.details == "to confirmed: 1 emails"


def test_the_follow_up_leaves_one_entry_and_a_second_press_none(
    app, owner_client, owner, talk, make_registration, clock
):
    event = talk(owner_id=owner, recording_url="https://video.example.org/r")
    make_registration(event)
    clock.set(TALK_END + timedelta(hours=1))
    url = f"/organiser/events/{event.id}/follow-up"
    post(owner_client, url)
    post(owner_client, url)  # everyone has it: nothing is sent
    entry = the_entry(app, "follow_up_sent")
    assert (entry.actor_id, entry.event_id) == (owner, event.id)


def test_a_csv_export_leaves_one_entry_without_the_search_text(
    app, owner_client, owner, owned_event
):
    response = owner_client.get(f"/organiser/events/{owned_event.id}/attendees.csv?q=Hopper")
    assert response.status_code == 200
    entry = the_entry(app, "attendees_exported")
    assert (entry.actor_id, entry.event_id, entry.details) == (owner, owned_event.id, "filtered")
    assert "Hopper" not in all_text(app)


# -- Registrations ----------------------------------------------------------------


@pytest.mark.parametrize(("action", "status", "logged"), [
    ("cancel", "confirmed", "registration_cancelled"),
    ("promote", "waitlisted", "registration_promoted"),
    ("resend", "confirmed", "confirmation_resent"),
    ("erase", "confirmed", "registration_erased"),
])  # fmt: skip
def test_an_action_on_a_registration_leaves_one_entry_with_its_id(
    app, owner_client, owner, owned_event, make_registration, action, status, logged
):
    registration = make_registration(owned_event, status=status)
    url = f"/organiser/events/{owned_event.id}/attendees/{registration.id}/{action}"
    assert post(owner_client, url, confirm="yes").status_code == 302
    (entry,) = log_of(app, event_id=owned_event.id)
    assert (entry.action, entry.actor_id, entry.registration_id) == (
        logged, owner, registration.id
    )


def test_a_refused_promotion_or_a_second_cancel_leaves_no_entry(
    app, owner_client, owner, make_event, make_registration
):
    event = make_event(owner_id=owner, capacity=1, seats_taken=1)
    make_registration(event)
    waiting = make_registration(event, status="waitlisted")
    cancelled = make_registration(event, status="cancelled")
    base = f"/organiser/events/{event.id}/attendees"
    post(owner_client, f"{base}/{waiting.id}/promote")
    post(owner_client, f"{base}/{cancelled.id}/cancel")
    assert [entry.action for entry in log_of(app)] == ["sign_in"]


# -- No attendee data, and it outlives the purge ------------------------------------


def all_text(app) -> str:
    """Return every column of every log entry as one text, for searching."""
    return "\n".join(
        " ".join(str(value) for value in (entry.actor_email, entry.action, entry.details,
                                          entry.registration_id, entry.event_id, entry.at))
        for entry in log_of(app)
    )  # fmt: skip


def test_after_every_action_the_log_names_no_attendee_and_outlives_the_purge(
    app, owner_client, owner, talk, make_registration, clock
):
    event = talk(owner_id=owner, capacity=3, seats_taken=2,
                 recording_url="https://video.example.org/r")  # fmt: skip
    people = [
        make_registration(event, first_name="Grace", last_name="Hopper",
                          email="grace.hopper@example.org"),
        make_registration(event, first_name="Alan", last_name="Turing",
                          email="alan.turing@example.org"),
        make_registration(event, first_name="Katherine", last_name="Johnson",
                          email="katherine.johnson@example.org", status="waitlisted"),
    ]  # fmt: skip
    base = f"/organiser/events/{event.id}"
    grace, alan, katherine = (f"{base}/attendees/{person.id}" for person in people)
    post(owner_client, f"{grace}/resend")
    post(owner_client, f"{katherine}/promote")
    post(owner_client, f"{alan}/cancel")
    post(owner_client, f"{grace}/erase", confirm="yes")
    owner_client.get(f"{base}/attendees.csv?q=Johnson")
    post(owner_client, f"{base}/announce", audience="active", subject="Hello Katherine",
         body="Dear Katherine Johnson", send="Send")  # fmt: skip
    clock.set(TALK_END + timedelta(hours=1))
    post(owner_client, f"{base}/follow-up")
    actions = [entry.action for entry in log_of(app)]
    assert actions == ["sign_in", "confirmation_resent", "registration_promoted",
                       "registration_cancelled", "registration_erased", "attendees_exported",
                       "announcement_sent", "follow_up_sent"]  # fmt: skip

    text = all_text(app).lower()
    for word in ("grace", "hopper", "alan", "turing", "katherine", "johnson", "@example.org"):
        assert word not in text.replace(OWNER_EMAIL, "")

    clock.set(TALK_END + timedelta(days=app.config["RETENTION_DAYS"] + 1))
    with app.app_context():
        privacy.purge()
    assert [entry.action for entry in log_of(app)] == actions
    erased = the_entry(app, "registration_erased")
    assert erased.registration_id == people[0].id


# -- The pages ---------------------------------------------------------------------


def test_a_talks_log_shows_its_entries_to_the_owner_and_is_404_for_another(
    app, owner_client, owner, owned_event, make_organiser, signed_in
):
    post(owner_client, f"/organiser/events/{owned_event.id}/unpublish")
    url = f"/organiser/events/{owned_event.id}/log"
    page = owner_client.get(url)
    assert page.status_code == 200
    assert "Took the talk back to draft" in page.text and OWNER_EMAIL in page.text
    assert f'href="{url}"' in owner_client.get(f"/organiser/events/{owned_event.id}").text
    make_organiser("stranger@example.org", "Stan Stranger")
    assert signed_in("stranger@example.org").get(url).status_code == 404
    assert app.test_client().get(url).status_code == 302


def test_the_whole_log_is_for_administrators_only(app, owner_client, admin_client):
    assert owner_client.get("/organiser/log").status_code == 403
    assert 'href="/organiser/log"' not in owner_client.get("/organiser/").text
    assert 'href="/organiser/log"' in admin_client.get("/organiser/").text
    page = admin_client.get("/organiser/log")
    assert page.status_code == 200
    assert "Signed in" in page.text


def test_the_whole_log_filters_by_person_talk_and_action(
    app, owner_client, owner, admin_client, make_event
):
    first, second = make_event(owner_id=owner), make_event(owner_id=owner)
    post(owner_client, f"/organiser/events/{first.id}/unpublish")
    post(admin_client, f"/organiser/events/{second.id}/unpublish")

    def rows(query: str) -> int:
        page = admin_client.get(f"/organiser/log?{query}")
        assert page.status_code == 200
        return page.text.count("<tr>") - page.text.count("<thead>")  # not the heading's row

    assert rows("") == 4  # two sign-ins, two changes
    assert rows(f"person={owner}") == 2
    assert rows(f"talk={first.id}") == 1
    assert rows("action=talk_unpublished") == 2
    assert rows(f"action=talk_unpublished&person={owner}&talk={second.id}") == 0
    # A value that is not a choice is ignored: the whole log shows.
    assert rows("action=drop+table&person=x&talk=99999999999999999999999&page=-1") == 4
    # The page links keep the filters that were valid only.
    page = admin_client.get("/organiser/log?action=talk_unpublished&person=x").text
    assert re.search(r'<option selected value="talk_unpublished">', page)
    assert re.search(r'<option selected value="">Everyone</option>', page)


def test_the_log_pages_by_fifty(app, admin_client, owner, make_event):
    event = make_event(owner_id=owner)
    with app.app_context():
        for _ in range(60):
            db.session.add(AuditEntry(action="talk_published", event_id=event.id))
        db.session.commit()
    first = admin_client.get(f"/organiser/log?talk={event.id}").text
    assert first.count("<tr>") - 1 == 50 and 'rel="next"' in first
    second = admin_client.get(f"/organiser/log?talk={event.id}&page=2").text
    assert second.count("<tr>") - 1 == 10
