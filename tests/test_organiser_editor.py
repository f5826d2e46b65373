"""Creating, editing, copying, publishing and cancelling events in the organiser area."""

from datetime import UTC, datetime

import pytest
from support.organisers import token_of
from support.stored import load_event
from wtforms import SelectField
from wtforms.fields.choices import SelectChoice

from webinar.extensions import db
from webinar.forms import ManyOptionsSelect, SiteForm
from webinar.models import Event, Topic


def form_data(client, url: str = "/organiser/events/new", **overrides) -> dict:
    """Return a valid event form submission, with a fresh CSRF token."""
    data = {
        "csrf_token": token_of(client, url),
        "title": "Clusters and the Green Deal",
        "slug": "",
        "series_label": "EU Clusters Talk",
        "event_type": "Webinar",
        "target_audience": "Cluster managers",
        "organised_by": "European Cluster Collaboration Platform",
        "summary": "How clusters help.",
        "description": "Some **Markdown**.",
        "timezone": "Europe/Brussels",
        "starts_on": "2031-06-12",
        "starts_time": "10:30",
        "ends_on": "2031-06-12",
        "ends_time": "11:45",
        "location": "Virtual Event",
        "join_url": "https://meet.example.org/room",
        "capacity": "",
        "reminder_24h": "y",
        "save": "Save",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def created_event(app, response) -> Event:
    assert response.status_code == 302, response.text
    return load_event(app, int(response.location.rsplit("/", 1)[1]))


def error_of(response, field: str) -> str:
    """Return the error message shown under a field, checking the field points to it."""
    html = response.text
    assert f'aria-describedby="{field}-error"' in html or f'{field}-error"' in html
    start = html.index(f'<p class="field-error" id="{field}-error">') + len(
        f'<p class="field-error" id="{field}-error">'
    )
    return html[start : html.index("</p>", start)]


def test_new_talk_is_saved_as_a_draft_with_times_in_utc(app, owner_client, owner):
    response = owner_client.post("/organiser/events/new", data=form_data(owner_client))
    event = created_event(app, response)
    assert event.status == "draft"
    assert event.owner_id == owner
    assert event.slug == "clusters-and-the-green-deal"
    # 10:30 in Brussels in June is CEST, two hours ahead of UTC.
    assert event.starts_at == datetime(2031, 6, 12, 8, 30, tzinfo=UTC)
    assert event.ends_at == datetime(2031, 6, 12, 9, 45, tzinfo=UTC)
    assert event.capacity is None
    assert event.reminder_24h and not event.reminder_1h
    page = owner_client.get(response.location).text
    assert "The talk is saved as a draft." in page
    assert "Clusters and the Green Deal" in page


def test_slug_is_made_from_the_title_and_kept_unique(app, owner_client):
    title = "Ça va? Clusters & SMEs!"
    first = created_event(app, owner_client.post(
        "/organiser/events/new", data=form_data(owner_client, title=title)))
    second = created_event(app, owner_client.post(
        "/organiser/events/new", data=form_data(owner_client, title=title)))
    assert first.slug == "ca-va-clusters-smes"
    assert second.slug == "ca-va-clusters-smes-2"


def test_a_slug_in_use_or_with_bad_characters_is_refused(owner_client, owned_event):
    taken = owner_client.post("/organiser/events/new",
                              data=form_data(owner_client, slug=owned_event.slug))
    assert error_of(taken, "slug") == "Another talk already uses this address. Choose another one."
    bad = owner_client.post("/organiser/events/new", data=form_data(owner_client, slug="Big Talk"))
    assert error_of(bad, "slug") == "Use lowercase letters a-z, digits and single hyphens."


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("title", "", "Enter a title."),
        ("ends_time", "09:00", "The end must be after the start."),
        ("join_url", "javascript:alert(1)", "Enter the join link starting with http:// or https://."),
        ("capacity", "0", "Capacity must be at least 1."),
        ("starts_on", "", "Enter the date."),
        ("timezone", "Mars/Olympus", "Not a valid choice."),
    ],
)
def test_invalid_values_get_a_message_next_to_the_field(app, owner_client, field, value, message):
    response = owner_client.post("/organiser/events/new",
                                 data=form_data(owner_client, **{field: value}))
    assert response.status_code == 200
    assert message in error_of(response, field)
    assert "Please correct" in response.text
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Event.id))) == 0


