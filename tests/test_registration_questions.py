"""A talk's own questions on the form: asked, checked, stored, shown, changed, erased."""

from __future__ import annotations

import json
import re
from html import unescape

import pytest
from support.factories import in_days
from support.forms import csrf_token, register_through_form
from support.mail import html_of, text_of
from support.question_kinds import every_kind
from support.stored import registrations, stored_rows

from webinar.models import Answer


def good_answers(ids: dict) -> dict:
    return {
        f"q_{ids['short']['id']}": "Green Valley",
        f"q_{ids['long']['id']}": "How do you\nfund it?",
        f"q_{ids['single']['id']}": str(ids["single"]["options"][1]),
        f"q_{ids['multiple']['id']}": [str(o) for o in ids["multiple"]["options"][:2]],
        f"q_{ids['yes_no']['id']}": "no",
        f"q_{ids['agreement']['id']}": "y",
        f"q_{ids['number']['id']}": "42",
        f"q_{ids['date']['id']}": "2015-03-01",
        f"q_{ids['country']['id']}": "FR",
        f"q_{ids['url']['id']}": "https://green.example/about",
    }


def field_error(html: str, name: str) -> str:
    match = re.search(rf'<p class="field-error" id="{name}-error">([^<]*)</p>', html)
    return unescape(match.group(1)) if match else ""


def test_form_asks_every_kind_with_its_label_or_legend(client, make_event, make_question):
    event = make_event()
    ids = every_kind(make_question, event)
    html = client.get(f"/events/{event.slug}/register").data.decode()

    def name(key):
        return f"q_{ids[key]['id']}"

    assert f'<label for="{name("short")}">Your cluster</label>' in html
    assert 'maxlength="20"' in html
    assert f'aria-describedby="{name("short")}-hint"' in html
    assert "As it is known abroad." in html
    assert re.search(rf'<textarea[^>]*name="{name("long")}"', html)
    assert "Questions for the speakers</label> <span class=\"meta\">(optional)</span>" in html
    for key, legend in [("single", "Your sector"), ("multiple", "Topics"),
                        ("yes_no", "Is this your first talk of ours?")]:
        assert re.search(rf'<fieldset class="choice-group" id="{name(key)}"[^>]*>\s*<legend>'
                         rf"{re.escape(legend)}</legend>", html)
    assert re.search(rf'type="radio" value="{ids["single"]["options"][0]}"', html)
    assert html.count(f'name="{name("multiple")}" type="checkbox"') == 3
    assert f'name="{name("yes_no")}" required type="radio" value="yes"' in html
    assert f'<label for="{name("agreement")}">I agree to be recorded</label>' in html
    assert re.search(rf'id="{name("number")}" max="500" min="1" name="{name("number")}"'
                     r'[^>]*type="number"', html)
    assert re.search(rf'name="{name("date")}"[^>]*type="date"', html)
    assert re.search(rf'<select[^>]*name="{name("country")}"', html)
    assert re.search(rf'name="{name("url")}"[^>]*type="url"', html)
    # Questions come after the fixed fields, in their order.
    positions = [html.index(f'name="{name(key)}"') for key in ids]
    assert html.index('name="country"') < positions[0] and positions == sorted(positions)
    assert "js/questions.js" not in html  # no conditional question: no script needed


def test_many_options_make_a_select(client, make_event, make_question):
    event = make_event()
    question = make_question(event, "single_choice", "Region", tuple(f"R{n}" for n in range(9)))
    html = client.get(f"/events/{event.slug}/register").data.decode()
    assert re.search(rf'<select[^>]*name="q_{question["id"]}"', html)
    assert f'<label for="q_{question["id"]}">Region</label>' in html


def test_answers_are_stored_with_the_registration_and_their_snapshots(
    app, client, make_event, make_question
):
    event = make_event()
    ids = every_kind(make_question, event)
    response = register_through_form(client, event.slug, **good_answers(ids))
    assert response.status_code == 303
    [registration] = registrations(app, event)
    rows = stored_rows(app, Answer, registration_id=registration.id)
    by_question = {}
    for row in rows:
        by_question.setdefault(row.question_id, []).append(row)
    values = {key: [row.value for row in by_question[ids[key]["id"]]] for key in ids}
    assert values == {
        "short": ["Green Valley"], "long": ["How do you\nfund it?"], "single": ["Energy"],
        "multiple": ["Funding", "Skills"], "yes_no": ["no"], "agreement": ["agreed"],
        "number": ["42"], "date": ["2015-03-01"], "country": ["FR"],
        "url": ["https://green.example/about"],
    }
    [topic_row, _] = by_question[ids["multiple"]["id"]]
    assert topic_row.option_id == ids["multiple"]["options"][0]
    assert (topic_row.question_label, topic_row.question_kind, topic_row.question_position) == (
        "Topics", "multiple_choice", 3,
    )


