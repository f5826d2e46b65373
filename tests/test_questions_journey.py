"""The whole way of registration questions, in a real browser: an organiser builds the
form on the Questions page, two people register (one without JavaScript), and their
answers come back in the attendee list, the CSV export and their confirmation emails."""

import csv
import io

import pytest
from playwright.sync_api import expect
from support.mail import text_of

pytestmark = [pytest.mark.browser, pytest.mark.slow]

DEPENDENT = "Which skills does your team lack?"
# (type, question, options, required): one question of every kind, in form order.
QUESTIONS = [
    ("Short text", "Your cluster", "", True),
    ("Long text", "Questions for the speakers", "", False),
    ("Single choice", "Your sector", "Health\nEnergy", True),
    ("Multiple choice", "Topics", "Funding\nSkills\nData", True),
    ("Yes or no", "Is this your first talk of ours?", "", True),
    ("“I agree” statement", "I agree to be recorded", "", True),
    ("Number", "Members", "", True),
    ("Date", "Founded on", "", True),
    ("Country", "Country of the cluster", "", True),
    ("Web address", "Cluster website", "", True),
]
# What each person answers, as the list and the export then read it; the email names
# the country in full.
COUNTRIES = {"FR": "France", "BE": "Belgium"}
ADA = {
    "Your cluster": "Green Valley",
    "Questions for the speakers": "How is it <funded>?",
    "Your sector": "Energy",
    "Topics": "Funding, Data",
    "Is this your first talk of ours?": "No",
    "I agree to be recorded": "Agreed",
    "Members": "42",
    "Country of the cluster": "FR",
    "Cluster website": "https://green.example",
    DEPENDENT: "Grid maintenance",
}
BOB = {
    "Your cluster": "Blue Coast",
    "Your sector": "Health",
    "Topics": "Skills",
    "Is this your first talk of ours?": "Yes",
    "I agree to be recorded": "Agreed",
    "Members": "7",
    "Country of the cluster": "BE",
    "Cluster website": "https://blue.example",
}


def add_question(tab, kind: str, label: str, options: str = "", required: bool = False,
                 shown_when: tuple[str, str] | None = None) -> None:  # fmt: skip
    """Add a question through the Questions page's form."""
    form = tab.locator("form", has=tab.get_by_role("button", name="Add the question"))
    form.get_by_label("Type").select_option(label=kind)
    form.get_by_label("Question", exact=True).fill(label)
    if options:
        form.get_by_label("Options, one per line").fill(options)
    if required:
        form.get_by_label("People must answer it").check()
    if shown_when:
        source, answer = shown_when
        form.get_by_label("Show this question").select_option(label=f"When “{source}” is answered")
        form.get_by_role("group", name=f"Answers to “{source}”").get_by_label(answer).check()
    form.get_by_role("button", name="Add the question").click()
    expect(tab.get_by_text(f"“{label}” is added.")).to_be_visible()


def register(tab, slug: str, first_name: str, email: str, answers: dict) -> None:
    """Fill in the registration form, questions and all, and send it."""
    tab.goto(f"/events/{slug}/register")
    tab.get_by_label("First name").fill(first_name)
    tab.get_by_label("Last name").fill("Tester")
    tab.get_by_label("Email address").fill(email)
    tab.get_by_label("Organisation").fill("Clusters United")
    tab.get_by_label("Country", exact=True).select_option("BE")
    tab.get_by_label("I have read the privacy notice").check()
    tab.get_by_label("Your cluster").fill(answers["Your cluster"])
    if "Questions for the speakers" in answers:
        tab.get_by_label("Questions for the speakers").fill(answers["Questions for the speakers"])
    tab.get_by_role("group", name="Your sector").get_by_label(answers["Your sector"]).check()
    topics = tab.get_by_role("group", name="Topics")
    for topic in answers["Topics"].split(", "):
        topics.get_by_label(topic).check()
    first_talk = tab.get_by_role("group", name="Is this your first talk of ours?")
    first_talk.get_by_label(answers["Is this your first talk of ours?"]).check()
    tab.get_by_label("I agree to be recorded").check()
    tab.get_by_label("Members").fill(answers["Members"])
    tab.get_by_label("Founded on").fill("2015-03-01")
    tab.get_by_label("Country of the cluster").select_option(answers["Country of the cluster"])
    tab.get_by_label("Cluster website").fill(answers["Cluster website"])
    if DEPENDENT in answers:
        tab.get_by_label(DEPENDENT).fill(answers[DEPENDENT])
    tab.get_by_role("button", name="Register").click()
    expect(tab.get_by_role("heading", name="Registration received")).to_be_visible()