def test_registration_closing_before_it_opens_is_refused(owner_client):
    response = owner_client.post("/organiser/events/new", data=form_data(
        owner_client, registration_opens_on="2031-06-01", registration_opens_time="09:00",
        registration_closes_on="2031-05-01", registration_closes_time="09:00"))
    message = error_of(response, "registration_closes_time")
    assert message == "Registration must close after it opens."


def test_a_local_time_skipped_by_the_clock_change_is_refused(owner_client):
    response = owner_client.post("/organiser/events/new", data=form_data(
        owner_client, starts_on="2031-03-30", starts_time="02:30",
        ends_on="2031-03-30", ends_time="04:00"))
    assert error_of(response, "starts_time") == (
        "02:30 on 30 March 2031 in Europe/Brussels does not exist: the clocks go forward "
        "that night. Choose another time."
    )


def test_a_local_time_repeated_by_the_clock_change_is_refused(owner_client):
    response = owner_client.post("/organiser/events/new", data=form_data(
        owner_client, starts_on="2031-10-26", starts_time="02:30",
        ends_on="2031-10-26", ends_time="04:00"))
    assert "happens twice: the clocks go back" in error_of(response, "starts_time")


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01"])
def test_a_date_at_the_edge_of_the_calendar_is_refused_by_the_field(app, owner_client, day):
    response = owner_client.post("/organiser/events/new", data=form_data(
        owner_client, timezone="Asia/Tokyo", starts_on=day, starts_time="00:30",
        ends_on=day, ends_time="23:30", registration_opens_on=day,
        registration_opens_time="00:00", registration_closes_on=day,
        registration_closes_time="23:59"))
    assert response.status_code == 200
    for name in ("starts_on", "ends_on", "registration_opens_on", "registration_closes_on"):
        assert error_of(response, name) == (
            "Please enter a date between 1 January 1970 and 31 December 2999."
        )
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Event.id))) == 0


def test_preview_renders_sanitised_markdown_and_keeps_the_input(app, owner_client):
    data = form_data(owner_client, description="**Bold** <script>alert(1)</script>",
                     title="Kept title", preview="Preview description")
    del data["save"]
    response = owner_client.post("/organiser/events/new", data=data)
    assert response.status_code == 200
    preview = response.text[response.text.index("Preview of the description"):]
    assert "<strong>Bold</strong>" in preview
    assert "<script>" not in response.text
    assert 'value="Kept title"' in response.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;</textarea>" in response.text
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Event.id))) == 0


def test_edit_shows_local_times_and_saves_changes(app, owner_client, owned_event):
    url = f"/organiser/events/{owned_event.id}/edit"
    page = owner_client.get(url).text
    local = owned_event.starts_at.astimezone(owned_event.zone)
    assert f'value="{local:%H:%M}"' in page
    response = owner_client.post(url, data=form_data(
        owner_client, url, title="A new title", slug=owned_event.slug, capacity="40",
        starts_on="2031-01-15", starts_time="09:00", ends_on="2031-01-15", ends_time="10:00"))
    assert response.location == f"/organiser/events/{owned_event.id}"
    event = load_event(app, owned_event.id)
    assert event.title == "A new title"
    assert event.capacity == 40
    assert event.starts_at == datetime(2031, 1, 15, 8, 0, tzinfo=UTC)
    assert event.ics_sequence == owned_event.ics_sequence + 1
    assert "Your changes are saved." in owner_client.get(response.location).text


def test_topics_are_ticked_or_added_by_name(app, owner_client):
    with app.app_context():
        db.session.add(Topic(slug="green", name="Green"))
        db.session.commit()
        green_id = db.session.scalar(db.select(Topic.id))
    page = owner_client.get("/organiser/events/new").text
    assert ">Green</label>" in page
    event = created_event(app, owner_client.post("/organiser/events/new", data=form_data(
        owner_client, topics=str(green_id), new_topics="Digital, Resilience, green")))
    assert [topic.name for topic in event.topics] == ["Digital", "Green", "Resilience"]


