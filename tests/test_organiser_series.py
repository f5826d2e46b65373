"""The organiser's series: creating and editing one, its team, putting talks in it, deleting it."""

import io
import re
from datetime import UTC, datetime

import pytest
from PIL import Image
from support.organisers import OWNER_EMAIL, token_of
from support.stored import load_event, stored_rows

from webinar.extensions import db
from webinar.models import AuditEntry, Question, Series, SeriesRole

SERIES_FORM = {"name": "EU Clusters Talk", "slug": "", "description": "Monthly talks.",
               "language": "en", "event_type": "Online talk", "target_audience": "Cluster managers",
               "organised_by": "ECCP", "capacity": "80", "waitlist_enabled": "y",
               "reminder_24h": "y"}  # fmt: skip


def post(client, url: str, **data):
    return client.post(url, data={"csrf_token": token_of(client, "/organiser/"), **data})


def field_error(page: str, name: str) -> str:
    found = re.search(rf'<p class="field-error" id="{name}-error">(.*?)</p>', page, re.S)
    return found.group(1).strip() if found else ""


def series_roles(app, series_id: int) -> dict[int, str]:
    with app.app_context():
        rows = db.session.execute(db.select(SeriesRole.organiser_id, SeriesRole.role).where(
            SeriesRole.series_id == series_id))  # fmt: skip
        return dict(rows.all())


def stored_series(app, series_id: int) -> Series | None:
    with app.app_context():
        series = db.session.get(Series, series_id)
        if series is not None:
            db.session.expunge(series)
        return series


def details(app, action: str) -> list[str]:
    return [entry.details for entry in stored_rows(app, AuditEntry, action=action)]


@pytest.fixture
def cora(make_organiser) -> int:
    return make_organiser("cora@example.org", "Cora Colleague")


@pytest.fixture
def owned_series(app, make_series, owner):
    """A series owned by Olga."""
    series = make_series(name="EU Clusters Talk", slug="eu-clusters-talk", capacity=80,
                         event_type="Online talk", reminder_1h=False)  # fmt: skip
    with app.app_context():
        db.session.add(SeriesRole(series_id=series.id, organiser_id=owner, role="owner"))
        db.session.commit()
    return series


def give_role(app, series, organiser_id: int, role: str) -> None:
    with app.app_context():
        db.session.add(SeriesRole(series_id=series.id, organiser_id=organiser_id, role=role))
        db.session.commit()


def test_an_organiser_creates_a_series_and_becomes_its_owner(app, owner_client, owner):
    response = post(owner_client, "/organiser/series/new", **SERIES_FORM)
    assert response.status_code == 303
    series_id = int(response.location.rsplit("/", 1)[1])
    series = stored_series(app, series_id)
    assert (series.slug, series.name, series.capacity, series.waitlist_enabled,
            series.reminder_24h, series.reminder_1h) == (
        "eu-clusters-talk", "EU Clusters Talk", 80, True, True, False)  # fmt: skip
    assert series_roles(app, series_id) == {owner: "owner"}
    page = owner_client.get(response.location).text
    assert "The series “EU Clusters Talk” is created." in page
    assert 'href="/series/eu-clusters-talk"' in page
    listing = owner_client.get("/organiser/series").text
    assert f'href="/organiser/series/{series_id}">EU Clusters Talk</a>' in listing
    assert details(app, "series_created") == ["“EU Clusters Talk” (eu-clusters-talk)"]
    assert stored_rows(app, AuditEntry, action="series_created")[0].actor_email == OWNER_EMAIL


def test_a_taken_or_malformed_address_and_a_missing_name_are_told_on_the_form(
    app, owner_client, owned_series
):
    taken = post(owner_client, "/organiser/series/new",
                 **dict(SERIES_FORM, name="Other", slug="eu-clusters-talk"))  # fmt: skip
    assert taken.status_code == 200
    assert field_error(taken.text, "slug") == (
        "Another series already uses this address. Choose another one.")
    bad = post(owner_client, "/organiser/series/new",
               **dict(SERIES_FORM, slug="Not A Slug", name=""))
    assert field_error(bad.text, "slug") == "Use lowercase letters a-z, digits and single hyphens."
    assert field_error(bad.text, "name") == "Enter the series&#39; name."
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Series)) == 1


