"""The Questions page of a talk: organisers add, edit, reorder, remove and copy questions."""

from __future__ import annotations

import pytest
from support.organisers import token_of
from support.stored import stored_rows

from webinar.extensions import db
from webinar.models import Answer, AuditEntry, Event, EventRole, Question


def base(event) -> str:
    return f"/organiser/events/{event.id}/questions"


def post(client, url: str, **data):
    return client.post(url, data={"csrf_token": token_of(client, "/organiser/"), **data})


def add(client, event, kind: str, label: str, **data):
    return post(client, base(event), kind=kind, label=label, **data)


def questions_of(app, event) -> list[Question]:
    """Return the stored questions of a talk in order, options and condition loaded."""
    with app.app_context():
        questions = db.session.scalars(
            db.select(Question).where(Question.event_id == event.id).order_by(Question.position)
        ).all()
        for question in questions:
            _ = question.options
        db.session.expunge_all()
    return questions


def labels(app, event) -> list[str]:
    return [question.label for question in questions_of(app, event)]


def log_actions(app, event) -> list[str]:
    return [entry.action for entry in stored_rows(app, AuditEntry, event_id=event.id)]


def test_the_page_lists_no_questions_at_first_and_is_in_the_talk_menu(owner_client, owned_event):
    page = owner_client.get(base(owned_event)).text
    assert "No questions yet" in page
    assert f'href="{base(owned_event)}" aria-current="page">Questions</a>' in page
    overview = owner_client.get(f"/organiser/events/{owned_event.id}").text
    assert f'href="{base(owned_event)}">Questions</a>' in overview


@pytest.mark.parametrize("kind", ["short_text", "long_text", "yes_no", "number", "date",
                                  "country", "url", "agreement"])  # fmt: skip
def test_each_kind_without_options_is_added(app, owner_client, owned_event, kind):
    response = add(owner_client, owned_event, kind, f"A {kind} question", help_text="Some help")
    assert response.status_code == 302
    page = owner_client.get(response.location).text
    assert f"“A {kind} question” is added." in page
    [question] = questions_of(app, owned_event)
    assert (question.kind, question.help_text, question.options) == (kind, "Some help", [])
    # An agreement is always required, even when the box was not ticked.
    assert question.required is (kind == "agreement")
    assert log_actions(app, owned_event) == ["question_added"]


def test_a_choice_question_is_added_with_its_options_in_order(app, owner_client, owned_event):
    add(owner_client, owned_event, "single_choice", "Which cluster do you belong to?",
        options="Deep tech\n\n  Clean tech \nBiotech\n", required="y")  # fmt: skip
    [question] = questions_of(app, owned_event)
    assert [option.text for option in question.options] == ["Deep tech", "Clean tech", "Biotech"]
    assert question.required
    page = owner_client.get(base(owned_event)).text
    assert "Single choice: Deep tech, Clean tech, Biotech" in page
    assert "Required" in page and "Shown: Always" in page


def test_a_multiple_choice_question_keeps_its_ticks_and_a_number_its_range(
    app, owner_client, owned_event
):
    add(owner_client, owned_event, "multiple_choice", "Sectors", options="A\nB\nC",
        min_value="1", max_value="2")  # fmt: skip
    add(owner_client, owned_event, "number", "Employees", min_value="1", max_value="100000")
    add(owner_client, owned_event, "short_text", "Your role", max_length="80", min_value="3")
    sectors, employees, role = questions_of(app, owned_event)
    assert (sectors.min_value, sectors.max_value) == (1, 2)
    assert (employees.min_value, employees.max_value) == (1, 100000)
    # A text question has a length, not a range.
    assert (role.max_length, role.min_value) == (80, None)