def test_the_talk_form_leaves_the_team_to_the_team_page(owner_client, owned_event):
    page = owner_client.get(f"/organiser/events/{owned_event.id}/edit").text
    assert "Co-organisers" not in page and 'name="co_organisers"' not in page
    assert f'href="/organiser/events/{owned_event.id}/team"' in page


def test_new_talk_in_the_series_copies_the_series_fields(app, owner_client, make_event, owner):
    with app.app_context():
        db.session.add(Topic(slug="green", name="Green"))
        db.session.commit()
    source = make_event(owner_id=owner, organised_by="ECCP", timezone="Europe/Lisbon",
                        description="Series **blurb**", target_audience="SMEs")
    with app.app_context():
        event = db.session.get(Event, source.id)
        event.topics = list(db.session.scalars(db.select(Topic)))
        db.session.commit()
    url = f"/organiser/events/{source.id}/copy"
    page = owner_client.get(url).text
    assert 'value="EU Clusters Talk"' in page
    assert 'value="SMEs"' in page and 'value="ECCP"' in page
    assert '<option selected value="Europe/Lisbon">' in page
    assert "Series **blurb**</textarea>" in page
    assert f'value="{source.title}"' not in page
    assert '<input checked id="topics-0" name="topics" type="checkbox"' in page
    copy = created_event(app, owner_client.post(url, data=form_data(
        owner_client, url, title="Next one", timezone="Europe/Lisbon")))
    assert copy.slug == "next-one" and copy.status == "draft" and copy.id != source.id


def test_publish_unpublish_and_cancel(app, owner_client, make_event, owner):
    event = make_event(owner_id=owner, status="draft")
    base = f"/organiser/events/{event.id}"
    token = token_of(owner_client, base)
    assert "The talk is published." in owner_client.post(
        f"{base}/publish", data={"csrf_token": token}, follow_redirects=True).text
    assert load_event(app, event.id).status == "published"
    owner_client.post(f"{base}/unpublish", data={"csrf_token": token})
    assert load_event(app, event.id).status == "draft"
    owner_client.post(f"{base}/cancel", data={"csrf_token": token})
    assert load_event(app, event.id).status == "cancelled"
    refused = owner_client.post(f"{base}/publish", data={"csrf_token": token},
                                follow_redirects=True)
    assert "A cancelled talk cannot be changed that way." in refused.text
    assert load_event(app, event.id).status == "cancelled"


def test_cancelling_a_talk_with_registrations_asks_for_confirmation(
    app, owner_client, owned_event, make_registrations
):
    make_registrations(owned_event.id, "confirmed", "confirmed", "waitlisted")
    base = f"/organiser/events/{owned_event.id}"
    overview = owner_client.get(base).text
    assert f'href="{base}/cancel"' in overview
    token = token_of(owner_client, base)
    unconfirmed = owner_client.post(f"{base}/cancel", data={"csrf_token": token})
    assert unconfirmed.status_code == 200
    assert "3 people are registered (2 confirmed, 1 on the waiting list)" in unconfirmed.text
    assert load_event(app, owned_event.id).status == "published"
    owner_client.post(f"{base}/cancel", data={"csrf_token": token, "confirm": "yes"})
    assert load_event(app, owned_event.id).status == "cancelled"


def test_the_time_zone_select_is_written_as_wtforms_writes_a_select(app):
    pairs = [("Europe/Paris", "Europe/Paris"), ('a"&<b>', "<i>x</i>"), ("7", "")]
    choices = [SelectChoice(value, label) for value, label in pairs]

    class ZoneForm(SiteForm):
        quick = SelectField(choices=choices, widget=ManyOptionsSelect())
        plain = SelectField(choices=choices)

    with app.test_request_context():
        for chosen in ("Europe/Paris", 'a"&<b>', "7", "nowhere"):
            form = ZoneForm(meta={"csrf": False}, data={"quick": chosen, "plain": chosen})
            assert str(form.quick()).replace("quick", "plain") == str(form.plain())
            assert ("<option selected " in form.quick()) is (chosen != "nowhere")
