"""A talk's own questions in a real browser: with JavaScript, without it, with the keyboard."""

import pytest
from playwright.sync_api import expect
from support.browser import tab_to
from support.forms import register_through_form
from support.mail import text_of
from support.question_kinds import every_kind
from support.stored import registrations, stored_rows

from webinar.models import Answer

pytestmark = [pytest.mark.browser, pytest.mark.slow]

EARLIER = "Which of our talks did you attend?"


def fill_fixed_fields(tab, email: str) -> None:
    tab.get_by_label("First name").fill("Ada")
    tab.get_by_label("Last name").fill("Lovelace")
    tab.get_by_label("Email address").fill(email)
    tab.get_by_label("Organisation").fill("Analytical Engines")
    tab.get_by_label("Country", exact=True).select_option("BE")
    tab.get_by_label("I have read the privacy notice").check()


def fill_questions(tab) -> None:
    tab.get_by_label("Your cluster").fill("Green Valley")
    tab.get_by_label("Questions for the speakers").fill("How is it <funded>?")
    tab.get_by_role("group", name="Your sector").get_by_label("Energy").check()
    topics = tab.get_by_role("group", name="Topics")
    topics.get_by_label("Funding").check()
    topics.get_by_label("Data").check()
    tab.get_by_label("I agree to be recorded").check()
    tab.get_by_label("Members").fill("42")
    tab.get_by_label("Founded on").fill("2015-03-01")
    tab.get_by_label("Country of the cluster").select_option("FR")
    tab.get_by_label("Cluster website").fill("https://green.example")


def stored_answers(app, event) -> dict[str, list[str]]:
    [registration] = registrations(app, event)
    answers: dict[str, list[str]] = {}
    for row in stored_rows(app, Answer, registration_id=registration.id):
        answers.setdefault(row.question_label, []).append(row.value)
    return answers


def test_the_dependent_question_appears_with_the_answer_it_needs(
    inbox, page, app, make_event, make_question
):
    event = make_event(title="Clusters and skills")
    every_kind(make_question, event, conditional=True)
    page.goto(f"/events/{event.slug}/register")
    earlier = page.get_by_label(EARLIER)
    expect(earlier).to_be_hidden()
    fill_fixed_fields(page, "js@example.org")
    fill_questions(page)
    first_talk = page.get_by_role("group", name="Is this your first talk of ours?")
    first_talk.get_by_label("No").check()
    expect(earlier).to_be_visible()
    first_talk.get_by_label("Yes").check()
    expect(earlier).to_be_hidden()
    first_talk.get_by_label("No").check()
    earlier.fill("The one on space")
    page.get_by_role("button", name="Register").click()
    expect(page.get_by_role("heading", name="Registration received")).to_be_visible()

    answers = stored_answers(app, event)
    assert answers["Topics"] == ["Funding", "Data"]
    assert answers[EARLIER] == ["The one on space"]
    [message] = inbox.deliver()
    assert "Questions for the speakers\nHow is it <funded>?\n" in text_of(message)
    assert "Topics\nFunding, Data\n" in text_of(message)


def test_without_javascript_every_question_shows_and_a_dependent_one_can_be_skipped(
    new_tab, app, make_event, make_question
):
    event = make_event(title="Clusters and data")
    every_kind(make_question, event, conditional=True)
    tab = new_tab(javascript=False)
    tab.goto(f"/events/{event.slug}/register")
    expect(tab.get_by_label(EARLIER)).to_be_visible()
    expect(tab.get_by_text("Only if you answered “No” to “Is this your first talk")).to_be_visible()
    fill_fixed_fields(tab, "nojs@example.org")
    fill_questions(tab)
    tab.get_by_role("group", name="Is this your first talk of ours?").get_by_label("Yes").check()
    # Typed, then the person sees the line saying it was not for them: it is not kept.
    tab.get_by_label(EARLIER).fill("Typed anyway")
    tab.get_by_label("Members").fill("900")
    tab.get_by_role("button", name="Register").click()
    expect(tab.locator(".form-errors")).to_contain_text("Please enter a number from 1 to 500.")
    expect(tab.get_by_label("Your cluster")).to_have_value("Green Valley")
    tab.get_by_label("Members").fill("12")
    tab.get_by_role("button", name="Register").click()
    expect(tab.get_by_role("heading", name="Registration received")).to_be_visible()
    answers = stored_answers(app, event)
    assert EARLIER not in answers
    assert answers["Members"] == ["12"]
    assert answers["Is this your first talk of ours?"] == ["yes"]


def test_the_questions_can_be_answered_with_the_keyboard_alone(
    page, app, make_event, make_question
):
    event = make_event()
    sector = make_question(event, "single_choice", "Your sector", ("Health", "Energy"),
                           required=True)
    make_question(event, "multiple_choice", "Topics", ("Funding", "Skills"), required=True)
    make_question(event, "short_text", "Which skills?", required=True,
                  shown_if_id=sector["id"], shown_if_answers=[str(sector["options"][1])])
    page.goto(f"/events/{event.slug}/register")
    fill_fixed_fields(page, "keys@example.org")
    tab_to(page, page.get_by_label("Health"))
    page.keyboard.press("ArrowDown")  # the next radio button of the group: Energy
    assert page.get_by_label("Energy").is_checked()
    tab_to(page, page.get_by_label("Skills", exact=True))
    page.keyboard.press("Space")
    tab_to(page, page.get_by_label("Which skills?"))
    page.keyboard.type("Welding")
    tab_to(page, page.get_by_role("button", name="Register"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Registration received")).to_be_visible()
    assert stored_answers(app, event) == {
        "Your sector": ["Energy"], "Topics": ["Skills"], "Which skills?": ["Welding"],
    }


def test_a_person_changes_an_answer_from_their_personal_page(
    page, app, client, make_event, make_question
):
    event = make_event()
    sector = make_question(event, "single_choice", "Your sector", ("Health", "Energy"),
                           required=True)
    make_question(event, "short_text", "Which grid?", required=True,
                  shown_if_id=sector["id"], shown_if_answers=[str(sector["options"][1])])
    register_through_form(client, event.slug, **{f"q_{sector['id']}": str(sector["options"][0])})
    [registration] = registrations(app, event)
    page.goto(f"/registrations/{registration.token}")
    page.get_by_role("link", name="Change my answers").click()
    expect(page.get_by_label("Health")).to_be_checked()
    expect(page.get_by_label("Which grid?")).to_be_hidden()
    page.get_by_label("Energy").check()
    page.get_by_label("Which grid?").fill("North Sea")
    page.get_by_role("button", name="Save my answers").click()
    expect(page.get_by_text("Your answers are saved.")).to_be_visible()
    expect(page.locator("#answers")).to_contain_text("North Sea")
    assert stored_answers(app, event) == {"Your sector": ["Energy"], "Which grid?": ["North Sea"]}
