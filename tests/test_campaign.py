"""Where registrations come from: campaign tags and the referring site reach the registration."""

import html
import re

from support.forms import register_through_form
from support.stored import registrations


def register_link(page_html: str) -> str:
    match = re.search(r'<a class="button" href="([^"]+)">Register</a>', page_html)
    assert match, "the talk page has no Register button"
    return html.unescape(match.group(1))


def test_campaign_and_referring_site_of_the_talk_page_are_kept_with_the_registration(
    app, client, make_event
):
    event = make_event()
    page = client.get(
        f"/events/{event.slug}?utm_source=linkedin&utm_medium=social&utm_campaign=step",
        headers={"Referer": "https://www.linkedin.com/feed/"},
    )
    link = register_link(page.text)
    assert "utm_source=linkedin" in link
    assert "ref=https" in link

    register_through_form(client, event.slug, query=link[link.index("?") :])

    (registration,) = registrations(app, event)
    assert registration.utm_source == "linkedin"
    assert registration.utm_medium == "social"
    assert registration.utm_campaign == "step"
    assert registration.referrer == "https://www.linkedin.com/feed/"


def test_a_visit_from_our_own_pages_adds_no_referring_site(client, make_event):
    event = make_event()
    page = client.get(f"/events/{event.slug}", headers={"Referer": "http://webinar.test/"})
    assert register_link(page.text).endswith("/register")
