"""A talk's Team page: adding, changing and removing people, transferring and deleting the talk."""

import re

import pytest
from support.organisers import OWNER_EMAIL, token_of
from support.stored import stored_rows

from webinar.extensions import db
from webinar.models import AuditEntry, Event, EventRole, Material

UNKNOWN = "No organiser account uses this address; an administrator can invite them."


def team_url(event) -> str:
    return f"/organiser/events/{event.id}/team"


def post(client, url: str, **data):
    return client.post(url, data={"csrf_token": token_of(client, "/organiser/"), **data})


def roles(app, event) -> dict[int, str]:
    """Return {organiser id: role} of the talk's team, the owner left out."""
    with app.app_context():
        rows = db.session.execute(db.select(EventRole.organiser_id, EventRole.role).where(
            EventRole.event_id == event.id))  # fmt: skip
        return dict(rows.all())


def log(app, action: str) -> list[AuditEntry]:
    return stored_rows(app, AuditEntry, action=action)


def field_error(page: str, name: str) -> str:
    found = re.search(rf'<p class="field-error" id="{name}-error">(.*?)</p>', page, re.S)
    return found.group(1).strip() if found else ""


@pytest.fixture
def cora(make_organiser) -> int:
    return make_organiser("cora@example.org", "Cora Colleague")


def test_the_owner_adds_an_organiser_by_email_as_editor_or_viewer(
    app, owner_client, owned_event, cora, make_organiser
):
    vic = make_organiser("vic@example.org", "Vic Viewer")
    added = post(owner_client, team_url(owned_event), email=" Cora@Example.org ", role="editor")
    assert added.status_code == 303
    page = owner_client.get(added.location).text
    assert "Cora Colleague is now an editor of this talk." in page
    post(owner_client, team_url(owned_event), email="vic@example.org", role="viewer")
    assert roles(app, owned_event) == {cora: "editor", vic: "viewer"}
    page = owner_client.get(team_url(owned_event)).text
    page = page[page.index('id="members"'):]  # after the message that Vic was added
    assert page.index("Olga Owner") < page.index("Cora Colleague") < page.index("Vic Viewer")
    [given, _] = log(app, "role_given")
    assert (given.actor_email, given.event_id, given.details) == (
        OWNER_EMAIL, owned_event.id, "cora@example.org as editor")


def test_an_unknown_address_gets_a_clear_message_and_adds_nobody(app, owner_client, owned_event):
    page = post(owner_client, team_url(owned_event), email="nobody@example.org", role="editor")
    assert page.status_code == 200
    assert field_error(page.text, "email") == UNKNOWN
    assert roles(app, owned_event) == {} and log(app, "role_given") == []


def test_nobody_is_added_twice_and_the_owner_is_not_added(app, owner_client, owned_event, cora):
    post(owner_client, team_url(owned_event), email="cora@example.org", role="viewer")
    again = post(owner_client, team_url(owned_event), email="cora@example.org", role="editor")
    assert field_error(again.text, "email") == (
        "Cora Colleague is already a viewer of this talk: change the role in the list instead.")
    owner = post(owner_client, team_url(owned_event), email=OWNER_EMAIL, role="editor")
    assert field_error(owner.text, "email") == "Olga Owner owns this talk already."
    assert roles(app, owned_event) == {cora: "viewer"}
    assert len(log(app, "role_given")) == 1


@pytest.mark.parametrize("role", ["owner", "admin", "", "EDITOR", "editor\x00", "x" * 5000])
def test_only_editor_or_viewer_can_be_given(app, owner_client, owned_event, cora, role):
    page = post(owner_client, team_url(owned_event), email="cora@example.org", role=role)
    assert page.status_code == 200
    assert 'class="field-error"' in page.text
    assert roles(app, owned_event) == {}


@pytest.mark.parametrize("email", [
    "cora@example.org\r\nBcc: evil@example.org", "<script>alert(1)</script>@example.org",
    "a\x00@example.org", "x" * 100_000, "",
])  # fmt: skip
def test_hostile_addresses_are_refused_on_the_form(app, owner_client, owned_event, cora, email):
    page = post(owner_client, team_url(owned_event), email=email, role="editor")
    assert page.status_code == 200
    assert 'class="field-error"' in page.text and "<script>alert" not in page.text
    assert roles(app, owned_event) == {}