def test_an_organiser_builds_the_questions_and_reads_every_answer_back(
    inbox, new_tab, app, organiser, make_event
):
    event = make_event(title="Clusters and skills", status="draft", owner_id=organiser.id)
    olga = new_tab()
    organiser.sign_in(olga)

    # The form, built on the Questions page: every kind, then one shown only to Energy.
    olga.goto(f"/organiser/events/{event.id}/questions")
    for kind, label, options, required in QUESTIONS:
        add_question(olga, kind, label, options, required)
    add_question(olga, "Short text", DEPENDENT, shown_when=("Your sector", "Energy"))
    listed = olga.locator(".question-list > li")
    expect(listed).to_have_count(len(QUESTIONS) + 1)
    expect(listed.last).to_contain_text("Shown: When “Your sector” is answered “Energy”")

    olga.goto(f"/organiser/events/{event.id}")
    olga.get_by_role("button", name="Publish", exact=True).click()
    expect(olga.get_by_text("The talk is published.")).to_be_visible()

    # With JavaScript, the dependent question appears once Energy is chosen.
    ada = new_tab()
    ada.goto(f"/events/{event.slug}/register")
    expect(ada.get_by_label(DEPENDENT)).to_be_hidden()
    ada.get_by_role("group", name="Your sector").get_by_label("Energy").check()
    expect(ada.get_by_label(DEPENDENT)).to_be_visible()
    register(ada, event.slug, "Ada", "ada@example.org", ADA)

    # Without JavaScript every question shows; the dependent one is not for Bob.
    bob = new_tab(javascript=False)
    bob.goto(f"/events/{event.slug}/register")
    expect(bob.get_by_label(DEPENDENT)).to_be_visible()
    register(bob, event.slug, "Bob", "bob@example.org", BOB)

    # The attendee list: a column per question, each person's answers in it.
    olga.goto(f"/organiser/events/{event.id}/attendees")
    table = olga.locator("table.attendee-table")
    headers = table.locator("thead th").all_inner_texts()
    for _, label, _, _ in QUESTIONS:
        assert label in headers
    assert DEPENDENT in headers
    for name, answers in (("Ada Tester", ADA), ("Bob Tester", BOB)):
        row = table.locator("tbody tr", has=olga.get_by_role("rowheader", name=name))
        cells = dict(zip(headers, [name, *row.locator("td").all_inner_texts()], strict=False))
        for label, answer in answers.items():
            assert cells[label] == answer, (name, label)
        assert cells["Founded on"] == "2015-03-01"
    bob_row = table.locator("tbody tr", has=olga.get_by_role("rowheader", name="Bob Tester"))
    bob_cells = dict(zip(headers[1:], bob_row.locator("td").all_inner_texts(), strict=False))
    assert bob_cells[DEPENDENT] == ""

    # The CSV export, downloaded as the organiser does.
    with olga.expect_download() as download:
        olga.get_by_role("link", name="Download these people as CSV").click()
    with open(download.value.path(), encoding="utf-8-sig", newline="") as file:
        rows = {row["Email"]: row for row in csv.DictReader(io.StringIO(file.read()))}
    for email, answers in (("ada@example.org", ADA), ("bob@example.org", BOB)):
        for label, answer in answers.items():
            assert rows[email][label] == answer.replace(", ", "; "), (email, label)
        assert rows[email]["Founded on"] == "2015-03-01"
    assert rows["bob@example.org"][DEPENDENT] == ""

    # The confirmation emails, through a real SMTP server: each with its own answers.
    emails = {message["To"].addresses[0].addr_spec: text_of(message)
              for message in inbox.deliver()}  # fmt: skip
    assert set(emails) == {"ada@example.org", "bob@example.org"}
    for email, answers in (("ada@example.org", ADA), ("bob@example.org", BOB)):
        for label, answer in answers.items():
            answer = COUNTRIES.get(answer, answer)
            assert f"{label}\n{answer}\n" in emails[email], (email, label)
        assert "Founded on\n1 March 2015\n" in emails[email]
    assert DEPENDENT not in emails["bob@example.org"]
    assert "Grid maintenance" not in emails["bob@example.org"]