def test_a_banner_needs_its_description_and_is_shown_on_the_public_page(
    app, owner_client, owned_series, client
):
    url = f"/organiser/series/{owned_series.id}/edit"

    def send(alt: str):
        image = io.BytesIO()
        Image.new("RGB", (1600, 600), (26, 79, 139)).save(image, format="PNG")
        image.seek(0)
        data = dict(SERIES_FORM, csrf_token=token_of(owner_client, url), banner_alt=alt,
                    banner=(image, "banner.png"))  # fmt: skip
        return owner_client.post(url, data=data, content_type="multipart/form-data")

    refused = send("")
    assert field_error(refused.text, "banner_alt") == (
        "Describe the banner for people who cannot see it.")
    assert stored_series(app, owned_series.id).banner is None
    assert send("Chips and wind turbines").status_code == 303
    banner = stored_series(app, owned_series.id).banner
    page = client.get("/series/eu-clusters-talk").text
    assert f'src="/uploads/{banner}" alt="Chips and wind turbines"' in page


def test_editors_edit_viewers_only_see_and_others_find_nothing(
    app, signed_in, owned_series, cora, make_organiser
):
    vic = make_organiser("vic@example.org", "Vic Viewer")
    make_organiser("nobody@example.org", "No Body")
    give_role(app, owned_series, cora, "editor")
    give_role(app, owned_series, vic, "viewer")
    url = f"/organiser/series/{owned_series.id}"
    editor, viewer = signed_in("cora@example.org"), signed_in("vic@example.org")
    stranger = signed_in("nobody@example.org")

    renamed = dict(SERIES_FORM, name="EU Clusters Talks", slug="eu-clusters-talk")
    assert post(editor, f"{url}/edit", **renamed).status_code == 303
    assert stored_series(app, owned_series.id).name == "EU Clusters Talks"
    assert details(app, "series_changed") == ["“EU Clusters Talks” (eu-clusters-talk)"]
    assert post(editor, f"{url}/team", email="nobody@example.org", role="viewer").status_code == 403

    assert viewer.get(url).status_code == 200
    refused = viewer.get(f"{url}/edit")
    assert refused.status_code == 403
    assert "You are a viewer of this series, and viewers cannot do this." in refused.text
    assert "Edit the series" not in viewer.get(url).text

    for path in ("", "/edit", "/delete"):
        assert stranger.get(f"{url}{path}").status_code == 404
    assert "EU Clusters Talks" not in stranger.get("/organiser/series").text


def test_the_team_of_a_series_keeps_at_least_one_owner(
    app, owner_client, owner, owned_series, cora
):
    url = f"/organiser/series/{owned_series.id}"
    added = post(owner_client, f"{url}/team", email="Cora@example.org", role="owner")
    shown = owner_client.get(added.location).text
    assert "Cora Colleague is now an owner of this series." in shown
    assert 'Olga Owner</strong> <span class="meta">olga@example.org</span><br>' in shown
    assert shown.count('<span class="meta">(you)</span>') == 1
    assert series_roles(app, owned_series.id) == {owner: "owner", cora: "owner"}
    post(owner_client, f"{url}/team/{cora}/role", role="editor")
    assert series_roles(app, owned_series.id) == {owner: "owner", cora: "editor"}
    alone = post(owner_client, f"{url}/team/{owner}/remove")
    assert "A series keeps at least one owner" in owner_client.get(alone.location).text
    post(owner_client, f"{url}/team/{owner}/role", role="viewer")
    assert series_roles(app, owned_series.id) == {owner: "owner", cora: "editor"}
    post(owner_client, f"{url}/team/{cora}/remove")
    assert series_roles(app, owned_series.id) == {owner: "owner"}
    unknown = post(owner_client, f"{url}/team", email="ghost@example.org", role="editor")
    assert "No organiser account uses this address" in field_error(unknown.text, "email")
    assert details(app, "series_role_given") == [
        "“EU Clusters Talk” (eu-clusters-talk): cora@example.org as owner"]
    assert len(details(app, "series_role_removed")) == 1


