"""The language switch and a whole registration in French, in a real browser."""

import re

import pytest
from playwright.sync_api import expect
from support.browser import words

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def alternates(tab) -> dict[str, str]:
    """Return the page's hreflang alternates: language -> URL."""
    links = tab.locator("link[rel=alternate][hreflang]")
    return {
        links.nth(n).get_attribute("hreflang"): links.nth(n).get_attribute("href")
        for n in range(links.count())
    }


def test_the_switch_works_without_javascript_and_is_remembered(new_tab, live_server, make_event):
    make_event(title="Clean hydrogen for clusters")
    tab = new_tab(javascript=False)
    tab.goto("/events/talk-1?utm_source=newsletter")
    switch = tab.get_by_role("navigation", name="Language")
    expect(switch.get_by_role("link", name="English")).to_have_attribute("aria-current", "true")

    switch.get_by_role("link", name="Français").click()
    # Back on the same talk, now in French; the choice is marked and kept.
    assert re.search(r"/events/talk-1$", tab.url)
    expect(tab.locator("html")).to_have_attribute("lang", "fr")
    expect(tab.get_by_role("heading", name="Inscription", exact=True)).to_be_visible()
    switch = tab.get_by_role("navigation", name="Langue")
    expect(switch.get_by_role("link", name="Français")).to_have_attribute("aria-current", "true")
    expect(switch.get_by_role("link", name="English")).not_to_have_attribute("aria-current", "true")

    tab.get_by_role("link", name="Conférences passées").click()
    expect(tab.get_by_role("heading", level=1)).to_have_text("Conférences passées")

    tab.get_by_role("navigation", name="Langue").get_by_role("link", name="Deutsch").click()
    expect(tab.get_by_role("heading", level=1)).to_have_text("Vergangene Vorträge")
    tab.goto("/")
    expect(tab.locator("html")).to_have_attribute("lang", "de")
    expect(tab.get_by_role("heading", level=1)).to_have_text("Kommende Vorträge")


def test_each_alternate_is_the_page_in_its_language_and_names_itself_canonical(
    new_tab, live_server, make_event
):
    make_event(title="Clean hydrogen for clusters", other_languages=["fr", "de"])
    make_event(title="Only in English")
    tab = new_tab(javascript=False)
    # A talk offered in one language links that one only, whatever the interface's language.
    tab.goto("/events/talk-2?lang=fr")
    assert alternates(tab) == {"en": live_server.url + "/events/talk-2",
                               "x-default": live_server.url + "/events/talk-2"}  # fmt: skip
    expect(tab.locator("link[rel=canonical]")).to_have_attribute(
        "href", live_server.url + "/events/talk-2")  # fmt: skip
    for path in ("/", "/events/past", "/events/talk-1", "/privacy"):
        tab.goto(path)
        found = alternates(tab)
        assert set(found) == {"en", "fr", "de", "x-default"}, path
        assert found["x-default"] == found["en"] == live_server.url + path
        for language in ("fr", "de", "en"):
            response = tab.goto(found[language])
            assert response.status == 200
            expect(tab.locator("html")).to_have_attribute("lang", language)
            canonical = tab.locator("link[rel=canonical]")
            expect(canonical).to_have_count(1)
            expect(canonical).to_have_attribute("href", found[language])
            # Every language's page lists the same alternates: they point at each other.
            assert alternates(tab) == found, found[language]


def test_a_french_visitor_registers_reads_french_and_cancels(inbox, new_tab, make_event):
    make_event(title="Clean hydrogen for clusters", capacity=20)
    _ = words("fr")
    tab = new_tab(language="fr")
    tab.goto("/")
    expect(tab.get_by_role("heading", level=1)).to_have_text("Conférences à venir")
    tab.get_by_role("link", name="Clean hydrogen for clusters").click()
    expect(tab.get_by_text("20 places restantes")).to_be_visible()
    tab.get_by_role("link", name="S'inscrire", exact=True).click()

    tab.get_by_role("button", name="S'inscrire").click()
    expect(tab.locator(".form-errors")).to_contain_text("Veuillez saisir votre prénom.")
    tab.get_by_label(_("First name"), exact=True).fill("Ada")
    tab.get_by_label(_("Last name"), exact=True).fill("Lovelace")
    tab.get_by_label(_("Email address")).fill("ada@example.org")
    tab.get_by_label(_("Organisation")).fill("Analytical Engines")
    tab.get_by_label(_("Country")).select_option(label="Belgique")
    tab.get_by_label(re.compile("J'ai lu l'avis de confidentialité")).check()
    tab.get_by_role("button", name="S'inscrire").click()
    expect(tab.get_by_role("heading", name="Inscription reçue")).to_be_visible()

    (message,) = inbox.deliver()
    assert message["Subject"] == "Votre place pour Clean hydrogen for clusters"
    body = message.get_body(("plain",)).get_content()
    assert "Bonjour Ada," in body and "Votre place est confirmée." in body
    personal = next(path for path in inbox.links(message) if path.startswith("/registrations/"))
    tab.goto(personal)
    expect(tab.get_by_text("Votre place est confirmée, Ada.")).to_be_visible()
    tab.get_by_role("link", name="Annuler mon inscription").click()
    tab.get_by_role("button", name="Oui, annuler mon inscription").click()
    expect(tab.get_by_text("Votre inscription est annulée.")).to_be_visible()
