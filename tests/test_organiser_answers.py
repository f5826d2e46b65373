"""Answers in the attendee list: question columns, and filters by answer.

The filters are checked together with the search, the status filter, the sort and the pages.
"""

import re
from html import unescape
from html.parser import HTMLParser

import pytest
from sqlalchemy import event as sa_event

from webinar.extensions import db
from webinar.models import Question, QuestionOption


class Table(HTMLParser):
    """The attendee table as text: its column titles and one list of cells per person."""

    def __init__(self):
        super().__init__()
        self.inside = False
        self.heads: list[str] = []
        self.rows: list[list[str]] = []
        self.cell: list[str] | None = None
        self.section = ""

    def handle_starttag(self, tag, attrs):
        if tag == "table" and ("class", "attendee-table") in attrs:
            self.inside = True
        if not self.inside:
            return
        if tag in ("thead", "tbody"):
            self.section = tag
        elif tag == "tr" and self.section == "tbody":
            self.rows.append([])
        elif tag in ("th", "td"):
            self.cell = []

    def handle_endtag(self, tag):
        if tag == "table":
            self.inside = False
        if self.inside and tag in ("th", "td") and self.cell is not None:
            text = " ".join("".join(self.cell).split())
            (self.heads if self.section == "thead" else self.rows[-1]).append(text)
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)


def table(page: str) -> Table:
    parsed = Table()
    parsed.feed(page)
    return parsed


def column(page: str, title: str) -> dict[str, str]:
    """Return {person's name: cell} of one column of the attendee table."""
    parsed = table(page)
    index = parsed.heads.index(title)
    return {row[0]: row[index] for row in parsed.rows}


def names(page: str) -> list[str]:
    return [row[0] for row in table(page).rows]


@pytest.fixture
def survey(owned_event, make_question, make_answer, person):
    """A talk with a single choice, a multiple choice, a yes/no, a text and a sensitive question."""
    event = owned_event
    cluster = make_question(event, "single_choice", "Your cluster",
                            options=("Energy", "Health", "Digital"))  # fmt: skip
    topics = make_question(event, "multiple_choice", "Topics", options=("AI", "Funding", "Policy"))
    recorded = make_question(event, "yes_no", "May we record you?")
    remarks = make_question(event, "long_text", "Questions for the speakers")
    health = make_question(event, "short_text", "Dietary needs", sensitive=True)
    people = {
        "Ada": (0, [0, 1], "yes", "How big?", "Vegan"),
        "Bob": (1, [1], "no", "", ""),
        "Cem": (0, [2], "yes", "", "None"),
        "Dee": (2, [], "no", "Why now?", ""),
        "Eve": (1, [0, 2], "yes", "", ""),
    }
    ids = {}
    for name, (option, ticked, yes_no, remark, diet) in people.items():
        ids[name] = rid = person(event, name)
        make_answer(rid, cluster["id"], option_id=cluster["options"][option])
        for number in ticked:
            make_answer(rid, topics["id"], option_id=topics["options"][number])
        make_answer(rid, recorded["id"], value=yes_no)
        if remark:
            make_answer(rid, remarks["id"], value=remark)
        if diet:
            make_answer(rid, health["id"], value=diet)
    return {"event": event, "ids": ids, "cluster": cluster, "topics": topics,
            "recorded": recorded, "remarks": remarks, "health": health}  # fmt: skip


def attendees(client, event, query: str = "") -> str:
    response = client.get(f"/organiser/events/{event.id}/attendees{query}")
    assert response.status_code == 200
    return response.text


def test_every_question_but_the_sensitive_one_is_a_column_by_default(owner_client, survey):
    page = attendees(owner_client, survey["event"])
    heads = table(page).heads
    assert {"Your cluster", "Topics", "May we record you?",
            "Questions for the speakers"} <= set(heads)  # fmt: skip
    assert not [head for head in heads if head.startswith("Dietary needs")]
    assert "Vegan" not in page
    # Offered as a column all the same, unticked and marked.
    health = survey["health"]["id"]
    assert re.search(rf'name="col" value="{health}">\s*Dietary needs <span class="badge">sensitive',
                     page)  # fmt: skip
    assert column(page, "Your cluster") == {"Ada Tester": "Energy", "Bob Tester": "Health",
                                            "Cem Tester": "Energy", "Dee Tester": "Digital",
                                            "Eve Tester": "Health"}  # fmt: skip
    assert column(page, "Topics")["Ada Tester"] == "AI, Funding"
    assert column(page, "May we record you?")["Dee Tester"] == "No"


def test_yes_and_no_answers_read_in_the_organiser_language(owner_client, survey):
    owner_client.set_cookie("lang", "fr")
    answers = column(attendees(owner_client, survey["event"]), "May we record you?")
    assert answers["Dee Tester"] == "Non" and "Oui" in answers.values()
    assert not {"Yes", "No"} & set(answers.values())