@pytest.mark.parametrize(("data", "message"), [
    ({"kind": "single_choice", "options": "Only one"}, "Enter at least two options"),
    ({"kind": "single_choice", "options": "Same\nsame"}, "“same” is there twice"),
    ({"kind": "single_choice", "options": f"A\n{'x' * 301}"}, "at most"),
    ({"kind": "multiple_choice", "options": "A\nB", "max_value": "3"},
     "The most ticks must be between 1 and 2"),
    ({"kind": "multiple_choice", "options": "A\nB", "min_value": "2", "max_value": "1"},
     "The most ticks must not be fewer than the fewest."),
    ({"kind": "number", "min_value": "5", "max_value": "1"}, "must not be smaller"),
    ({"kind": "short_text", "max_length": "0"}, "Enter a length between 1 and 10,000"),
    ({"kind": "short_text", "max_length": "many"}, "Not a valid integer value."),
    ({"kind": "short_text", "label": ""}, "Enter the question."),
    ({"kind": "short_text", "label": "x" * 501}, "Field cannot be longer than 500 characters."),
    ({"kind": "essay"}, "Not a valid choice."),
])  # fmt: skip
def test_a_question_that_breaks_a_rule_is_refused_with_a_message(
    app, owner_client, owned_event, data, message
):
    data = {"label": "A question", **data}
    response = post(owner_client, base(owned_event), **data)
    assert response.status_code == 200
    assert message in response.text
    assert "Please correct" in response.text
    assert questions_of(app, owned_event) == []


def test_a_question_is_edited_and_its_unchanged_options_keep_their_ids(
    app, owner_client, owned_event, make_question, make_registration, make_answer
):
    made = make_question(owned_event, "single_choice", "Cluster?", options=("Deep", "Clean", "Bio"))
    deep, clean, bio = made["options"]
    person = make_registration(owned_event)
    make_answer(person, made["id"], option_id=clean)
    url = f"{base(owned_event)}/{made['id']}/edit"
    form = owner_client.get(url).text
    assert 'value="Cluster?"' in form and "Deep\nClean\nBio</textarea>" in form
    assert "1 person has answered it." in form
    response = post(owner_client, url, kind="single_choice", label="Which cluster?",
                    options="Bio\nDeep\nQuantum")  # fmt: skip
    assert response.status_code == 302
    [question] = questions_of(app, owned_event)
    assert question.label == "Which cluster?"
    assert [(o.id, o.text) for o in question.options][:2] == [(bio, "Bio"), (deep, "Deep")]
    assert question.options[2].text == "Quantum" and question.options[2].id not in made["options"]
    # The answer to the removed option keeps what the person saw, and the question's label.
    [answer] = stored_rows(app, Answer)
    assert (answer.question_label, answer.value, answer.option_id) == ("Cluster?", "Clean", None)
    assert answer.question_id == made["id"]
    assert log_actions(app, owned_event) == ["question_changed"]


def test_the_type_cannot_change_once_answered_and_can_before(
    app, owner_client, owned_event, make_question, make_registration, make_answer
):
    answered = make_question(owned_event, "short_text", "Your role")
    fresh = make_question(owned_event, "short_text", "Your team")
    make_answer(make_registration(owned_event), answered["id"], value="Manager")
    response = post(owner_client, f"{base(owned_event)}/{answered['id']}/edit",
                    kind="long_text", label="Your role")  # fmt: skip
    assert response.status_code == 200
    assert ("People have answered this question already, so its type cannot change. "
            "Add a new question instead.") in response.text  # fmt: skip
    response = post(owner_client, f"{base(owned_event)}/{fresh['id']}/edit",
                    kind="yes_no", label="Do you lead a team?")  # fmt: skip
    assert response.status_code == 302
    assert [(q.kind, q.label) for q in questions_of(app, owned_event)] == [
        ("short_text", "Your role"), ("yes_no", "Do you lead a team?")]  # fmt: skip


def test_questions_move_up_and_down(app, owner_client, owned_event, make_question):
    first, _second, third = (make_question(owned_event, "short_text", name)["id"]
                            for name in ("First", "Second", "Third"))  # fmt: skip
    post(owner_client, f"{base(owned_event)}/{third}/move", direction="up")
    assert labels(app, owned_event) == ["First", "Third", "Second"]
    post(owner_client, f"{base(owned_event)}/{first}/move", direction="down")
    assert labels(app, owned_event) == ["Third", "First", "Second"]
    post(owner_client, f"{base(owned_event)}/{third}/move", direction="up")  # already first
    assert labels(app, owned_event) == ["Third", "First", "Second"]
    assert log_actions(app, owned_event) == ["question_moved", "question_moved"]


