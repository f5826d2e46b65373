"""How people answered, on the figures page: counts per option as bars and a table.

Each bar and row links to the attendee list of exactly the people it counts.
"""

import re
import secrets
from html import unescape

import pytest
from support.factories import registration_row, stored

from webinar.extensions import db
from webinar.models import Answer, QuestionOption, Registration


@pytest.fixture
def person(app, owned_event):
    def make(first: str, status: str = "confirmed") -> int:
        email = f"{first.lower()}-{secrets.token_hex(3)}@example.org"
        row = registration_row(owned_event.id, first_name=first, last_name="Tester",
                               email=email, status=status)  # fmt: skip
        return stored(app, row).id

    return make


@pytest.fixture
def answered(owned_event, make_question, make_answer, person):
    """A multiple-choice and a yes/no question, answered by people of every status."""
    topics = make_question(owned_event, "multiple_choice", "Topics",
                           options=("AI", "Funding", "Policy"))  # fmt: skip
    record = make_question(owned_event, "yes_no", "Record?")
    make_question(owned_event, "long_text", "Remarks")
    people = [("Ada", "confirmed", [0, 1], "yes"), ("Bob", "waitlisted", [1], "no"),
              ("Cem", "confirmed", [1, 2], "yes"), ("Dan", "cancelled", [0, 1], "yes"),
              ("Eve", "confirmed", [], "no")]  # fmt: skip
    for name, status, ticked, yes_no in people:
        rid = person(name, status)
        for number in ticked:
            make_answer(rid, topics["id"], option_id=topics["options"][number])
        make_answer(rid, record["id"], value=yes_no)
    return {"topics": topics, "record": record}


def overview(client, event) -> str:
    response = client.get(f"/organiser/events/{event.id}")
    assert response.status_code == 200
    return response.text


def chart_rows(page: str, label: str) -> list[tuple[str, int, str | None]]:
    """Return (answer, people, link) of the table under a question's chart."""
    table = re.search(r"<caption[^>]*>Answers to " + re.escape(label) + r"</caption>(.*?)</table>",
                      page, re.S).group(1)  # fmt: skip
    rows = []
    for head, count in re.findall(r'<th scope="row">(.*?)</th>\s*<td>(\d+)</td>', table, re.S):
        link = re.search(r'href="([^"]+)"', head)
        rows.append((unescape(re.sub(r"<[^>]+>", "", head)), int(count),
                     unescape(link.group(1)) if link else None))  # fmt: skip
    return rows


def active_counts(app, question_id: int) -> dict[str, int]:
    """Count in the database the active people who gave each answer."""
    with app.app_context():
        rows = db.session.execute(
            db.select(Answer.value, db.func.count())
            .join(Registration, Registration.id == Answer.registration_id)
            .where(Answer.question_id == question_id,
                   Registration.status.in_(("confirmed", "waitlisted")))
            .group_by(Answer.value)
        )  # fmt: skip
        return dict(rows.all())


def listed(client, url: str) -> list[str]:
    page = client.get(url).text
    return sorted(re.findall(r'<th scope="row">(\w+) Tester</th>', page))


def test_bars_count_the_active_people_and_lead_to_exactly_them(app, owner_client, owned_event,
                                                                answered):  # fmt: skip
    page = overview(owner_client, owned_event)
    rows = chart_rows(page, "Topics")
    assert [(text, count) for text, count, _ in rows] == [("AI", 1), ("Funding", 3), ("Policy", 1)]
    database = active_counts(app, answered["topics"]["id"])
    assert {text: count for text, count, _ in rows} == database
    for text, count, link in rows:
        people = listed(owner_client, link)
        assert len(people) == count, text
    assert listed(owner_client, rows[1][2]) == ["Ada", "Bob", "Cem"]
    record = chart_rows(page, "Record?")
    assert [(text, count) for text, count, _ in record] == [("Yes", 2), ("No", 2)]
    assert listed(owner_client, record[1][2]) == ["Bob", "Eve"]
    # The text question has no chart.
    assert "Answers to Remarks" not in page


def test_each_bar_is_drawn_with_its_link(owner_client, owned_event, answered):
    page = overview(owner_client, owned_event)
    key = f'aria-labelledby="answers-{answered["topics"]["id"]}-title'
    svg = re.search(r"<svg[^>]*" + key + r"[^>]*>(.*?)</svg>", page, re.S)
    assert 'role="group"' in svg.group(0)
    assert 'aria-label="Funding: 3 people. Show them in the attendee list"' in svg.group(1)
    bar = r'<rect class="chart-bar" x="0" y="[\d.]+" width="([\d.]+)"'
    widths = [float(width) for width in re.findall(bar, svg.group(1))]
    # Funding (3) is the longest bar; AI and Policy (1 each) a third of it.
    assert widths[1] == max(widths) and widths[0] == widths[2] == pytest.approx(widths[1] / 3, 0.01)
    links = [unescape(link) for link in re.findall(r'<a href="([^"]+)"', svg.group(1))]
    assert links == [link for _, _, link in chart_rows(page, "Topics")]


def test_a_removed_option_shows_under_its_text_without_a_link(app, owner_client, owned_event,
                                                              answered):  # fmt: skip
    with app.app_context():
        db.session.delete(db.session.get(QuestionOption, answered["topics"]["options"][2]))
        db.session.commit()
    rows = chart_rows(overview(owner_client, owned_event), "Topics")
    assert rows[-1] == ("Policy (removed option)", 1, None)
    assert [text for text, _, _ in rows[:2]] == ["AI", "Funding"]


def test_labels_and_options_are_escaped(owner_client, owned_event, make_question, make_answer,
                                        person):  # fmt: skip
    hostile = '<script>alert(1)</script>"><svg onload=alert(2)>'
    question = make_question(owned_event, "single_choice", hostile, options=(hostile,))
    make_answer(person("Ada"), question["id"], option_id=question["options"][0])
    page = overview(owner_client, owned_event)
    assert "<script>alert(1)" not in page and "<svg onload" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_no_choice_question_no_section(owner_client, owned_event, make_question):
    make_question(owned_event, "short_text", "Remarks")
    assert "How people answered" not in overview(owner_client, owned_event)