def test_the_organiser_chooses_the_columns(owner_client, survey):
    event, health, topics = survey["event"], survey["health"]["id"], survey["topics"]["id"]
    page = attendees(owner_client, event, f"?cols=1&col={health}&col={topics}")
    heads = table(page).heads
    assert "Dietary needs sensitive" in heads and "Topics" in heads
    assert "Your cluster" not in heads
    assert column(page, "Dietary needs sensitive")["Ada Tester"] == "Vegan"
    # No box ticked: no question column at all.
    page = attendees(owner_client, event, "?cols=1")
    assert table(page).heads[-2:] == ["Marketing consent", "Actions"]


def test_answers_of_a_removed_question_and_option_keep_their_text(app, owner_client, survey):
    event = survey["event"]
    with app.app_context():
        db.session.delete(db.session.get(QuestionOption, survey["cluster"]["options"][2]))
        db.session.delete(db.session.get(Question, survey["remarks"]["id"]))
        db.session.commit()
    page = attendees(owner_client, event)
    assert column(page, "Your cluster")["Dee Tester"] == "Digital"
    assert "Questions for the speakers" not in table(page).heads
    page = attendees(owner_client, event, "?cols=1&col=removed")
    assert column(page, "Removed questions")["Dee Tester"] == "Questions for the speakers: Why now?"


def test_the_page_reads_its_answers_in_one_query(app, owner_client, survey, person, make_answer):
    event = survey["event"]
    for number in range(30):
        make_answer(person(event, f"Extra{number}"), survey["topics"]["id"],
                    option_id=survey["topics"]["options"][0])  # fmt: skip
    statements = []

    def count(conn, cursor, statement, *args):
        if "FROM answer" in statement:
            statements.append(statement)

    with app.app_context():
        engine = db.engine
    sa_event.listen(engine, "before_cursor_execute", count)
    try:
        attendees(owner_client, event)
    finally:
        sa_event.remove(engine, "before_cursor_execute", count)
    assert len(statements) == 1


def filtered(client, survey, query: str) -> list[str]:
    return sorted(names(attendees(client, survey["event"], query)))


def test_one_option_finds_the_people_who_chose_it(owner_client, survey):
    cluster = survey["cluster"]
    query = f"?a{cluster['id']}={cluster['options'][0]}"
    assert filtered(owner_client, survey, query) == ["Ada Tester", "Cem Tester"]


def test_several_options_find_people_with_any_of_them(owner_client, survey):
    topics = survey["topics"]
    query = f"?a{topics['id']}={topics['options'][0]}&a{topics['id']}={topics['options'][2]}"
    assert filtered(owner_client, survey, query) == ["Ada Tester", "Cem Tester", "Eve Tester"]


def test_yes_or_no(owner_client, survey):
    recorded = survey["recorded"]["id"]
    assert filtered(owner_client, survey, f"?a{recorded}=no") == ["Bob Tester", "Dee Tester"]
    assert len(filtered(owner_client, survey, f"?a{recorded}=no&a{recorded}=yes")) == 5


def test_answered_and_not_answered(owner_client, survey):
    remarks = survey["remarks"]["id"]
    assert filtered(owner_client, survey, f"?a{remarks}=answered") == ["Ada Tester", "Dee Tester"]
    assert filtered(owner_client, survey, f"?a{remarks}=unanswered") == [
        "Bob Tester", "Cem Tester", "Eve Tester"]  # fmt: skip


def test_two_filters_must_both_hold(owner_client, survey):
    cluster, recorded = survey["cluster"], survey["recorded"]["id"]
    query = f"?a{cluster['id']}={cluster['options'][1]}&a{recorded}=yes"
    assert filtered(owner_client, survey, query) == ["Eve Tester"]


def test_filters_work_with_search_status_sort_and_pages(owner_client, survey, person, make_answer):
    event, recorded = survey["event"], survey["recorded"]["id"]
    for number in range(90):
        rid = person(event, f"Zed{number:02}", status="waitlisted" if number % 2 else "confirmed")
        make_answer(rid, recorded, value="yes" if number % 3 else "no")
    query = f"?a{recorded}=yes&q=zed&status=waitlisted&sort=name&order=asc"
    assert names(attendees(owner_client, event, query)) == [
        f"Zed{n:02} Tester" for n in range(90) if n % 2 and n % 3]
    said_yes = [f"Zed{n:02} Tester" for n in range(90) if n % 3]
    query = f"?a{recorded}=yes&q=zed&sort=name&order=desc"
    first = attendees(owner_client, event, query)
    assert "60 people found" in first
    assert names(first) == said_yes[::-1][:50]
    # The page links keep the filter, and the second page holds the rest.
    links = re.search(r'<nav class="pagination".*?</nav>', first, re.S).group(0)
    second = unescape(re.search(r'href="([^"]+)" rel="next"', links).group(1))
    assert f"a{recorded}=yes" in second and "q=zed" in second
    assert names(owner_client.get(second).text) == said_yes[::-1][50:]