def test_the_owner_changes_a_role_and_removes_someone(app, owner_client, owned_event, cora):
    post(owner_client, team_url(owned_event), email="cora@example.org", role="viewer")
    changed = post(owner_client, f"{team_url(owned_event)}/{cora}/role", role="editor")
    assert "Cora Colleague is now an editor of this talk." in owner_client.get(
        changed.location).text  # fmt: skip
    assert roles(app, owned_event) == {cora: "editor"}
    same = post(owner_client, f"{team_url(owned_event)}/{cora}/role", role="editor")
    assert "Cora Colleague is already an editor." in owner_client.get(same.location).text
    removed = post(owner_client, f"{team_url(owned_event)}/{cora}/remove")
    assert "Cora Colleague is no longer on this talk&#39;s team." in owner_client.get(
        removed.location).text  # fmt: skip
    assert roles(app, owned_event) == {}
    [change] = log(app, "role_changed")
    [removal] = log(app, "role_removed")
    assert change.details == "cora@example.org: viewer -> editor"
    assert removal.details == "cora@example.org (was editor)"


def test_the_owner_cannot_be_removed_or_demoted(app, owner_client, owned_event, owner):
    for action, data in (("remove", {}), ("role", {"role": "viewer"})):
        answer = post(owner_client, f"{team_url(owned_event)}/{owner}/{action}", **data)
        assert "The owner cannot be removed or given another role" in owner_client.get(
            answer.location).text  # fmt: skip
    with app.app_context():
        assert db.session.get(Event, owned_event.id).owner_id == owner
    assert roles(app, owned_event) == {}
    assert stored_rows(app, AuditEntry, event_id=owned_event.id) == []


def test_a_role_change_for_someone_not_on_the_team_changes_nothing(
    app, owner_client, owned_event, cora
):
    answer = post(owner_client, f"{team_url(owned_event)}/{cora}/role", role="viewer")
    assert "This person is not on the talk&#39;s team any more." in owner_client.get(
        answer.location).text  # fmt: skip
    assert roles(app, owned_event) == {}


def test_transferring_makes_the_old_owner_an_editor(
    app, owner_client, owned_event, cora, owner, signed_in
):
    post(owner_client, team_url(owned_event), email="cora@example.org", role="viewer")
    url = f"/organiser/events/{owned_event.id}/transfer"
    assert "Olga Owner, its owner now, stays on the team as an editor." in owner_client.get(
        url).text  # fmt: skip
    unknown = post(owner_client, url, email="nobody@example.org")
    assert field_error(unknown.text, "email") == UNKNOWN
    done = post(owner_client, url, email="cora@example.org")
    assert done.status_code == 303
    assert "Cora Colleague now owns this talk." in owner_client.get(done.location).text
    with app.app_context():
        assert db.session.get(Event, owned_event.id).owner_id == cora
    assert roles(app, owned_event) == {owner: "editor"}
    [entry] = log(app, "ownership_transferred")
    assert entry.details == "to cora@example.org; olga@example.org is now an editor"
    # Olga is an editor now: the team is no longer hers to change; Cora's it is.
    assert post(owner_client, team_url(owned_event), email="x@example.org").status_code == 403
    cora_client = signed_in("cora@example.org")
    assert "Transfer the ownership…" in cora_client.get(team_url(owned_event)).text


def test_an_administrator_acts_as_owner_of_any_talk(
    app, make_organiser, signed_in, owned_event, cora
):
    make_organiser("ada@example.org", "Ada Admin", is_admin=True)
    admin = signed_in("ada@example.org")
    post(admin, team_url(owned_event), email="cora@example.org", role="editor")
    assert roles(app, owned_event) == {cora: "editor"}
    [entry] = log(app, "role_given")
    assert entry.actor_email == "ada@example.org"


def test_a_viewer_sees_the_team_but_no_form_to_change_it(
    app, owner_client, owned_event, cora, signed_in
):
    post(owner_client, team_url(owned_event), email="cora@example.org", role="viewer")
    page = signed_in("cora@example.org").get(team_url(owned_event)).text
    assert "Olga Owner" in page and "Cora Colleague" in page and "(you)" in page
    assert "Add to the team" not in page and "Change the role" not in page
    assert "Transfer the ownership" not in page


