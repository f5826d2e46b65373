"""Answers in the CSV export: a column per question, inert cells and titles, sensitive answers."""

import csv
import io
import secrets

import pytest
from support.factories import registration_row, stored

from webinar.extensions import db
from webinar.models import AuditEntry, Question, QuestionOption

HOSTILE_LABEL = '=HYPERLINK("http://evil.example","Click")'


def export(client, event, query: str = "") -> list[list[str]]:
    """Download the CSV and return its rows, header first, as a spreadsheet reads them."""
    response = client.get(f"/organiser/events/{event.id}/attendees.csv{query}")
    assert response.status_code == 200
    text = response.data.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:], newline="")))


def by_name(rows: list[list[str]]) -> dict[str, dict[str, str]]:
    """Return {first name: {column title: cell}}."""
    header = rows[0]
    return {row[0]: dict(zip(header, row, strict=True)) for row in rows[1:]}


@pytest.fixture
def person(app, owned_event):
    def make(first: str, **fields) -> int:
        email = f"{first.lower()}-{secrets.token_hex(3)}@example.org"
        return stored(app, registration_row(owned_event.id, first_name=first, email=email,
                                            **fields)).id  # fmt: skip

    return make


@pytest.fixture
def form(owned_event, make_question, make_answer, person):
    """Questions of every shape the export treats apart, and three people's answers."""
    q = {
        "cluster": make_question(owned_event, "single_choice", "Cluster",
                                 options=("Energy", "Health")),  # fmt: skip
        "topics": make_question(owned_event, "multiple_choice", "Topics",
                                options=("AI", "Funding", "Policy")),  # fmt: skip
        "record": make_question(owned_event, "yes_no", "Record?"),
        "agree": make_question(owned_event, "agreement", "I agree to be filmed"),
        "diet": make_question(owned_event, "short_text", "Diet", sensitive=True),
        "hostile": make_question(owned_event, "short_text", HOSTILE_LABEL),
    }
    ada, bob, cem = person("Ada"), person("Bob"), person("Cem")
    make_answer(ada, q["cluster"]["id"], option_id=q["cluster"]["options"][0])
    make_answer(ada, q["topics"]["id"], option_id=q["topics"]["options"][0])
    make_answer(ada, q["topics"]["id"], option_id=q["topics"]["options"][2])
    make_answer(ada, q["record"]["id"], value="yes")
    make_answer(ada, q["agree"]["id"], value="agreed")
    make_answer(ada, q["diet"]["id"], value="Vegan")
    make_answer(ada, q["hostile"]["id"], value="=1+2")
    make_answer(bob, q["topics"]["id"], option_id=q["topics"]["options"][1])
    make_answer(bob, q["record"]["id"], value="no")
    make_answer(bob, q["hostile"]["id"], value="Line one\r\nline two")
    make_answer(cem, q["hostile"]["id"], value="@" + "x" * 9_999)
    return q


def test_one_column_per_question_in_form_order(owner_client, owned_event, form):
    rows = export(owner_client, owned_event)
    assert rows[0][-5:] == ["Cluster", "Topics", "Record?", "I agree to be filmed",
                            "'" + HOSTILE_LABEL]  # fmt: skip
    people = by_name(rows)
    assert people["Ada"]["Topics"] == "AI; Policy"
    assert people["Ada"]["Cluster"] == "Energy"
    assert (people["Ada"]["Record?"], people["Bob"]["Record?"]) == ("Yes", "No")
    assert people["Ada"]["I agree to be filmed"] == "Agreed"
    assert people["Cem"]["Topics"] == "" and people["Bob"]["Cluster"] == ""


def test_answers_and_labels_are_made_inert(owner_client, owned_event, form):
    people = by_name(export(owner_client, owned_event))
    column = "'" + HOSTILE_LABEL
    assert people["Ada"][column] == "'=1+2"
    assert people["Bob"][column] == "Line one\r\nline two"
    assert people["Cem"][column] == "'@" + "x" * 9_999


def test_one_yes_no_column_per_option_when_asked(owner_client, owned_event, form):
    people = by_name(export(owner_client, owned_event, "?per_option=1"))
    titles = ("Topics: AI", "Topics: Funding", "Topics: Policy")
    assert [people["Ada"][title] for title in titles] == ["Yes", "No", "Yes"]
    assert [people["Bob"][title] for title in titles] == ["No", "Yes", "No"]
    assert "Topics" not in people["Ada"]
    # A single-choice question keeps its one column.
    assert people["Ada"]["Cluster"] == "Energy"