def test_a_removed_question_leaves_its_answers_readable(
    app, owner_client, owned_event, make_question, make_registration, make_answer
):
    kept = make_question(owned_event, "short_text", "Kept")
    gone = make_question(owned_event, "multiple_choice", "Sectors", options=("Energy", "Health"))
    make_answer(make_registration(owned_event), gone["id"], option_id=gone["options"][1])
    response = post(owner_client, f"{base(owned_event)}/{gone['id']}/delete")
    assert "“Sectors” is removed." in owner_client.get(response.location).text
    assert [q.id for q in questions_of(app, owned_event)] == [kept["id"]]
    [answer] = stored_rows(app, Answer)
    assert (answer.question_id, answer.option_id) == (None, None)
    assert (answer.question_label, answer.value) == ("Sectors", "Health")
    assert log_actions(app, owned_event) == ["question_removed"]


def condition(question_id: int, *answers: str) -> dict:
    return {"shown_if_id": str(question_id),
            "shown_if_answers": [f"{question_id}:{answer}" for answer in answers]}  # fmt: skip


def test_a_question_is_shown_only_for_an_answer_to_an_earlier_one(
    app, owner_client, owned_event, make_question
):
    cluster = make_question(owned_event, "single_choice", "Cluster?", options=("Deep", "Clean"))
    page = owner_client.get(base(owned_event)).text
    # The condition's answers are offered, under their question.
    assert "Answers to “Cluster?”" in page
    assert f'value="{cluster["id"]}:{cluster["options"][0]}"> <label' in page
    add(owner_client, owned_event, "short_text", "Which deep technology?",
        **condition(cluster["id"], str(cluster["options"][0])))  # fmt: skip
    _, deep = questions_of(app, owned_event)
    assert (deep.shown_if_id, deep.shown_if_answers) == (cluster["id"],
                                                        [str(cluster["options"][0])])
    assert "Shown: When “Cluster?” is answered “Deep”" in owner_client.get(base(owned_event)).text


def test_a_condition_must_be_an_earlier_choice_or_yes_no_question_and_its_answers(
    app, owner_client, owned_event, make_question, make_event
):
    text = make_question(owned_event, "short_text", "Your role")
    yes_no = make_question(owned_event, "yes_no", "Member?")
    later = make_question(owned_event, "single_choice", "Later?", options=("A", "B"))
    foreign = make_question(make_event(), "single_choice", "Elsewhere", options=("X", "Y"))
    url = f"{base(owned_event)}/{yes_no['id']}/edit"
    refused = [
        condition(text["id"], "yes"),  # not a condition kind
        condition(later["id"], str(later["options"][0])),  # comes after
        condition(foreign["id"], str(foreign["options"][0])),  # another talk's
        {"shown_if_id": str(yes_no["id"]), "shown_if_answers": [f"{yes_no['id']}:yes"]},  # itself
    ]
    for data in refused:
        response = post(owner_client, url, kind="yes_no", label="Member?", **data)
        assert response.status_code == 200 and "Not a valid choice." in response.text, data
    # An option of another question, ticked for this one, is refused too.
    response = post(owner_client, f"{base(owned_event)}/{later['id']}/edit", kind="single_choice",
                    label="Later?", options="A\nB", shown_if_id=str(yes_no["id"]),
                    shown_if_answers=[f"{later['id']}:{later['options'][0]}"])  # fmt: skip
    assert "is not a valid choice for this field." in response.text
    response = post(owner_client, f"{base(owned_event)}/{later['id']}/edit", kind="single_choice",
                    label="Later?", options="A\nB", shown_if_id=str(yes_no["id"]))  # fmt: skip
    assert "Tick the answers to “Member?” that show this question." in response.text
    assert all(q.shown_if_id is None for q in questions_of(app, owned_event))
    assert log_actions(app, owned_event) == []


