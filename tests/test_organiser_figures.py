"""Figures on an event's organiser page: registrations per day, and where people came from."""

import re
import secrets
from datetime import UTC, datetime

from support.factories import registration_row, stored


def add(app, event, created_at: datetime, **fields) -> None:
    fields.setdefault("email", f"{secrets.token_hex(4)}@example.org")
    row = registration_row(event.id, first_name="P", last_name="T", created_at=created_at, **fields)
    stored(app, row)


def overview(client, event) -> str:
    response = client.get(f"/organiser/events/{event.id}")
    assert response.status_code == 200
    return response.text


def chart_table(page: str) -> list[tuple[str, str]]:
    """Return the (day, count) rows of the table behind the chart."""
    details = page[page.index('<details class="chart-data">'):page.index("</details>")]
    return re.findall(r'<th scope="row">([\d-]+)</th><td>(\d+)</td>', details)


def test_one_bar_per_day_from_the_first_registration_to_the_last(app, owner_client, owned_event):
    for hour in (8, 12):
        add(app, owned_event, datetime(2030, 1, 10, hour, tzinfo=UTC))
    add(app, owned_event, datetime(2030, 1, 12, 9, tzinfo=UTC), status="cancelled")
    page = overview(owner_client, owned_event)
    svg = page[page.index("<svg"):page.index("</svg>")]
    assert svg.count('<rect class="chart-bar"') == 3
    assert chart_table(page) == [("2030-01-10", "2"), ("2030-01-11", "0"), ("2030-01-12", "1")]
    assert 'role="img" aria-labelledby="chart-title chart-desc"' in svg
    assert "<title id=\"chart-title\">Registrations per day for" in svg
    assert "3 registrations from 2030-01-10 to 2030-01-12" in svg


def test_the_tallest_bar_is_the_busiest_day(app, owner_client, owned_event):
    for hour in (8, 9, 10, 11):
        add(app, owned_event, datetime(2030, 1, 10, hour, tzinfo=UTC))
    add(app, owned_event, datetime(2030, 1, 11, 8, tzinfo=UTC))
    page = overview(owner_client, owned_event)
    heights = [float(h) for h in re.findall(r'class="chart-bar"[^>]* height="([\d.]+)"', page)]
    assert heights[0] == 4 * heights[1] > 0


def test_days_are_the_days_of_the_event_zone(app, owner_client, make_event, owner):
    # Kolkata is UTC+05:30: 18:45 UTC is 00:15 the next day there.
    event = make_event(owner_id=owner, timezone="Asia/Kolkata")
    add(app, event, datetime(2030, 1, 10, 18, 15, tzinfo=UTC))
    add(app, event, datetime(2030, 1, 10, 18, 45, tzinfo=UTC))
    assert chart_table(overview(owner_client, event)) == [("2030-01-10", "1"),
                                                          ("2030-01-11", "1")]  # fmt: skip


def test_the_chart_text_is_escaped(app, owner_client, make_event, owner):
    event = make_event(owner_id=owner, title="<script>alert(1)</script>")
    add(app, event, datetime(2030, 1, 10, 8, tzinfo=UTC))
    page = overview(owner_client, event)
    assert "<script>alert" not in page
    assert "Registrations per day for &lt;script&gt;" in page


def test_no_registrations_no_chart(owner_client, owned_event):
    page = overview(owner_client, owned_event)
    assert "<svg" not in page
    assert "No registrations yet: the chart appears with the first one." in page


def sources_table(page: str, heading: str) -> list[tuple[str, str]]:
    start = page.index(f"<h3>{heading}</h3>")
    table = page[start:page.index("</table>", start)]
    return re.findall(r'<th scope="row">([^<]*)</th><td>(\d+)</td>', table)


def test_top_ten_utm_sources_most_frequent_first(app, owner_client, owned_event):
    when = datetime(2030, 1, 10, 8, tzinfo=UTC)
    for _ in range(3):
        add(app, owned_event, when, utm_source="newsletter")
    for number in range(11):
        add(app, owned_event, when, utm_source=f"source-{number:02}")
    add(app, owned_event, when)  # no source: not counted
    rows = sources_table(overview(owner_client, owned_event), "Where people came from (utm_source)")
    assert len(rows) == 10
    assert rows[0] == ("newsletter", "3")
    assert rows[1:] == [(f"source-{number:02}", "1") for number in range(9)]


def test_referring_sites_are_counted_by_domain(app, owner_client, owned_event):
    when = datetime(2030, 1, 10, 8, tzinfo=UTC)
    for referrer in ("https://www.LinkedIn.com/feed/update/1", "https://www.linkedin.com/",
                     "http://news.example.org", "https://news.example.org/a?b=c",
                     "https://news.example.org/x", "", "not a url"):
        add(app, owned_event, when, referrer=referrer)
    rows = sources_table(overview(owner_client, owned_event), "Referring sites")
    assert rows == [("news.example.org", "3"), ("www.linkedin.com", "2")]
