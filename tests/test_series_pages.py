"""A series' public page, its calendar and Atom feeds, and the links to it from talks."""

import feedparser
import pytest
from icalendar import Calendar
from support.factories import in_days

from webinar.extensions import db
from webinar.models import Event, Series


@pytest.fixture
def series_with_talks(make_series, make_event):
    """A series with talks of every kind, and a talk of another series; return (series, talks)."""
    series = make_series(name="EU Clusters Talk", slug="eu-clusters-talk",
                         description="Monthly talks.\n\nFor cluster managers.")  # fmt: skip
    other = make_series(name="Cluster Academy", slug="cluster-academy")

    def talk(name: str, days: float, **fields) -> Event:
        fields.setdefault("series_id", series.id)
        return make_event(slug=name, title=name.replace("-", " ").capitalize(),
                          starts_at=in_days(days), series_label="", **fields)  # fmt: skip

    talks = {
        "later": talk("later-talk", 40),
        "sooner": talk("sooner-talk", 10),
        "recent": talk("recent-talk", -7, recording_url="https://video.example.org/recent"),
        "older": talk("older-talk", -70),
        "draft": talk("draft-talk", 20, status="draft"),
        "cancelled": talk("cancelled-talk", 30, status="cancelled"),
        "cancelled-past": talk("cancelled-past-talk", -30, status="cancelled"),
        "elsewhere": talk("elsewhere-talk", 15, series_id=other.id),
        "nowhere": talk("nowhere-talk", 16, series_id=None),
    }
    return series, talks


def titles_in(html: str, talks: dict[str, Event]) -> list[str]:
    """Return the titles of these talks that the page links to, in the page's order."""
    found = [(html.find(f'href="/events/{event.slug}"'), event.title)
             for event in talks.values()]  # fmt: skip
    return [title for position, title in sorted(found) if position >= 0]


def test_series_page_lists_its_published_talks_coming_soonest_first_and_past_latest_first(
    client, series_with_talks
):
    series, talks = series_with_talks
    page = client.get("/series/eu-clusters-talk")
    assert page.status_code == 200
    html = page.text
    assert "<h1 id=\"series-title\">EU Clusters Talk</h1>" in html
    assert "<p class=\"series-description\">Monthly talks.</p>" in html
    assert "<p class=\"series-description\">For cluster managers.</p>" in html
    upcoming, past = html.split('id="past-heading"')
    assert titles_in(upcoming, talks) == ["Sooner talk", "Later talk"]
    assert titles_in(past, talks) == ["Recent talk", "Older talk"]
    assert 'href="https://video.example.org/recent"' in past
    assert past.count("Watch the recording") == 1
    assert 'href="/series/eu-clusters-talk.ics"' in html
    assert 'href="/series/eu-clusters-talk.atom"' in html


def test_series_atom_feed_parses_and_lists_exactly_the_published_talks(client, series_with_talks):
    _, talks = series_with_talks
    response = client.get("/series/eu-clusters-talk.atom")
    assert response.mimetype == "application/atom+xml"
    feed = feedparser.parse(response.data)
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10"
    assert feed.feed.title == "EU Clusters Talk"
    assert feed.feed.link == "http://webinar.test/series/eu-clusters-talk"
    published = {talks[name].title for name in ("later", "sooner", "recent", "older")}
    assert {entry.title for entry in feed.entries} == published
    links = {entry.link for entry in feed.entries}
    assert f"http://webinar.test/events/{talks['sooner'].slug}" in links
    assert len({entry.id for entry in feed.entries}) == 4


def test_series_calendar_parses_and_lists_its_published_talks_and_a_cancelled_one_to_come(
    client, series_with_talks
):
    _, talks = series_with_talks
    response = client.get("/series/eu-clusters-talk.ics")
    assert response.mimetype == "text/calendar"
    assert 'filename="eu-clusters-talk.ics"' in response.headers["Content-Disposition"]
    calendar = Calendar.from_ical(response.data)
    entries = {str(vevent["summary"]): str(vevent["status"]) for vevent in calendar.walk("VEVENT")}
    # A calendar that subscribed keeps no entry for a talk that will not happen.
    assert entries == {"Older talk": "CONFIRMED", "Recent talk": "CONFIRMED",
                       "Sooner talk": "CONFIRMED", "Later talk": "CONFIRMED",
                       "Cancelled talk": "CANCELLED"}  # fmt: skip
    assert str(calendar["x-wr-calname"]) == "EU Clusters Talk"
    assert b"secret-room" not in response.data