def test_a_question_cannot_move_above_the_one_it_depends_on(
    app, owner_client, owned_event, make_question
):
    member = make_question(owned_event, "yes_no", "Member?")
    which = make_question(owned_event, "short_text", "Which cluster?",
                          shown_if_id=member["id"], shown_if_answers=["yes"])  # fmt: skip
    response = post(owner_client, f"{base(owned_event)}/{which['id']}/move", direction="up")
    page = owner_client.get(response.location).text
    assert "“Which cluster?” is shown only for an answer to “Member?”, so it must come after" \
        in page  # fmt: skip
    post(owner_client, f"{base(owned_event)}/{member['id']}/move", direction="down")
    assert labels(app, owned_event) == ["Member?", "Which cluster?"]


def test_removing_the_question_a_condition_uses_shows_the_dependant_always(
    app, owner_client, owned_event, make_question
):
    member = make_question(owned_event, "yes_no", "Member?")
    make_question(owned_event, "short_text", "Which cluster?", shown_if_id=member["id"],
                  shown_if_answers=["yes"])  # fmt: skip
    response = post(owner_client, f"{base(owned_event)}/{member['id']}/delete")
    page = owner_client.get(response.location).text
    assert "“Which cluster?” was shown only for an answer to it: it is now always shown." in page
    [left] = questions_of(app, owned_event)
    assert (left.shown_if_id, left.shown_if_answers) == (None, [])


def test_an_option_a_condition_uses_cannot_be_removed(app, owner_client, owned_event,
                                                      make_question):  # fmt: skip
    cluster = make_question(owned_event, "single_choice", "Cluster?", options=("Deep", "Clean"))
    make_question(owned_event, "short_text", "Technology?", shown_if_id=cluster["id"],
                  shown_if_answers=[str(cluster["options"][0])])  # fmt: skip
    response = post(owner_client, f"{base(owned_event)}/{cluster['id']}/edit",
                    kind="single_choice", label="Cluster?", options="Clean\nBio")  # fmt: skip
    assert "“Technology?” is shown only when “Deep” is chosen" in response.text
    assert [o.text for o in questions_of(app, owned_event)[0].options] == ["Deep", "Clean"]


def test_the_fixed_fields_are_set_per_talk(app, owner_client, owned_event):
    url = f"{base(owned_event)}/fields"
    response = post(owner_client, url, organisation_field="optional", job_title_field="off",
                    country_field="required")  # fmt: skip
    assert "The form&#39;s fields are saved." in owner_client.get(response.location).text
    [event] = stored_rows(app, Event, id=owned_event.id)
    assert (event.organisation_field, event.job_title_field, event.country_field) == (
        "optional", "off", "required")  # fmt: skip
    [entry] = stored_rows(app, AuditEntry, event_id=owned_event.id)
    assert entry.details == "organisation required -> optional, job_title optional -> off"
    response = post(owner_client, url, organisation_field="sometimes", job_title_field="off",
                    country_field="required")  # fmt: skip
    assert response.status_code == 200 and "Not a valid choice." in response.text


def make_form(make_question, event) -> dict:
    """Give a talk a choice question and a question shown for one of its answers."""
    cluster = make_question(event, "single_choice", "Cluster?", options=("Deep", "Clean"),
                            required=True)  # fmt: skip
    make_question(event, "long_text", "Which technology?", shown_if_id=cluster["id"],
                  shown_if_answers=[str(cluster["options"][1])], max_length=500)  # fmt: skip
    return cluster


def assert_copied(app, source, target, cluster, before: list[str]) -> None:
    copied = questions_of(app, target)
    assert [q.label for q in copied] == [*before, "Cluster?", "Which technology?"]
    choice, dependant = copied[-2:]
    assert choice.id != cluster["id"] and choice.required
    assert [o.text for o in choice.options] == ["Deep", "Clean"]
    assert [o.position for o in copied] == list(range(len(copied)))
    # The condition points at the copy and its option, not at the original talk's.
    assert dependant.shown_if_id == choice.id
    assert dependant.shown_if_answers == [str(choice.options[1].id)]
    assert dependant.max_length == 500
    assert len(questions_of(app, source)) == 2