def test_empty_optional_answers_are_not_stored(app, client, make_event, make_question):
    event = make_event()
    question = make_question(event, "long_text", "Anything else?")
    number = make_question(event, "number", "Age")
    assert register_through_form(
        client, event.slug, **{f"q_{question['id']}": "  ", f"q_{number['id']}": ""}
    ).status_code == 303
    assert stored_rows(app, Answer) == []


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("short", "", "Please answer this question."),
        ("short", "x" * 21, "Please keep this under 21 characters."),
        ("single", "", "Please answer this question."),
        ("single", "999999", "Please choose one of the options offered."),
        ("multiple", [], "Please answer this question."),
        ("multiple", "999999", "Please choose one of the options offered."),
        ("multiple", "all", "Please tick at most 2 options."),
        ("yes_no", "maybe", "Please choose one of the options offered."),
        ("agreement", None, "Please agree to register."),
        ("number", "0", "Please enter a number from 1 to 500."),
        ("number", "501", "Please enter a number from 1 to 500."),
        ("number", "twelve", "Please enter a whole number, such as 12."),
        ("date", "2015-02-30", "Please enter a date such as 2026-09-30 (year, month, day)."),
        ("date", "", "Please answer this question."),
        ("country", "XX", "Please choose one of the options offered."),
        ("url", "javascript:alert(1)", "Please enter a web address starting with https://"),
        ("url", "ftp://green.example", "Please enter a web address starting with https://"),
        ("short", "Green\x00Valley", "Please type this on one line"),
        ("long", "How\x07?", "Please remove the invisible control characters"),
    ],
)
def test_every_kind_is_checked_on_the_server(
    app, client, make_event, make_question, key, value, message
):
    event = make_event()
    ids = every_kind(make_question, event)
    answers = good_answers(ids)
    name = f"q_{ids[key]['id']}"
    if value == "all":
        value = [str(o) for o in ids["multiple"]["options"]]
    answers[name] = value
    response = register_through_form(client, event.slug, **answers)
    assert response.status_code == 200
    html = response.data.decode()
    assert field_error(html, name).startswith(message)
    # Listed in the summary too, linking to the field.
    assert f'<a href="#{name}">' in html
    assert registrations(app, event) == []
    # What was typed elsewhere is kept.
    assert "Green Valley" in html or key == "short"


def test_fewest_ticks_are_checked(app, client, make_event, make_question):
    event = make_event()
    question = make_question(event, "multiple_choice", "Pick", ("A", "B", "C"), min_value=2)
    response = register_through_form(
        client, event.slug, **{f"q_{question['id']}": str(question["options"][0])}
    )
    assert field_error(response.data.decode(), f"q_{question['id']}") == (
        "Please tick at least 2 options."
    )


def conditional_talk(make_event, make_question):
    event = make_event()
    member = make_question(event, "single_choice", "Are you a member?", ("Member", "Guest"),
                           required=True)
    cluster = make_question(event, "short_text", "Which cluster?", required=True,
                            shown_if_id=member["id"], shown_if_answers=[str(member["options"][0])])
    return event, member, cluster


def test_a_hidden_conditional_question_is_not_required_and_its_answer_is_ignored(
    app, client, make_event, make_question
):
    event, member, cluster = conditional_talk(make_event, make_question)
    response = register_through_form(client, event.slug, **{
        f"q_{member['id']}": str(member["options"][1]),
        f"q_{cluster['id']}": "Sent anyway",
    })
    assert response.status_code == 303
    assert [row.value for row in stored_rows(app, Answer)] == ["Guest"]