def test_unknown_series_is_not_found(client):
    for path in ("/series/nothing", "/series/nothing.ics", "/series/nothing.atom"):
        assert client.get(path).status_code == 404


def test_series_page_and_feed_answer_304_while_unchanged(app, client, series_with_talks):
    series, _ = series_with_talks
    for path in ("/series/eu-clusters-talk.atom", "/series/eu-clusters-talk"):
        first = client.get(path)
        assert "no-cache" in first.headers["Cache-Control"]
        again = client.get(path, headers={"If-None-Match": first.headers["ETag"]})
        assert again.status_code == 304 and again.data == b""
    with app.app_context():
        db.session.get(Series, series.id).name = "EU Clusters Talks"
        db.session.commit()
    changed = client.get(path, headers={"If-None-Match": first.headers["ETag"]})
    assert changed.status_code == 200
    assert '<h1 id="series-title">EU Clusters Talks<' in changed.text


def test_talk_page_and_cards_link_to_their_series(client, series_with_talks):
    _, talks = series_with_talks
    link = '<a class="card-link" href="/series/eu-clusters-talk">EU Clusters Talk'
    assert link in client.get(f"/events/{talks['sooner'].slug}").text
    home = client.get("/").text
    assert home.count(link) == 2
    # A talk of no series shows none.
    assert '<p class="series">' not in client.get(f"/events/{talks['nowhere'].slug}").text


def test_renaming_a_series_shows_on_its_talks_page_at_once(app, client, series_with_talks):
    series, talks = series_with_talks
    url = f"/events/{talks['sooner'].slug}"
    first = client.get(url)
    with app.app_context():
        row = db.session.get(Series, series.id)
        row.name, row.slug = "Cluster Talks", "cluster-talks"
        db.session.commit()
    page = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
    assert page.status_code == 200
    assert 'href="/series/cluster-talks">Cluster Talks' in page.text
    assert "EU Clusters Talk" not in page.text


def test_home_page_filters_by_series_with_a_plain_form(client, series_with_talks):
    _, talks = series_with_talks
    home = client.get("/").text
    assert '<select id="filter-series" name="series">' in home
    assert '<option value="eu-clusters-talk">EU Clusters Talk</option>' in home
    filtered = client.get("/?series=eu-clusters-talk").text
    assert titles_in(filtered, talks) == ["Sooner talk", "Later talk"]
    assert '<option value="eu-clusters-talk" selected>' in filtered
    assert "<a href=\"/series/eu-clusters-talk\">See the series' page" in filtered
    past = client.get("/events/past?series=eu-clusters-talk").text
    assert titles_in(past, talks) == ["Recent talk", "Older talk"]
    assert "No upcoming talks match" in client.get("/?series=no-such-series").text


def test_hostile_series_text_is_escaped_in_the_page_and_feeds(client, make_series, make_event):
    name = "<script>alert(1)</script> & \x0b friends"
    series = make_series(name=name, slug="hostile", description="<img src=x onerror=alert(2)>")
    make_event(series_id=series.id, series_label="", slug="hostile-talk",
               title="<b>Bold</b> \x01 talk")
    page = client.get("/series/hostile").text
    assert "<script>alert(1)" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp;" in page
    feed = feedparser.parse(client.get("/series/hostile.atom").data)
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.feed.title == "<script>alert(1)</script> &  friends"
    # Text, not markup: the reader shows the tags as typed.
    assert [entry.title for entry in feed.entries] == ["<b>Bold</b>  talk"]
    assert "&lt;b&gt;Bold" in client.get("/").text
