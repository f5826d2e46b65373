"""A removed sensitive question's answers stay sensitive: out of the export and the list
unless asked for, however the question was sensitive (from the start or marked later)."""

import csv
import io
import re

import pytest
from support.forms import csrf_token, register_through_form
from support.stored import registrations, stored_rows

from webinar.extensions import db
from webinar.models import Answer, Question


def export(client, event, query: str = "") -> dict[str, dict[str, str]]:
    """Download the CSV; return {first name: {column title: cell}}, and the titles under ""."""
    response = client.get(f"/organiser/events/{event.id}/attendees.csv{query}")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"), newline="")))
    people = {row[0]: dict(zip(rows[0], row, strict=True)) for row in rows[1:]}
    return {"": dict.fromkeys(rows[0], ""), **people}


def shown(client, event, query: str) -> str:
    """Return the attendee list's text as a person reads it, without the markup."""
    page = client.get(f"/organiser/events/{event.id}/attendees{query}")
    assert page.status_code == 200
    return " ".join(re.sub(r"<[^>]+>", " ", page.text).split())


def remove(client, event, question_id: int) -> None:
    """Press a question's Remove button on the Questions page."""
    page = client.get(f"/organiser/events/{event.id}/questions")
    response = client.post(f"/organiser/events/{event.id}/questions/{question_id}/delete",
                           data={"csrf_token": csrf_token(page.data)})  # fmt: skip
    assert response.status_code == 302


@pytest.fixture
def removed(app, client, owner_client, owned_event, make_question):
    """Ada answered a sensitive and an ordinary question through the form; both are removed,
    a third question stays."""
    make_question(owned_event, "short_text", "Your cluster")
    diet = make_question(owned_event, "short_text", "Dietary needs", sensitive=True)
    remarks = make_question(owned_event, "short_text", "Remarks")
    response = register_through_form(client, owned_event.slug, first_name="Ada",
                                     **{f"q_{diet['id']}": "Vegan",
                                        f"q_{remarks['id']}": "Looking forward"})  # fmt: skip
    assert response.status_code == 303
    remove(owner_client, owned_event, diet["id"])
    remove(owner_client, owned_event, remarks["id"])


def test_the_form_stores_whether_the_question_is_sensitive(
    app, client, owned_event, make_question
):
    diet = make_question(owned_event, "short_text", "Dietary needs", sensitive=True)
    remarks = make_question(owned_event, "short_text", "Remarks")
    register_through_form(client, owned_event.slug, **{f"q_{diet['id']}": "Vegan",
                                                       f"q_{remarks['id']}": "Hello"})  # fmt: skip
    [registration] = registrations(app, owned_event)
    stored = {row.question_label: row.question_sensitive
              for row in stored_rows(app, Answer, registration_id=registration.id)}  # fmt: skip
    assert stored == {"Dietary needs": True, "Remarks": False}


def test_the_export_leaves_out_a_removed_sensitive_question_unless_asked(
    owner_client, owned_event, removed
):
    people = export(owner_client, owned_event)
    assert "Dietary needs" not in people[""]
    assert people["Ada"]["Remarks"] == "Looking forward"
    assert not any("Vegan" in cell for person in people.values() for cell in person.values())
    people = export(owner_client, owned_event, "?sensitive=1")
    assert people["Ada"]["Dietary needs"] == "Vegan"
    assert people["Ada"]["Remarks"] == "Looking forward"


def test_the_list_shows_a_removed_sensitive_answer_only_when_ticked(
    owner_client, owned_event, removed
):
    page = shown(owner_client, owned_event, "?cols=1&col=removed")
    assert "Remarks: Looking forward" in page
    assert "Vegan" not in page and "Dietary needs" not in page
    assert "Answers to removed questions, sensitive ones too" in page
    page = shown(owner_client, owned_event, "?cols=1&col=removed_sensitive")
    assert "Dietary needs: Vegan" in page
    assert "Remarks: Looking forward" in page


def test_a_question_marked_sensitive_after_its_answers_stays_sensitive_once_removed(
    app, owner_client, owned_event, make_question, make_answer, make_registration
):
    notes = make_question(owned_event, "short_text", "Health notes")
    grace = make_registration(owned_event, first_name="Grace")
    make_answer(grace, notes["id"], value="Asthma")
    with app.app_context():
        db.session.get(Question, notes["id"]).sensitive = True
        db.session.commit()
    remove(owner_client, owned_event, notes["id"])
    people = export(owner_client, owned_event)
    assert "Health notes" not in people[""]
    assert people["Grace"] == {key: people["Grace"][key] for key in people[""]}
    assert "Asthma" not in people["Grace"].values()
    assert "Asthma" not in shown(owner_client, owned_event, "?cols=1&col=removed")
    assert export(owner_client, owned_event, "?sensitive=1")["Grace"]["Health notes"] == "Asthma"


def test_the_migration_takes_each_answers_flag_from_its_question(
    app, owned_event, make_question, make_answer, make_registration
):
    import sqlalchemy as sa
    from alembic.script import ScriptDirectory
    from flask_migrate import downgrade, upgrade

    diet = make_question(owned_event, "short_text", "Dietary needs", sensitive=True)
    remarks = make_question(owned_event, "short_text", "Remarks")
    ada = make_registration(owned_event, first_name="Ada")
    make_answer(ada, diet["id"], value="Vegan")
    make_answer(ada, remarks["id"], value="Hello")
    with app.app_context():
        config = app.extensions["migrate"].migrate.get_config()
        [script] = [s for s in ScriptDirectory.from_config(config).walk_revisions()
                    if s.path.endswith("_sensitive_answers.py")]  # fmt: skip
        downgrade(revision=script.down_revision)
        upgrade(revision=script.revision)
        flags = sorted(db.session.execute(sa.text(
            "SELECT question_label, question_sensitive FROM answer")))  # fmt: skip
        db.session.rollback()
        assert [(label, bool(flag)) for label, flag in flags] == [
            ("Dietary needs", True), ("Remarks", False)]
        db.session.remove()
        upgrade()
        db.session.remove()
        db.engine.dispose()


def test_answers_stay_reachable_in_the_list_once_every_question_is_removed(
    owner_client, owned_event, removed
):
    [kept] = questions_of(owner_client.application, owned_event)
    remove(owner_client, owned_event, kept)
    page = shown(owner_client, owned_event, "")
    assert "Questions shown as columns" in page
    assert "Filter by answers" not in page
    assert "Looking forward" not in page
    page = shown(owner_client, owned_event, "?cols=1&col=removed")
    assert "Dietary needs: Vegan" not in page
    assert "Remarks: Looking forward" in page


def test_a_talk_never_asked_anything_offers_no_question_columns(owner_client, owned_event):
    page = shown(owner_client, owned_event, "")
    assert "Questions shown as columns" not in page
    assert "Download with options" not in page


def questions_of(app, event) -> list[int]:
    with app.app_context():
        return list(db.session.scalars(db.select(Question.id).where(
            Question.event_id == event.id)))  # fmt: skip