def test_two_answers_and_a_search_find_exactly_the_people_who_meet_all_three(
    owner_client, survey, person, make_answer
):
    """Two options of one question, "yes" to another and a search, over two pages, both orders."""
    event, cluster, recorded = survey["event"], survey["cluster"], survey["recorded"]["id"]
    energy, health, digital = cluster["options"]
    kept = []
    for number in range(250):
        name = f"{'Zed' if number % 2 else 'Amy'}{number:03}"
        rid = person(event, name)
        option = (energy, health, digital)[number % 3]
        make_answer(rid, cluster["id"], option_id=option)
        if number % 5:
            make_answer(rid, recorded, value="no" if number % 7 == 0 else "yes")
        if number % 2 and option != digital and number % 5 and number % 7:
            kept.append(f"{name} Tester")
    assert len(kept) > 50
    query = f"?a{cluster['id']}={energy}&a{cluster['id']}={health}&a{recorded}=yes&q=zed"
    for order, expected in (("asc", kept), ("desc", kept[::-1])):
        first = attendees(owner_client, event, f"{query}&sort=name&order={order}")
        assert f"{len(kept)} people found" in first
        assert names(first) == expected[:50]
        links = re.search(r'<nav class="pagination".*?</nav>', first, re.S).group(0)
        second = owner_client.get(unescape(re.search(r'href="([^"]+)" rel="next"', links).group(1)))
        assert names(second.text) == expected[50:]
    # By time, newest first, as the list opens.
    assert names(attendees(owner_client, event, query)) == kept[::-1][:50]


def test_the_list_says_what_it_is_filtered_by_and_clears_it(owner_client, survey):
    event, cluster, recorded = survey["event"], survey["cluster"], survey["recorded"]["id"]
    energy, health = cluster["options"][:2]
    query = f"?a{cluster['id']}={energy}&a{cluster['id']}={health}&a{recorded}=yes&q=e"
    page = attendees(owner_client, event, query)
    said = " ".join(unescape(re.sub(r"<[^>]+>", " ", re.search(
        r'<div class="active-filters">(.*?)</div>', page, re.S).group(1))).split())
    assert "Your cluster: Energy or Health" in said
    assert "May we record you?: Yes" in said
    clear = unescape(re.search(r'<a href="([^"]+)">Clear the answer filters', page).group(1))
    assert clear == f"/organiser/events/{event.id}/attendees?q=e"
    # The filter boxes stay ticked.
    assert f'value="{cluster["options"][1]}" checked' in page


def test_filters_naming_nothing_of_the_talk_are_ignored(
    owner_client, survey, make_event, owner, make_question
):
    other = make_question(make_event(owner_id=owner), "single_choice", "Else", options=("X",))
    cluster = survey["cluster"]
    elsewhere = other["options"][0]
    for query in (f"?a{other['id']}={elsewhere}", f"?a{cluster['id']}={elsewhere}",
                  f"?a{cluster['id']}=abc", "?a99999999=1", f"?a{survey['recorded']['id']}=maybe",
                  "?a1=" + "9" * 30):  # fmt: skip
        assert len(filtered(owner_client, survey, query)) == 5


def test_an_xss_label_and_answer_are_escaped(
    owner_client, owned_event, make_question, make_answer, person
):
    hostile = '<script>alert(1)</script>"><img src=x onerror=alert(2)>'
    question = make_question(owned_event, "single_choice", hostile, options=(hostile,))
    make_answer(person(owned_event, "Ada"), question["id"], option_id=question["options"][0])
    page = attendees(owner_client, owned_event, f"?a{question['id']}={question['options'][0]}")
    assert "<script>alert(1)" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_a_viewer_sees_the_answers_and_filters(survey, signed_in, make_organiser, app):
    from webinar.models import EventRole

    viewer = make_organiser("viewer@example.org")
    with app.app_context():
        db.session.add(EventRole(event_id=survey["event"].id, organiser_id=viewer, role="viewer"))
        db.session.commit()
    client = signed_in("viewer@example.org")
    cluster = survey["cluster"]
    page = attendees(client, survey["event"], f"?a{cluster['id']}={cluster['options'][0]}")
    assert column(page, "Your cluster") == {"Ada Tester": "Energy", "Cem Tester": "Energy"}


def test_hostile_answer_parameters_never_fail(owner_client, survey):
    from test_hostile_queries import QUERY_VALUES

    event, cluster = survey["event"], survey["cluster"]["id"]
    base = f"/organiser/events/{event.id}/attendees"
    for value in QUERY_VALUES:
        for name in (f"a{cluster}", f"a{survey['remarks']['id']}", "a1", "col", "cols"):
            for path in (base, base + ".csv"):
                response = owner_client.get(path, query_string=[
                    (name, value), (name, value), ("cols", "1"), ("sensitive", value),
                    ("per_option", value), ("status", "active")])  # fmt: skip
                response.get_data()  # the export streams: read it to its end
                response.close()
                assert response.status_code < 500, (path, name, value)