def test_the_talk_form_offers_only_series_the_organiser_may_edit(
    app, owner_client, owner, owned_series, make_series, make_event
):
    from test_organiser_editor import created_event, form_data

    foreign = make_series(name="Someone else's", slug="foreign")
    page = owner_client.get("/organiser/events/new").text
    assert f'<option value="{owned_series.id}">EU Clusters Talk</option>' in page
    assert "Someone else" not in page
    refused = owner_client.post("/organiser/events/new", data=form_data(
        owner_client, series_id=str(foreign.id)))  # fmt: skip
    assert refused.status_code == 200
    assert field_error(refused.text, "series_id") == "Not a valid choice."
    event = created_event(app, owner_client.post("/organiser/events/new", data=form_data(
        owner_client, series_id=str(owned_series.id), series_label="")))  # fmt: skip
    assert event.series_id == owned_series.id and event.series_label == ""
    assert load_event(app, event.id).series_id == owned_series.id

    # A talk stays in a series its editor may not edit, and cannot be moved into one.
    kept = make_event(owner_id=owner, series_id=foreign.id, series_label="")
    url = f"/organiser/events/{kept.id}/edit"
    assert f'<option selected value="{foreign.id}">' in owner_client.get(url).text
    assert owner_client.post(url, data=form_data(owner_client, url, series_id=str(foreign.id))
                             ).status_code == 302  # fmt: skip
    assert load_event(app, kept.id).series_id == foreign.id


def test_the_service_refuses_a_series_the_organiser_may_not_edit(
    app, owner, make_series, make_event
):
    from webinar.models import Organiser
    from webinar.organiser.services import talks
    from webinar.organiser.services.talk_data import TalkData, TalkInvalid

    foreign = make_series(slug="foreign")
    event = make_event(owner_id=owner, series_id=None)
    with app.app_context():
        olga = db.session.get(Organiser, owner)
        talk = db.session.get(type(event), event.id)
        local = talk.local_start
        end = talk.local_end
        data = TalkData(title="Moved", timezone="Europe/Brussels", series_id=foreign.id,
                        starts_on=local.date(), starts_time=local.time().replace(tzinfo=None),
                        ends_on=end.date(), ends_time=end.time().replace(tzinfo=None))  # fmt: skip
        with pytest.raises(TalkInvalid) as refused:
            talks.update_talk(talk, data, olga)
        assert refused.value.errors == {
            "series_id": ["Choose a series you may edit, or no series."]}


def test_a_new_talk_starts_from_the_series_defaults(
    app, owner_client, owned_series, signed_in, cora
):
    from test_organiser_editor import created_event, form_data

    url = f"/organiser/events/new?series={owned_series.id}"
    page = owner_client.get(url).text
    assert "New talk in “EU Clusters Talk”" in page
    assert f'<option selected value="{owned_series.id}">EU Clusters Talk</option>' in page
    assert 'value="80"' in page and 'value="Online talk"' in page
    assert 'id="reminder_1h" name="reminder_1h" type="checkbox" value="y">' in page
    event = created_event(app, owner_client.post("/organiser/events/new", data=form_data(
        owner_client, series_id=str(owned_series.id), capacity="80")))  # fmt: skip
    assert (event.series_id, event.capacity) == (owned_series.id, 80)

    give_role(app, owned_series, cora, "viewer")
    assert signed_in("cora@example.org").get(url).status_code == 403
    assert owner_client.get("/organiser/events/new?series=99999").status_code == 404


