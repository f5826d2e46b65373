"""Following a series in a real browser, with the emails crossing a real SMTP server: follow,
confirm, hear of the next talk exactly once, register through the filled-in form."""

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect
from support.followers import confirm_link_of
from support.mail import text_of

from webinar.extensions import db
from webinar.models import SeriesRole

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def path_in(text: str, start: str) -> str:
    """Return the path and query of the first link of the site that starts with `start`."""
    url = next(word for word in text.split() if urlsplit(word).path.startswith(start))
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}" if parts.query else parts.path


def test_a_visitor_follows_hears_of_the_next_talk_once_and_registers(
    inbox, new_tab, app, organiser, make_event, make_series
):
    series = make_series(name="Cluster Voices", slug="cluster-voices")
    with app.app_context():
        db.session.add(SeriesRole(series_id=series.id, organiser_id=organiser.id, role="owner"))
        db.session.commit()
    current = make_event(title="Clusters and data", series_id=series.id, owner_id=organiser.id)
    coming = make_event(title="Clusters and skills", status="draft", series_id=series.id,
                        owner_id=organiser.id)  # fmt: skip

    # From a talk of the series, without JavaScript: its link leads to the form.
    ada = new_tab(javascript=False)
    ada.goto(f"/events/{current.slug}")
    ada.get_by_role("link", name="Follow this series").click()
    expect(ada.get_by_role("heading", name="Follow Cluster Voices", level=1)).to_be_visible()
    follow = ada.locator("form", has=ada.get_by_role("button", name="Follow this series"))
    follow.get_by_label("Email address").fill("ada@example.org")
    follow.get_by_label("Name").fill("Ada Lovelace")
    follow.get_by_label("I have read the privacy notice").check()
    follow.get_by_role("button", name="Follow this series").click()
    expect(ada.get_by_role("heading", name="Check your email")).to_be_visible()

    (confirmation,) = inbox.deliver()
    assert confirmation["To"] == "ada@example.org"
    ada.goto(confirm_link_of(text_of(confirmation)))
    ada.get_by_role("button", name="Yes, follow this series").click()
    expect(ada.get_by_text("You follow Cluster Voices now.")).to_be_visible()

    olga = new_tab()
    organiser.sign_in(olga)
    olga.goto(f"/organiser/events/{coming.id}")
    olga.get_by_role("button", name="Publish", exact=True).click()
    expect(olga.get_by_text("The talk is published.")).to_be_visible()

    (announcement,) = inbox.deliver()
    assert announcement["To"] == "ada@example.org"
    assert announcement["Subject"] == "New in Cluster Voices: Clusters and skills"
    assert announcement["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert inbox.deliver() == [], "one announcement, once"

    ada.goto(path_in(text_of(announcement), f"/events/{coming.slug}/register"))
    expect(ada.get_by_label("Email address")).to_have_value("ada@example.org")
    expect(ada.get_by_label("First name")).to_have_value("Ada")
    expect(ada.get_by_label("Last name")).to_have_value("Lovelace")
    ada.get_by_label("Organisation").fill("Analytical Engines")
    ada.get_by_label("Country", exact=True).select_option("BE")
    ada.get_by_label("I have read the privacy notice").check()
    ada.get_by_role("button", name="Register").click()
    expect(ada.get_by_role("heading", name="Registration received")).to_be_visible()

    # The organiser's figures say where the registration came from.
    olga.goto(f"/organiser/events/{coming.id}")
    sources = olga.locator("table", has=olga.get_by_role("columnheader", name="Source"))
    expect(sources.get_by_role("row", name="follower-email 1")).to_be_visible()

    # Publishing the talk again tells nobody twice.
    olga.get_by_role("button", name="Unpublish").click()
    expect(olga.get_by_text("The talk is back to draft.")).to_be_visible()
    olga.get_by_role("button", name="Publish", exact=True).click()
    expect(olga.get_by_text("The talk is published.")).to_be_visible()
    # (Ada's registration confirmation goes now; no second announcement.)
    assert [m["X-Webinar-Kind"] for m in inbox.deliver()] == ["confirmation"]
