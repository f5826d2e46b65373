"""The public pages in a real browser: small screens and the visitor's own time zone."""

import pytest
from support.eventdata import create_reference_event

pytestmark = [pytest.mark.browser, pytest.mark.slow]

REFERENCE_PATH = "/events/step-strategic-technologies-for-europe-platform"


@pytest.fixture
def open_tab(new_tab):
    """Open a page in a tab of a given width and time zone; fail on any browser error."""

    def open_tab(path: str, *, width: int = 1280, timezone: str = "Europe/Brussels"):
        tab = new_tab(width=width, timezone=timezone)
        tab.goto(path)
        return tab

    return open_tab


def test_visitor_in_another_zone_also_sees_their_own_time(app, make_event, open_tab):
    create_reference_event(app, make_event)
    tab = open_tab(REFERENCE_PATH, timezone="America/New_York")
    your_time = tab.locator(".event-when .your-time")
    assert your_time.inner_text().startswith("Your time: 6 December 2023, 02:30 – 03:45")
    assert "08:30 – 09:45 CET" in tab.locator(".event-when time").inner_text()


def test_visitor_in_the_event_zone_sees_no_second_time(app, make_event, open_tab):
    create_reference_event(app, make_event)
    tab = open_tab(REFERENCE_PATH, timezone="Europe/Paris")
    assert tab.locator(".event-when time").is_visible()
    assert tab.locator(".your-time").count() == 0


@pytest.mark.parametrize("path", ["/", REFERENCE_PATH, "/events/past"])
def test_pages_fit_a_360_pixel_screen_without_sideways_scrolling(app, make_event, open_tab, path):
    create_reference_event(app, make_event)
    make_event(title="A talk with a rather long title about regional innovation ecosystems")
    tab = open_tab(path, width=360)
    assert tab.evaluate("document.documentElement.scrollWidth") <= 360


def test_register_button_is_reached_from_the_keyboard_with_a_visible_focus(make_event, open_tab):
    event = make_event(capacity=20, seats_taken=8)
    tab = open_tab(f"/events/{event.slug}")
    register = tab.get_by_role("link", name="Register", exact=True)
    register.focus()
    outline = register.evaluate("element => getComputedStyle(element).outlineStyle")
    assert outline == "solid"
    assert tab.get_by_text("12 seats left").is_visible()


def test_elements_marked_hidden_stay_hidden_under_the_site_styles(make_event, open_tab):
    event = make_event()
    tab = open_tab(f"/events/{event.slug}/register")
    hidden = tab.locator("[hidden]")
    assert hidden.count() > 0
    assert all(not hidden.nth(index).is_visible() for index in range(hidden.count()))