def test_a_series_with_talks_is_deleted_only_when_they_are_detached_and_they_keep_its_name(
    app, owner_client, owned_series, make_event, owner
):
    talk = make_event(owner_id=owner, series_id=owned_series.id, series_label="")
    url = f"/organiser/series/{owned_series.id}/delete"
    assert "1 talk is part of this series" in owner_client.get(url).text
    refused = post(owner_client, url)
    assert "This series still has talks: detach them to delete it." in refused.text
    assert stored_series(app, owned_series.id) is not None

    deleted = post(owner_client, url, detach="y")
    assert deleted.status_code == 303
    assert "Its 1 talk shows its name as plain text." in owner_client.get(deleted.location).text
    assert stored_series(app, owned_series.id) is None
    kept = load_event(app, talk.id)
    assert (kept.series_id, kept.series_label) == (None, "EU Clusters Talk")
    assert series_roles(app, owned_series.id) == {}
    assert details(app, "series_deleted") == [
        "“EU Clusters Talk” (eu-clusters-talk), 1 talk detached"]


def test_an_empty_series_is_deleted_by_its_owner_only(
    app, signed_in, owner_client, owned_series, cora
):
    give_role(app, owned_series, cora, "editor")
    url = f"/organiser/series/{owned_series.id}/delete"
    assert post(signed_in("cora@example.org"), url).status_code == 403
    assert post(owner_client, url).status_code == 303
    assert stored_series(app, owned_series.id) is None


def test_administrators_see_every_series_and_act_as_owners(
    app, signed_in, make_organiser, owned_series
):
    make_organiser("admin@example.org", "Ada Admin", is_admin=True)
    admin = signed_in("admin@example.org")
    assert "EU Clusters Talk" in admin.get("/organiser/series").text
    assert admin.get(f"/organiser/series/{owned_series.id}/edit").status_code == 200
    assert "Delete the series" in admin.get(f"/organiser/series/{owned_series.id}").text


def test_a_new_talk_of_a_series_asks_the_questions_of_its_latest_talk(
    app, owner_client, owned_series, make_event, make_question, owner
):
    from test_organiser_editor import created_event, form_data

    earlier = make_event(owner_id=owner, series_id=owned_series.id, slug="earlier",
                         starts_at=datetime(2030, 1, 10, 9, tzinfo=UTC))  # fmt: skip
    make_question(earlier, "yes_no", "Were you at the first talk?")
    latest = make_event(owner_id=owner, series_id=owned_series.id, slug="latest",
                        title="Clusters and skills",
                        starts_at=datetime(2030, 3, 10, 9, tzinfo=UTC))  # fmt: skip
    cluster = make_question(latest, "single_choice", "Your cluster", ("Energy", "Health"),
                            required=True)  # fmt: skip
    make_question(latest, "long_text", "What should the speakers answer?",
                  shown_if_id=cluster["id"],
                  shown_if_answers=[str(cluster["options"][1])])  # fmt: skip

    page = owner_client.get(f"/organiser/events/new?series={owned_series.id}").text
    assert "with the registration questions of its latest talk, “Clusters and skills”" in page
    event = created_event(app, owner_client.post("/organiser/events/new", data=form_data(
        owner_client, series_id=str(owned_series.id))))  # fmt: skip
    with app.app_context():
        questions = db.session.scalars(
            db.select(Question).where(Question.event_id == event.id).order_by(Question.position)
        ).all()
        assert [(q.label, q.required) for q in questions] == [
            ("Your cluster", True), ("What should the speakers answer?", False)]
        # The condition points at the copy's own option, not the source talk's.
        health = questions[0].options[1]
        assert (questions[1].shown_if_id, questions[1].shown_if_answers) == (
            questions[0].id, [str(health.id)])

    # Without a series, a new talk starts with no questions.
    alone = created_event(app, owner_client.post("/organiser/events/new", data=form_data(
        owner_client, slug="alone")))  # fmt: skip
    with app.app_context():
        assert db.session.scalars(
            db.select(Question).where(Question.event_id == alone.id)).all() == []