def test_a_shown_conditional_question_is_required(app, client, make_event, make_question):
    event, member, cluster = conditional_talk(make_event, make_question)
    answers = {f"q_{member['id']}": str(member["options"][0])}
    response = register_through_form(client, event.slug, **answers)
    assert field_error(response.data.decode(), f"q_{cluster['id']}") == (
        "Please answer this question."
    )
    response = register_through_form(
        client, event.slug, **answers, **{f"q_{cluster['id']}": "Green Valley"}
    )
    assert response.status_code == 303
    assert [row.value for row in stored_rows(app, Answer)] == ["Member", "Green Valley"]


def test_without_javascript_a_conditional_question_says_when_to_answer_it(
    client, make_event, make_question
):
    event, member, cluster = conditional_talk(make_event, make_question)
    html = client.get(f"/events/{event.slug}/register").data.decode()
    assert (f'<p class="hint" id="q_{cluster["id"]}-hint">'
            "Only if you answered “Member” to “Are you a member?”.</p>") in html
    assert f'aria-describedby="q_{cluster["id"]}-hint"' in html
    assert f'data-shown-if="q_{member["id"]}"' in html
    assert f'data-shown-if-answers="[&#34;{member["options"][0]}&#34;]"' in html
    assert "js/questions.js" in html
    assert "<script>" not in html


@pytest.mark.parametrize(
    ("use", "shown", "required"),
    [("required", True, True), ("optional", True, False), ("off", False, False)],
)
def test_fixed_fields_follow_the_talk(app, client, make_event, use, shown, required):
    event = make_event(organisation_field=use, job_title_field=use, country_field=use)
    html = client.get(f"/events/{event.slug}/register").data.decode()
    for name in ("organisation", "job_title", "country"):
        assert (f'name="{name}"' in html) is shown
    response = register_through_form(
        client, event.slug, organisation="", job_title="", country=""
    )
    if required:
        html = response.data.decode()
        assert field_error(html, "organisation") == "Please enter your organisation."
        assert field_error(html, "job_title") == "Please enter your job title."
        assert field_error(html, "country") == "Please choose your country."
        return
    assert response.status_code == 303
    response = register_through_form(
        client, event.slug, email="grace@example.org", organisation="Navy", job_title="Admiral",
        country="US",
    )
    assert response.status_code == 303
    stored = registrations(app, event)[-1]
    expected = ("Navy", "Admiral", "US") if shown else ("", "", "")
    assert (stored.organisation, stored.job_title, stored.country) == expected


HOSTILE_LABEL = "<script>alert('label')</script>\r\nBcc: x@evil.example"
HOSTILE_ANSWER = "<img src=x onerror=alert(1)>\r\n\"quoted\" & more"


def test_hostile_labels_and_answers_are_escaped_in_page_email_and_download(
    smtp_server, app, client, inbox, make_event, make_question
):
    event = make_event()
    question = make_question(event, "long_text", HOSTILE_LABEL, max_length=10_000)
    choice = make_question(event, "single_choice", "Pick", ("<b>bold</b>", "plain"))
    form_html = client.get(f"/events/{event.slug}/register").data.decode()
    assert "<script>alert" not in form_html and "&lt;script&gt;" in form_html
    assert "<b>bold</b>" not in form_html
    long = register_through_form(client, event.slug, **{f"q_{question['id']}": "y" * 10_001})
    assert long.status_code == 200
    assert "Please keep this under 10001 characters." in long.data.decode()
    nul = register_through_form(client, event.slug, **{f"q_{question['id']}": "a\x00b"})
    assert nul.status_code == 200
    response = register_through_form(client, event.slug, **{
        f"q_{question['id']}": HOSTILE_ANSWER, f"q_{choice['id']}": str(choice["options"][0]),
    })
    assert response.status_code == 303
    [message] = inbox.deliver()
    text, html = text_of(message), html_of(message)
    assert "Your answers:" in text and HOSTILE_ANSWER.replace("\r\n", "\n") in text
    assert "<img" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "&lt;b&gt;bold&lt;/b&gt;" in html
    assert message["Bcc"] is None

    [registration] = registrations(app, event)
    page = client.get(f"/registrations/{registration.token}").data.decode()
    assert "<img" not in page and "&lt;img src=x" in page and "&lt;script&gt;" in page
    download = client.get(f"/registrations/{registration.token}/data.json")
    answers = json.loads(download.data)["answers"]
    assert answers == [
        {"question": HOSTILE_LABEL, "answer": HOSTILE_ANSWER.replace("\r\n", "\n")},
        {"question": "Pick", "answer": "<b>bold</b>"},
    ]
    assert download.mimetype == "application/json"