def test_questions_are_copied_from_another_talk_after_the_existing_ones(
    app, owner_client, owned_event, make_event, owner, make_question
):
    source = make_event(owner_id=owner, title="Earlier talk")
    cluster = make_form(make_question, source)
    make_question(owned_event, "short_text", "Already here")
    page = owner_client.get(base(owned_event)).text
    assert "Earlier talk (" in page
    response = post(owner_client, f"{base(owned_event)}/copy", source=str(source.id))
    assert "2 questions copied from “Earlier talk”." in owner_client.get(response.location).text
    assert_copied(app, source, owned_event, cluster, ["Already here"])
    assert log_actions(app, owned_event) == ["questions_copied"]


def test_questions_cannot_be_copied_from_a_talk_the_organiser_has_no_role_on(
    app, owner_client, owned_event, make_event, make_organiser, make_question
):
    other = make_event(owner_id=make_organiser("someone@example.org", "Someone"))
    make_question(other, "short_text", "Secret")
    assert "None of your other talks has questions yet." in owner_client.get(
        base(owned_event)).text  # fmt: skip
    response = post(owner_client, f"{base(owned_event)}/copy", source=str(other.id))
    assert response.status_code == 200 and "Not a valid choice." in response.text
    assert questions_of(app, owned_event) == []


def test_a_copied_talk_gets_the_questions_and_the_fixed_fields(
    app, owner_client, owned_event, make_question
):
    cluster = make_form(make_question, owned_event)
    with app.app_context():
        event = db.session.get(Event, owned_event.id)
        event.job_title_field, event.country_field = "off", "optional"
        db.session.commit()
    url = f"/organiser/events/{owned_event.id}/copy"
    response = post(owner_client, url, title="The next talk", timezone="Europe/Brussels",
                    starts_on="2031-03-04", starts_time="10:00", ends_on="2031-03-04",
                    ends_time="11:00", location="Virtual Event")  # fmt: skip
    assert response.status_code == 302, response.text
    [copy] = [e for e in stored_rows(app, Event) if e.title == "The next talk"]
    assert (copy.organisation_field, copy.job_title_field, copy.country_field) == (
        "required", "off", "optional")  # fmt: skip
    assert_copied(app, owned_event, copy, cluster, [])


HOSTILE = '<script>alert(1)</script>"\'&'


def test_hostile_text_is_shown_escaped_and_control_characters_refused(
    app, owner_client, owned_event
):
    add(owner_client, owned_event, "single_choice", HOSTILE, help_text=HOSTILE,
        options=f"{HOSTILE}\nB")  # fmt: skip
    page = owner_client.get(base(owned_event)).text
    assert "<script>alert(1)" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    response = add(owner_client, owned_event, "short_text", "Line\r\nbreak")
    assert "Please type this on one line" in response.text
    response = add(owner_client, owned_event, "single_choice", "Nul", options="A\x00\nB")
    assert "Please remove the invisible control characters" in response.text
    response = add(owner_client, owned_event, "number", "Big", min_value="99999999999")
    assert response.status_code == 200 and "Please enter a number between" in response.text
    assert labels(app, owned_event) == [HOSTILE]


def test_a_viewer_may_not_open_or_change_the_questions(
    app, owned_event, make_organiser, signed_in, make_question
):
    question = make_question(owned_event, "short_text", "Your role")
    viewer = make_organiser("vera@example.org", "Vera Viewer")
    with app.app_context():
        db.session.add(EventRole(event_id=owned_event.id, organiser_id=viewer, role="viewer"))
        db.session.commit()
    client = signed_in("vera@example.org")
    overview = client.get(f"/organiser/events/{owned_event.id}").text
    assert base(owned_event) not in overview
    token = token_of(client, "/organiser/")
    for url in (base(owned_event), f"{base(owned_event)}/{question['id']}/edit"):
        assert client.get(url).status_code == 403
    for url in (f"{base(owned_event)}/{question['id']}/delete", f"{base(owned_event)}/fields"):
        response = client.post(url, data={"csrf_token": token})
        assert response.status_code == 403 and "You are a viewer of this talk" in response.text
    assert labels(app, owned_event) == ["Your role"]