def test_a_talk_nobody_registered_for_is_deleted_after_a_confirmation(
    app, owner_client, owner, make_event
):
    event = make_event(owner_id=owner, status="draft", title="A mistake")
    with app.app_context():
        db.session.add(Material(event_id=event.id, kind="link", title="Site", url="https://e.org"))
        db.session.commit()
    url = f"/organiser/events/{event.id}/delete"
    page = owner_client.get(url).text
    assert "Nobody registered for this talk." in page and "Yes, delete the talk" in page
    done = post(owner_client, url)
    assert done.status_code == 303 and done.location == "/organiser/"
    assert "“A mistake” is deleted." in owner_client.get("/organiser/").text
    assert stored_rows(app, Event, id=event.id) == []
    assert stored_rows(app, Material) == []
    [entry] = log(app, "talk_deleted")
    assert entry.event_id is None and entry.actor_email == OWNER_EMAIL
    assert entry.details == f"talk {event.id}: “A mistake” (/events/{event.slug})"


def test_a_talk_with_any_registration_cannot_be_deleted(
    app, owner_client, owned_event, make_registration
):
    make_registration(owned_event, status="cancelled")
    url = f"/organiser/events/{owned_event.id}/delete"
    page = owner_client.get(url).text
    assert "People registered for this talk, so it cannot be deleted" in page
    assert "Cancel the talk instead" in page and "Yes, delete the talk" not in page
    assert post(owner_client, url).status_code == 200
    assert len(stored_rows(app, Event, id=owned_event.id)) == 1
    assert log(app, "talk_deleted") == []


def test_a_copy_belongs_to_whoever_made_it_and_has_no_team(
    app, owner_client, owned_event, cora, signed_in
):
    from test_organiser_editor import form_data

    post(owner_client, team_url(owned_event), email="cora@example.org", role="viewer")
    viewer = signed_in("cora@example.org")
    url = f"/organiser/events/{owned_event.id}/copy"
    created = viewer.post(url, data=form_data(viewer, url, title="Cora's own talk"))
    assert created.status_code == 302
    [copy] = stored_rows(app, Event, title="Cora's own talk")
    assert copy.owner_id == cora and roles(app, copy) == {}


def test_a_french_owner_reads_every_team_message_in_french(app, owner_client, owned_event, cora):
    owner_client.set_cookie("lang", "fr")
    post(owner_client, team_url(owned_event), email="cora@example.org", role="viewer")
    again = post(owner_client, team_url(owned_event), email="cora@example.org", role="editor")
    assert field_error(again.text, "email") == (
        "Cora Colleague a déjà le rôle de lecteur sur cette conférence : changez plutôt le rôle "
        "dans la liste.")  # fmt: skip
    owner = post(owner_client, team_url(owned_event), email=OWNER_EMAIL, role="editor")
    assert field_error(owner.text, "email") == (
        "Olga Owner est déjà propriétaire de cette conférence.")
    same = post(owner_client, f"{team_url(owned_event)}/{cora}/role", role="viewer")
    assert "Cora Colleague a déjà le rôle de lecteur." in owner_client.get(same.location).text


@pytest.mark.parametrize(("role", "language", "told"), [
    ("viewer", "fr", "Vous êtes lecteur de cette conférence, et les lecteurs ne peuvent pas faire "
                     "cela."),
    ("editor", "de", "Sie sind Bearbeiter dieses Vortrags, und Bearbeiter dürfen dies nicht."),
    ("viewer", "en", "You are a viewer of this talk, and viewers cannot do this."),
])  # fmt: skip
def test_a_member_refused_an_action_is_told_their_role_in_their_language(
    app, signed_in, owned_event, cora, role, language, told
):
    with app.app_context():
        db.session.add(EventRole(event_id=owned_event.id, organiser_id=cora, role=role))
        db.session.commit()
    member = signed_in("cora@example.org")
    member.set_cookie("lang", language)
    refused = member.get(f"/organiser/events/{owned_event.id}/delete")
    assert refused.status_code == 403
    assert told in refused.text
