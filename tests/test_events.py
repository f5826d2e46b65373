"""The lists of talks, uploads, the health check and error pages."""

import re
from datetime import UTC, datetime, timedelta

from support.eventdata import BRUSSELS, PNG_BYTES, add_topics, queries_to_show, write_upload
from support.factories import in_days


def titles(html: str) -> list[str]:
    """Return the talk titles of a list page, in page order."""
    return re.findall(r'class="event-card-title"><a href="[^"]+">([^<]+)</a>', html)


def test_home_lists_upcoming_published_talks_soonest_first(client, make_event):
    make_event(title="Later talk", starts_at=in_days(20))
    make_event(title="Sooner talk", starts_at=in_days(3))
    make_event(title="Draft talk", starts_at=in_days(4), status="draft")
    make_event(title="Cancelled talk", starts_at=in_days(5), status="cancelled")
    make_event(title="Past talk", starts_at=in_days(-5))
    page = client.get("/").get_data(as_text=True)
    assert titles(page) == ["Sooner talk", "Later talk"]


def test_home_card_shows_series_type_date_with_zone_and_banner(app, client, make_event):
    write_upload(app, "banner.png", PNG_BYTES)
    event = make_event(
        title="Clusters and chips",
        banner="banner.png",
        event_type="Workshop",
        starts_at=datetime(2031, 3, 4, 9, 30, tzinfo=BRUSSELS),
        ends_at=datetime(2031, 3, 4, 10, 45, tzinfo=BRUSSELS),
    )
    page = client.get("/").get_data(as_text=True)
    assert "EU Clusters Talk" in page
    assert "Workshop" in page
    assert 'src="/uploads/banner.png"' in page
    assert "4 March 2031, 09:30 – 10:45 CET" in page
    assert f'href="/events/{event.slug}"' in page


def test_home_without_talks_says_so(client):
    page = client.get("/").get_data(as_text=True)
    assert "There are no upcoming talks at the moment." in page
    assert 'href="/events/past"' in page


def test_thirteen_talks_make_two_pages(client, make_event):
    for day in range(1, 14):
        make_event(title=f"Talk on day {day}", starts_at=in_days(day))
    first = client.get("/").get_data(as_text=True)
    assert len(titles(first)) == 12
    assert "Page 1 of 2" in first
    assert 'href="/?page=2"' in first
    second = client.get("/?page=2").get_data(as_text=True)
    assert titles(second) == ["Talk on day 13"]
    assert 'href="/?page=1"' in second
    assert client.get("/?page=3").status_code == 404


def test_a_page_number_too_large_for_the_database_is_page_not_found(client, make_event):
    make_event()
    for query in ("page=100000000000000000000", "page=-100000000000000000000", "page=1e9"):
        for path in ("/", "/events/past"):
            response = client.get(f"{path}?{query}")
            assert response.status_code == 404, f"{path}?{query}"
            assert "There is no page at this address." in response.text


def test_pages_keep_the_filters(client, make_event):
    for day in range(1, 14):
        make_event(starts_at=in_days(day), event_type="Workshop")
    page = client.get("/?type=Workshop").get_data(as_text=True)
    assert 'href="/?page=2&amp;type=Workshop"' in page


def test_topic_filter_shows_only_talks_with_that_topic(app, client, make_event):
    quantum = make_event(title="Quantum for clusters", starts_at=in_days(2))
    make_event(title="Hydrogen valleys", starts_at=in_days(3))
    add_topics(app, quantum.id, "Deep tech")
    page = client.get("/?topic=deep-tech").get_data(as_text=True)
    assert titles(page) == ["Quantum for clusters"]
    assert '<option value="deep-tech" selected>Deep tech</option>' in page
    assert "Clear filters" in page


def test_type_filter_shows_only_talks_of_that_type(client, make_event):
    make_event(title="A webinar", event_type="Webinar", starts_at=in_days(2))
    make_event(title="A workshop", event_type="Workshop", starts_at=in_days(3))
    page = client.get("/?type=Workshop").get_data(as_text=True)
    assert titles(page) == ["A workshop"]
    assert '<option value="Workshop" selected>Workshop</option>' in page


def test_filter_form_works_without_javascript(client, make_event):
    make_event(event_type="Webinar")
    page = client.get("/").get_data(as_text=True)
    assert '<form class="filters" method="get" action="/"' in page
    assert '<label for="filter-type">Type</label>' in page
    assert '<button class="button button-secondary" type="submit">Filter</button>' in page


def test_filter_without_matches_says_so(client, make_event):
    make_event()
    page = client.get("/?topic=no-such-topic").get_data(as_text=True)
    assert titles(page) == []
    assert "No upcoming talks match these filters." in page


