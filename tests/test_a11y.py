"""Accessibility: axe-core's WCAG 2.1 A and AA rules on every page; form errors announced."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect
from support.browser import walk_tour
from support.catalogs import ENGLISH_ONLY_PAGES

pytestmark = [pytest.mark.browser, pytest.mark.slow]

WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
AXE = Axe()


OPTIONS = {"runOnly": {"type": "tag", "values": WCAG_21_AA}, "resultTypes": ["violations"]}


def violations_on(tab) -> list[dict]:
    """Return axe-core's WCAG 2.1 A and AA violations on the page open in tab."""
    if not tab.evaluate("() => 'axe' in window"):
        tab.evaluate(AXE.axe_script)
    return tab.evaluate("options => axe.run(document, options).then(r => r.violations)", OPTIONS)


def touring_tab(new_tab, **options):
    """Open a tab whose pages each get axe-core as they load, not sent again after each visit."""
    tab = new_tab(**options)
    tab.add_init_script(script=AXE.axe_script)
    return tab


def describe(violation: dict) -> str:
    """Say what axe found and where, for a failing test's message."""
    lines = [f"{violation['id']} ({violation['impact']}): {violation['help']}"]
    for node in violation["nodes"][:5]:
        lines.append(f"  at {' '.join(node['target'])}: {node['html'][:160]}")
        lines.append("    " + node.get("failureSummary", "").replace("\n", "\n    "))
    return "\n".join(lines)


def test_every_public_and_organiser_page_has_no_wcag_21_aa_violation(
    new_tab, site_tour, organiser
):
    tab = touring_tab(new_tab)
    visited = []
    for stop in walk_tour(tab, site_tour, organiser, new_tab):
        violations = violations_on(tab)
        assert not violations, f"{stop.name} ({stop.path}):\n{describe(violations[0])}"
        visited.append(stop.name)
    assert len(visited) >= len(site_tour) - 1


@pytest.mark.parametrize("language", ["fr", "de"])
def test_every_page_in_french_and_german_has_no_wcag_21_aa_violation(
    new_tab, site_tour, organiser, language
):
    tab = touring_tab(new_tab, language=language)
    visited = []
    for stop in walk_tour(tab, site_tour, organiser, new_tab, language):
        expected = "en" if stop.path in ENGLISH_ONLY_PAGES else language
        assert tab.locator("html").get_attribute("lang") == expected, stop.path
        violations = violations_on(tab)
        assert not violations, f"{stop.name} ({stop.path}):\n{describe(violations[0])}"
        visited.append(stop.name)
    assert len(visited) >= len(site_tour) - 1


def test_axe_finds_a_missing_label(page, make_event):
    """The check itself works: a field without a label is a violation."""
    event = make_event()
    page.goto(f"/events/{event.slug}/register")
    page.locator("label[for=first_name]").evaluate("label => label.remove()")
    assert "label" in [violation["id"] for violation in violations_on(page)]


@pytest.mark.parametrize(
    ("path", "button", "field"),
    [
        ("/events/talk-1/register", "Register", "First name"),
        ("/organiser/login", "Sign in", None),
    ],
)
def test_form_errors_are_announced_and_take_the_focus(page, make_event, path, button, field):
    make_event()
    page.goto(path)
    page.get_by_role("button", name=button, exact=True).click()

    summary = page.get_by_role("alert")
    expect(summary).to_be_focused()
    assert summary.inner_text().strip() != ""
    if field:
        control = page.get_by_label(field, exact=True)
        assert control.get_attribute("aria-invalid") == "true"
        message = page.locator("#" + control.get_attribute("aria-describedby").split()[-1])
        assert message.inner_text() == "Please enter your first name."
        expect(control).to_have_accessible_description("Please enter your first name.")
