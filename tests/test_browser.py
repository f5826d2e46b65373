"""Journeys in a real browser (Debian's Chromium through Playwright)."""

import pytest

pytestmark = pytest.mark.browser


def test_home_page_shows_upcoming_talks_in_a_real_browser(page, make_event):
    make_event(title="Clean hydrogen for clusters")
    page.goto("/")
    assert page.locator("h1").first.inner_text() != ""
    assert page.get_by_text("Clean hydrogen for clusters").is_visible()