def test_confirmation_email_lists_the_answers(
    smtp_server, app, client, inbox, make_event, make_question
):
    event = make_event()
    ids = every_kind(make_question, event)
    register_through_form(client, event.slug, **good_answers(ids))
    [message] = inbox.deliver()
    text = text_of(message)
    for label, answer in [
        ("Your sector", "Energy"), ("Topics", "Funding, Skills"),
        ("Is this your first talk of ours?", "No"), ("I agree to be recorded", "Agreed"),
        ("Country of the cluster", "France"), ("Founded on", "1 March 2015"),
    ]:
        assert f"{label}\n{answer}\n" in text
    assert "<dt>Topics</dt>" in html_of(message)


def answered_registration(app, client, make_event, make_question, **event_fields):
    event = make_event(**event_fields)
    sector = make_question(event, "single_choice", "Your sector", ("Health", "Energy"),
                           required=True)
    note = make_question(event, "short_text", "A note")
    register_through_form(client, event.slug, **{
        f"q_{sector['id']}": str(sector["options"][0]), f"q_{note['id']}": "First note",
    })
    [registration] = registrations(app, event)
    return event, registration, sector, note


def test_a_person_changes_their_answers_while_registration_is_open(
    app, client, make_event, make_question
):
    _event, registration, sector, note = answered_registration(
        app, client, make_event, make_question
    )
    page = client.get(f"/registrations/{registration.token}").data.decode()
    assert "<dt>Your sector</dt>" in page and "<dd>Health</dd>" in page
    assert f"/registrations/{registration.token}/answers" in page
    form = client.get(f"/registrations/{registration.token}/answers").data.decode()
    # The stored answers fill the form.
    assert re.search(rf'checked id="q_{sector["id"]}-0"', form)
    assert 'value="First note"' in form
    path = f"/registrations/{registration.token}/answers"
    bad = client.post(path, data={"csrf_token": csrf_token(form), f"q_{sector['id']}": "77"})
    assert field_error(bad.data.decode(), f"q_{sector['id']}") == (
        "Please choose one of the options offered."
    )
    without_token = client.post(path, data={f"q_{sector['id']}": str(sector["options"][1])})
    assert without_token.status_code == 400
    response = client.post(path, data={
        "csrf_token": csrf_token(form), f"q_{sector['id']}": str(sector["options"][1]),
    })
    assert response.status_code == 303
    assert [row.value for row in stored_rows(app, Answer)] == ["Energy"]
    page = client.get(response.headers["Location"]).data.decode()
    assert "Your answers are saved." in page and "<dd>Energy</dd>" in page
    assert "First note" not in page


def test_answers_cannot_change_once_registration_has_closed(
    app, client, make_event, make_question
):
    event, registration, sector, _note = answered_registration(
        app, client, make_event, make_question
    )
    path = f"/registrations/{registration.token}/answers"
    form = client.get(path).data.decode()
    with app.app_context():
        from webinar.extensions import db
        from webinar.models import Event

        db.session.get(Event, event.id).registration_closes_at = in_days(-1)
        db.session.commit()
    page = client.get(f"/registrations/{registration.token}").data.decode()
    assert "your answers can no longer be changed" in page
    assert f'href="{path}"' not in page
    response = client.post(path, data={
        "csrf_token": csrf_token(form), f"q_{sector['id']}": str(sector["options"][1]),
    })
    assert response.status_code == 409
    assert "your answers can no longer be changed" in response.data.decode()
    assert sorted(row.value for row in stored_rows(app, Answer)) == ["First note", "Health"]


def test_erasing_a_registration_deletes_its_answers(app, client, make_event, make_question):
    _event, registration, _sector, _note = answered_registration(
        app, client, make_event, make_question
    )
    page = client.get(f"/registrations/{registration.token}/delete").data.decode()
    client.post(f"/registrations/{registration.token}/delete",
                data={"csrf_token": csrf_token(page)})
    assert stored_rows(app, Answer) == []
    page = client.get(f"/registrations/{registration.token}").data.decode()
    assert "Health" not in page