def test_past_talks_are_listed_most_recent_first(client, make_event):
    make_event(title="Long ago", starts_at=in_days(-60))
    make_event(title="Last week", starts_at=in_days(-7))
    make_event(title="Tomorrow", starts_at=in_days(1))
    make_event(title="Hidden draft", starts_at=in_days(-3), status="draft")
    page = client.get("/events/past").get_data(as_text=True)
    assert titles(page) == ["Last week", "Long ago"]
    assert 'aria-current="page">Past talks' in page


def test_past_list_without_talks_says_so(client):
    assert "There are no past talks yet." in client.get("/events/past").get_data(as_text=True)


def test_talk_in_progress_is_still_upcoming(client, make_event):
    make_event(title="Happening now", starts_at=datetime.now(UTC) - timedelta(minutes=10))
    assert titles(client.get("/").get_data(as_text=True)) == ["Happening now"]


def test_list_makes_the_same_queries_for_few_or_many_topics(app, client, make_event):
    first = make_event(starts_at=in_days(1))
    add_topics(app, first.id, "One")
    few = queries_to_show(app, client, "/")
    for day in range(2, 8):
        event = make_event(starts_at=in_days(day))
        add_topics(app, event.id, "One", "Two", f"Topic {day}")
    assert queries_to_show(app, client, "/") == few


def test_the_lists_send_an_etag_and_answer_304_to_a_browser_holding_the_same_page(
    client, make_event
):
    make_event(title="Coming soon", starts_at=in_days(3))
    make_event(title="Held last month", starts_at=in_days(-30))
    for path in ("/", "/events/past"):
        first = client.get(path)
        assert first.status_code == 200 and first.headers["ETag"]
        assert "no-cache" in first.headers["Cache-Control"]
        again = client.get(path, headers={"If-None-Match": first.headers["ETag"]})
        assert again.status_code == 304
        assert again.data == b""


def test_a_new_talk_changes_the_list_and_its_etag(client, make_event):
    make_event(title="Coming soon", starts_at=in_days(3))
    etag = client.get("/").headers["ETag"]
    make_event(title="Added later", starts_at=in_days(4))
    page = client.get("/", headers={"If-None-Match": etag})
    assert page.status_code == 200
    assert titles(page.text) == ["Coming soon", "Added later"]
    assert page.headers["ETag"] != etag


def test_image_upload_is_shown_inline(app, client):
    write_upload(app, "banner.png", PNG_BYTES)
    with client.get("/uploads/banner.png") as response:
        assert response.status_code == 200
        assert response.mimetype == "image/png"
        assert "attachment" not in response.headers.get("Content-Disposition", "")
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.data == PNG_BYTES


def test_slides_upload_is_a_download(app, client):
    write_upload(app, "slides.pdf", b"%PDF-1.4\n%%EOF\n")
    with client.get("/uploads/slides.pdf") as response:
        assert response.status_code == 200
        assert response.headers["Content-Disposition"].startswith("attachment")
        assert "slides.pdf" in response.headers["Content-Disposition"]


def test_svg_upload_is_a_download_not_a_page(app, client):
    write_upload(app, "drawing.svg", b'<svg xmlns="http://www.w3.org/2000/svg"></svg>')
    with client.get("/uploads/drawing.svg") as response:
        assert response.headers["Content-Disposition"].startswith("attachment")


def test_upload_outside_the_folder_is_not_found(app, client):
    write_upload(app, "banner.png", PNG_BYTES)
    assert client.get("/uploads/../config.py").status_code == 404
    assert client.get("/uploads/missing.png").status_code == 404


def test_health_check_answers_ok_when_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_health_check_answers_503_when_the_database_is_unreachable(app_config, tmp_path):
    from webinar import create_app

    app_config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{tmp_path}/missing/dir/x.sqlite3"
    app = create_app(app_config)
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["database"] == "error"


def test_unknown_page_is_a_404_in_the_site_style(client):
    response = client.get("/no/such/page")
    page = response.get_data(as_text=True)
    assert response.status_code == 404
    assert '<h1 id="error-title">Page not found</h1>' in page
    assert '<link rel="stylesheet" href="/static/css/app.css">' in page
    assert 'href="/">See the upcoming talks</a>' in page


def test_layout_has_landmarks_skip_link_language_and_privacy_link(client):
    page = client.get("/").get_data(as_text=True)
    assert '<html lang="en">' in page
    assert '<a class="skip-link" href="#main">Skip to content</a>' in page
    assert '<main id="main"' in page
    assert '<nav aria-label="Main">' in page
    assert '<footer class="site-footer"' in page
    assert 'href="/privacy">Privacy notice</a>' in page
    assert "style=" not in page
    assert not re.search(r"<script(?![^>]*\bsrc=)", page)
