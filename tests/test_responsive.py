"""Phone and desktop widths: no sideways scrolling, targets big enough, banners at 8:3."""

import pytest
from support.browser import DESKTOP, PHONE, walk_tour

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# Buttons, navigation links and form controls; links inside running text are
# exempt from the 24 px minimum (WCAG 2.2, 2.5.8 Target Size).
TARGETS = """
() => Array.from(document.querySelectorAll(
  ".button, .button-secondary, .button-danger, button, nav a, .brand, " +
  "input:not([type=hidden]), select, textarea"
)).filter(element => element.getClientRects().length > 0 && !element.closest(".visually-hidden"))
  .map(element => {
    const box = element.getBoundingClientRect();
    return {html: element.outerHTML.slice(0, 100), width: box.width, height: box.height};
  })
"""

BANNERS = """
() => Array.from(document.querySelectorAll(".banner, .banner-image"))
  .filter(element => element.getClientRects().length > 0)
  .map(element => {
    const box = element.getBoundingClientRect();
    return {html: element.outerHTML.slice(0, 100), ratio: box.width / box.height};
  })
"""


@pytest.mark.parametrize("size", [PHONE, DESKTOP], ids=["360px", "1280px"])
def test_every_page_fits_the_screen_with_targets_of_24_pixels(
    new_tab, site_tour, organiser, size
):
    tab = new_tab(**size)
    banners_seen = 0
    for stop in walk_tour(tab, site_tour, organiser, new_tab):
        where = f"{stop.name} ({stop.path}) at {size['width']} px"
        scroll_width = tab.evaluate("document.documentElement.scrollWidth")
        assert scroll_width <= size["width"], f"{where}: the page is {scroll_width} px wide"

        small = [t for t in tab.evaluate(TARGETS) if t["width"] < 24 or t["height"] < 24]
        assert not small, f"{where}: targets under 24 x 24 px: {small}"

        for banner in tab.evaluate(BANNERS):
            assert banner["ratio"] == pytest.approx(8 / 3, abs=0.02), f"{where}: {banner}"
            banners_seen += 1
    assert banners_seen > 0