def test_retention_purge_deletes_answers(app, client, make_event, make_question, clock):
    from webinar.privacy import purge

    _event, registration, _sector, _note = answered_registration(
        app, client, make_event, make_question
    )
    with app.app_context():
        purge(now=in_days(14 + app.config["RETENTION_DAYS"] + 2))
    assert stored_rows(app, Answer) == []


def test_a_question_added_later_is_on_the_form_at_once(client, make_event, make_question):
    event = make_event()
    assert "Your sector" not in client.get(f"/events/{event.slug}").data.decode()
    client.get(f"/events/{event.slug}/register")
    make_question(event, "yes_no", "Your sector, please")
    assert "Your sector, please" in client.get(f"/events/{event.slug}/register").data.decode()


def test_a_cancelled_registration_shows_its_answers_but_cannot_change_them(
    app, client, make_event, make_question
):
    _event, registration, _sector, _note = answered_registration(
        app, client, make_event, make_question
    )
    page = client.get(f"/registrations/{registration.token}/cancel").data.decode()
    client.post(f"/registrations/{registration.token}/cancel",
                data={"csrf_token": csrf_token(page)})
    page = client.get(f"/registrations/{registration.token}").data.decode()
    assert "<dd>Health</dd>" in page
    assert f"/registrations/{registration.token}/answers\"" not in page
    assert "Your registration is cancelled, so your answers can no longer be changed." in page


def test_the_organisers_erase_deletes_the_answers(
    app, client, owner_client, owned_event, make_question
):
    question = make_question(owned_event, "short_text", "Your cluster")
    register_through_form(client, owned_event.slug, **{f"q_{question['id']}": "Green Valley"})
    [ada] = registrations(app, owned_event)
    assert [row.value for row in stored_rows(app, Answer)] == ["Green Valley"]
    url = f"/organiser/events/{owned_event.id}/attendees/{ada.id}/erase"
    confirm = owner_client.get(url)
    owner_client.post(url, data={"csrf_token": csrf_token(confirm.text), "confirm": "yes"})
    assert stored_rows(app, Answer) == []


def test_a_sensitive_question_is_asked_like_any_other(app, client, make_event, make_question):
    event = make_event()
    question = make_question(event, "single_choice", "Your health needs", ("None", "Step-free"),
                             sensitive=True, required=True)
    html = client.get(f"/events/{event.slug}/register").data.decode()
    assert "<legend>Your health needs</legend>" in html
    response = register_through_form(
        client, event.slug, **{f"q_{question['id']}": str(question["options"][1])}
    )
    assert response.status_code == 303
    assert [row.value for row in stored_rows(app, Answer)] == ["Step-free"]


@pytest.mark.slow
def test_every_answer_survives_hostile_input(
    smtp_server, app, client, inbox, make_event, make_question
):
    from test_hostile_input import FIELD_VALUES, NASTY
    from test_xss import PAYLOADS, check_response

    event = make_event()
    ids = every_kind(make_question, event, conditional=True)
    ids["long"] = make_question(event, "long_text", PAYLOADS[0] + "\r\nBcc: x@evil.example")
    valid = dict(good_answers(ids), **{f"q_{ids['earlier']['id']}": "The one on space"})
    for number, payload in enumerate(PAYLOADS):
        response = register_through_form(client, event.slug, email=f"p{number}@example.org",
                                         **dict(valid, **{f"q_{ids['long']['id']}": payload}))
        assert response.status_code == 303, payload
    messages = inbox.deliver()
    assert len(messages) == len(PAYLOADS)
    for message in messages:
        assert "<script" not in html_of(message) and "<img" not in html_of(message)
        assert message["Bcc"] is None and message["X-INJECTED"] is None

    token = registrations(app, event)[0].token
    path = f"/registrations/{token}/answers"
    token_value = csrf_token(client.get(path).data)
    for name in valid:
        for value in [*NASTY, *FIELD_VALUES, *PAYLOADS, ["1", "2", "x"]]:
            response = client.post(path, data=dict(valid, csrf_token=token_value, **{name: value}))
            assert response.status_code in (200, 303), (name, value)
            if response.status_code == 200:
                assert 'class="field-error"' in response.data.decode(), (name, value)
            check_response(path, response)
    for page in (f"/registrations/{token}", path):
        check_response(page, client.get(page))
    json.loads(client.get(f"/registrations/{token}/data.json").data)
