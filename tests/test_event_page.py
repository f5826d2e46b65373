"""The page of one talk, as a visitor sees it."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from support.eventdata import (
    REFERENCE_SPEAKERS,
    add_material,
    add_speakers,
    add_topics,
    create_reference_event,
    queries_to_show,
)
from support.factories import in_days


@pytest.fixture
def reference_event(app, make_event):
    """The reference talk of 6 December 2023 with its speakers, topics, banner and slides."""
    return create_reference_event(app, make_event)


@pytest.fixture
def reference_page(client, reference_event) -> str:
    response = client.get(f"/events/{reference_event.slug}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def text_of(html: str) -> str:
    """Return the visible text of a page's main content, tags removed and spaces collapsed."""
    main = html[html.index("<main") :]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", main))


def test_reference_page_shows_title_series_and_banner_with_alt_text(reference_page):
    assert "<h1" in reference_page
    assert "STEP: Strategic Technologies for Europe Platform</h1>" in reference_page
    assert "EU Clusters Talk" in reference_page
    assert 'src="/uploads/step-banner.png"' in reference_page
    assert 'alt="STEP banner: chips, wind turbines and a DNA helix"' in reference_page


def test_reference_page_shows_date_times_and_zone(reference_page):
    assert "6 December 2023, 08:30 – 09:45 CET" in reference_page
    assert '<time datetime="2023-12-06T07:30:00Z"' in reference_page


def test_reference_page_renders_the_description_as_rich_text(reference_page):
    assert "<strong>critical technologies</strong>" in reference_page
    assert re.search(r"<li>Deep and digital technologies\s*<ul>\s*<li>quantum</li>", reference_page)


def test_reference_page_shows_organiser_and_speakers_in_order(reference_page):
    text = text_of(reference_page)
    assert "European Cluster Collaboration Platform, for the European Commission" in text
    positions = [text.index(name) for name, _role, _org in REFERENCE_SPEAKERS]
    assert positions == sorted(positions)
    assert "Acting Head of the STEP Task Force, DG BUDG, European Commission" in text
    assert "Business Development Manager, Hellenic Bio Cluster" in text


def test_reference_page_shows_side_block_with_location_target_type_and_topics(reference_page):
    text = text_of(reference_page)
    assert "Location and date Virtual Event 6 December 2023" in text
    assert "Event target Cluster managers and cluster members" in text
    assert "Event type Online talk" in text
    assert 'href="/?topic=deep-and-digital-technologies"' in reference_page
    assert 'href="/?topic=clean-technologies"' in reference_page


def test_ended_reference_talk_offers_video_summary_and_slides_but_no_registration(
    reference_page,
):
    text = text_of(reference_page)
    assert 'href="https://video.example.org/step-talk"' in reference_page
    assert "Watch the video" in text
    assert "<h2>Key takeaways</h2>" in reference_page
    assert '<a href="/uploads/step.pdf" download>Slides of the talk</a>' in reference_page
    assert "/register" not in reference_page
    assert "Registration" not in text.replace("Registration and details", "")


def test_reference_page_follows_the_reference_order(reference_page):
    text = text_of(reference_page)
    landmarks = [
        "EU Clusters Talk",
        "STEP: Strategic Technologies for Europe Platform",
        "critical technologies",
        "Organised by",
        "08:30 – 09:45 CET",
        "Davide Lombardo",
        "Watch the video",
        "Key takeaways",
        "Slides of the talk",
        "Location and date",
        "Event target",
        "Event type",
        "Share this talk",
    ]
    positions = [text.index(landmark) for landmark in landmarks]
    assert positions == sorted(positions)
    assert reference_page.index('class="banner-image"') < reference_page.index("<h1")


def test_reference_page_has_share_links_and_social_tags(reference_page):
    url = "http%3A%2F%2Fwebinar.test%2Fevents%2Fstep-strategic-technologies-for-europe-platform"
    assert f"https://www.linkedin.com/sharing/share-offsite/?url={url}" in reference_page
    assert f"https://x.com/intent/post?url={url}" in reference_page
    assert f"https://www.facebook.com/sharer/sharer.php?u={url}" in reference_page
    assert "mailto:?subject=STEP%3A%20Strategic" in reference_page
    canonical = "http://webinar.test/events/step-strategic-technologies-for-europe-platform"
    assert f'<link rel="canonical" href="{canonical}">' in reference_page
    assert f'<meta property="og:url" content="{canonical}">' in reference_page
    assert '<meta property="og:title" content="STEP: Strategic Technologies' in reference_page
    assert (
        '<meta property="og:image" content="http://webinar.test/uploads/step-banner.png">'
        in reference_page
    )
    assert '<meta name="twitter:card" content="summary_large_image">' in reference_page
    # Plain links only: no script from a social network.
    assert len(re.findall(r"<script", reference_page)) == 1


def test_page_never_shows_the_join_url(client, make_event):
    event = make_event(join_url="https://meet.example.org/secret-room")
    page = client.get(f"/events/{event.slug}").get_data(as_text=True)
    assert "secret-room" not in page
    assert "meet.example.org" not in page


def test_july_talk_shows_summer_time(client, make_event):
    from support.eventdata import BRUSSELS

    event = make_event(
        starts_at=datetime(2031, 7, 3, 14, 0, tzinfo=BRUSSELS),
        ends_at=datetime(2031, 7, 3, 15, 0, tzinfo=BRUSSELS),
    )
    page = client.get(f"/events/{event.slug}").get_data(as_text=True)
    assert "3 July 2031, 14:00 – 15:00 CEST" in page
    assert '<time datetime="2031-07-03T12:00:00Z"' in page