def test_removed_questions_and_options_keep_their_text(app, owner_client, owned_event, form):
    with app.app_context():
        db.session.delete(db.session.get(QuestionOption, form["topics"]["options"][2]))
        db.session.delete(db.session.get(Question, form["record"]["id"]))
        question = db.session.get(Question, form["cluster"]["id"])
        question.label = "Your cluster, renamed"
        db.session.commit()
    rows = export(owner_client, owned_event)
    # The removed question comes after the current ones, under the label it had.
    assert rows[0][-1] == "Record?"
    assert "Your cluster, renamed" in rows[0]
    people = by_name(rows)
    assert people["Ada"]["Topics"] == "AI; Policy"
    assert people["Ada"]["Record?"] == "Yes" and people["Bob"]["Record?"] == "No"
    per_option = by_name(export(owner_client, owned_event, "?per_option=1"))
    assert per_option["Ada"]["Topics: other answers"] == "Policy"
    assert "Topics: Policy" not in per_option["Ada"]


def exports_logged(app, event_id: int) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(
            db.select(AuditEntry.details)
            .where(AuditEntry.event_id == event_id, AuditEntry.action == "attendees_exported")
            .order_by(AuditEntry.id)
        ))  # fmt: skip


def test_sensitive_answers_only_when_asked_and_logged_once(app, owner_client, owned_event, form):
    rows = export(owner_client, owned_event)
    assert "Diet" not in rows[0]
    assert not any("Vegan" in cell for row in rows for cell in row)
    assert exports_logged(app, owned_event.id) == ["everyone"]
    people = by_name(export(owner_client, owned_event, "?sensitive=1"))
    assert people["Ada"]["Diet"] == "Vegan"
    assert exports_logged(app, owned_event.id) == ["everyone", "everyone, with sensitive answers"]
    cluster = form["cluster"]
    export(owner_client, owned_event, f"?a{cluster['id']}={cluster['options'][0]}&sensitive=1")
    assert exports_logged(app, owned_event.id)[-1] == "filtered, with sensitive answers"


def test_the_export_follows_the_answer_filters(owner_client, owned_event, form):
    topics = form["topics"]
    query = f"?a{topics['id']}={topics['options'][1]}&a{topics['id']}={topics['options'][2]}"
    assert sorted(by_name(export(owner_client, owned_event, query))) == ["Ada", "Bob"]


def test_the_list_offers_the_export_options(owner_client, owned_event, form):
    cluster = form["cluster"]
    page = owner_client.get(
        f"/organiser/events/{owned_event.id}/attendees?a{cluster['id']}={cluster['options'][0]}"
    ).text
    assert 'name="sensitive" value="1"' in page and 'name="per_option" value="1"' in page
    # The download form carries the list's filter along.
    assert f'<input type="hidden" name="a{cluster["id"]}" value="{cluster["options"][0]}">' in page


def test_a_viewer_may_export_with_answers(app, owned_event, form, make_organiser, signed_in):
    from webinar.models import EventRole

    viewer = make_organiser("viewer@example.org")
    with app.app_context():
        db.session.add(EventRole(event_id=owned_event.id, organiser_id=viewer, role="viewer"))
        db.session.commit()
    people = by_name(export(signed_in("viewer@example.org"), owned_event))
    assert people["Ada"]["Topics"] == "AI; Policy"


@pytest.mark.sqlite_only  # PostgreSQL refuses NUL in text: no such answer can be stored there.
def test_a_nul_in_an_answer_does_not_break_the_file(owner_client, owned_event, make_question,
                                                    make_answer, person):  # fmt: skip
    question = make_question(owned_event, "short_text", "Remark")
    make_answer(person("Ada"), question["id"], value="a\x00b")
    assert by_name(export(owner_client, owned_event))["Ada"]["Remark"] == "a\x00b"


@pytest.mark.parametrize("sort", ["time", "name"])
@pytest.mark.parametrize("order", ["asc", "desc"])
def test_each_person_keeps_their_own_answers_in_every_order(
    owner_client, owned_event, form, person, make_answer, sort, order
):
    # People without answers between those with answers, in every order the list offers.
    person("Abe")
    make_answer(person("Dan"), form["record"]["id"], value="yes")
    person("Eli")
    rows = export(owner_client, owned_event, f"?sort={sort}&order={order}")
    made = ["Ada", "Bob", "Cem", "Abe", "Dan", "Eli"]
    expected = sorted(made) if sort == "name" else made
    assert [row[0] for row in rows[1:]] == (expected[::-1] if order == "desc" else expected)
    record = {name: cells["Record?"] for name, cells in by_name(rows).items()}
    assert record == {"Ada": "Yes", "Bob": "No", "Cem": "", "Abe": "", "Dan": "Yes", "Eli": ""}
    topics = {name: cells["Topics"] for name, cells in by_name(rows).items()}
    assert topics["Ada"] == "AI; Policy" and topics["Bob"] == "Funding" and topics["Eli"] == ""