def test_talk_without_banner_shows_a_placeholder_and_no_image_tag(client, make_event):
    event = make_event(banner=None)
    page = client.get(f"/events/{event.slug}").get_data(as_text=True)
    assert 'class="banner-placeholder"' in page
    assert "og:image" not in page


def test_draft_talk_is_not_found(client, make_event):
    event = make_event(status="draft")
    response = client.get(f"/events/{event.slug}")
    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)
    assert client.get(f"/events/{event.slug}.ics").status_code == 404


def test_unknown_talk_is_not_found(client):
    assert client.get("/events/no-such-talk").status_code == 404


def test_cancelled_talk_says_so_and_offers_no_registration(client, make_event):
    event = make_event(status="cancelled")
    page = client.get(f"/events/{event.slug}").get_data(as_text=True)
    assert "This event has been cancelled" in page
    assert "/register" not in page
    assert ">Register<" not in page


REGISTER_LINK = 'href="/events/{slug}/register"'


@pytest.mark.parametrize(
    ("fields", "expected", "has_link"),
    [
        ({}, ">Register</a>", True),
        ({"capacity": 20, "seats_taken": 8}, "12 seats left", True),
        ({"capacity": 20, "seats_taken": 19}, "1 seat left", True),
        (
            {"capacity": 5, "seats_taken": 5, "waitlist_enabled": True},
            "Fully booked: join the waiting list",
            True,
        ),
        ({"capacity": 5, "seats_taken": 5}, "Fully booked", False),
        ({"registration_closes_at": in_days(-1)}, "Registration closed", False),
    ],
    ids=["open", "seats-left", "one-seat-left", "waitlist", "full", "closed"],
)
def test_registration_call_to_action_follows_the_state(
    client, make_event, fields, expected, has_link
):
    event = make_event(**fields)
    page = client.get(f"/events/{event.slug}").get_data(as_text=True)
    assert expected in page
    assert (REGISTER_LINK.format(slug=event.slug) in page) is has_link


def test_registration_not_open_yet_says_when_it_opens(client, make_event):
    from support.eventdata import BRUSSELS

    opens = datetime(2030, 1, 10, 9, 0, tzinfo=BRUSSELS)
    event = make_event(
        starts_at=datetime(2030, 2, 1, 10, 0, tzinfo=BRUSSELS), registration_opens_at=opens
    )
    page = client.get(f"/events/{event.slug}").get_data(as_text=True)
    assert "Registration opens on 10 January 2030, 09:00 CET" in page
    assert REGISTER_LINK.format(slug=event.slug) not in page


def test_seats_left_are_not_shown_without_a_capacity(client, make_event):
    event = make_event(capacity=None)
    page = client.get(f"/events/{event.slug}").get_data(as_text=True)
    assert "seats left" not in page
    assert "seat left" not in page


def test_upcoming_talk_hides_recording_and_summary_until_it_ends(client, make_event):
    event = make_event(recording_url="https://video.example.org/x", post_summary="Takeaways here")
    page = client.get(f"/events/{event.slug}").get_data(as_text=True)
    assert "Watch the video" not in page
    assert "Takeaways here" not in page


def test_recording_link_must_be_a_web_address(client, make_event):
    event = make_event(
        starts_at=in_days(-3), recording_url="javascript:alert(1)", post_summary="Done."
    )
    page = client.get(f"/events/{event.slug}").get_data(as_text=True)
    assert "javascript:" not in page
    assert "Watch the video" not in page


def test_talk_page_offers_calendar_file_and_google_calendar(client, make_event):
    event = make_event()
    page = client.get(f"/events/{event.slug}").get_data(as_text=True)
    assert f'href="/events/{event.slug}.ics"' in page
    assert "https://calendar.google.com/calendar/render?action=TEMPLATE" in page


def test_description_is_sanitised(client, make_event):
    event = make_event(
        description=(
            "Hello <script>alert('x')</script>\n\n"
            '<img src="/uploads/a.png" onerror="alert(1)">\n\n'
            "[click](javascript:alert(2)) and [safe](https://example.org)\n\n"
            '<iframe src="https://evil.example"></iframe>'
        )
    )
    page = client.get(f"/events/{event.slug}").get_data(as_text=True)
    assert "alert('x')" not in page
    assert "onerror" not in page
    assert "javascript:" not in page
    assert "<iframe" not in page
    assert 'href="https://example.org"' in page


def test_talk_page_loads_speakers_topics_and_materials_without_a_query_each(
    app, client, make_event
):
    small = make_event()
    add_speakers(app, small.id, REFERENCE_SPEAKERS[:1])
    add_topics(app, small.id, "One")
    big = make_event()
    add_speakers(app, big.id, REFERENCE_SPEAKERS)
    add_topics(app, big.id, "One", "Two", "Three")
    for number in range(3):
        add_material(app, big.id, kind="link", title=f"Link {number}", url="https://example.org")
    big_queries = queries_to_show(app, client, f"/events/{big.slug}")
    assert big_queries == queries_to_show(app, client, f"/events/{small.slug}")


def test_talk_starting_now_and_ended_talk_differ_in_what_they_offer(client, make_event):
    running = make_event(starts_at=datetime.now(UTC) - timedelta(minutes=30))
    page = client.get(f"/events/{running.slug}").get_data(as_text=True)
    assert REGISTER_LINK.format(slug=running.slug) in page
    ended = make_event(starts_at=in_days(-2))
    page = client.get(f"/events/{ended.slug}").get_data(as_text=True)
    assert REGISTER_LINK.format(slug=ended.slug) not in page
