"""An organiser's journey in a real browser: a new talk, its speakers, its attendees."""

import csv
import io
import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import expect
from test_browser import register

pytestmark = [pytest.mark.browser, pytest.mark.slow]

def banner_png() -> bytes:
    """Return a 1600 x 600 PNG drawn with Pillow."""
    image = Image.new("RGB", (1600, 600), (26, 79, 139))
    image.paste((44, 122, 123), (800, 0, 1600, 600))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def create_talk(tab, title: str) -> int:
    """Fill the new-talk form with a banner, save it and return the talk's id."""
    tab.get_by_role("link", name="New talk").click()
    day = (date.today() + timedelta(days=21)).isoformat()
    tab.get_by_label("Title").fill(title)
    tab.get_by_label("Series name on this talk").fill("EU Clusters Talk")
    tab.get_by_label("Event type", exact=True).fill("Webinar")
    tab.get_by_label("Summary", exact=True).fill("How regions build hydrogen valleys together.")
    tab.get_by_label("Description (Markdown)").fill("Three clusters tell **what worked**.")
    tab.get_by_label("Date", exact=True).fill(day)
    tab.get_by_label("Starts at").fill("10:00")
    tab.get_by_label("End date").fill(day)
    tab.get_by_label("Ends at").fill("11:30")
    tab.get_by_label("Join link (private)").fill("https://meet.example.org/hydrogen")
    tab.get_by_label("Capacity").fill("50")
    tab.get_by_label("Banner image").set_input_files(
        files=[{"name": "banner.png", "mimeType": "image/png", "buffer": banner_png()}]
    )
    tab.get_by_label("Banner description (alt text)").fill("Blue and teal halves")
    tab.get_by_role("button", name="Save").click()
    tab.wait_for_url(re.compile(r"/organiser/events/\d+$"))
    return int(tab.url.rsplit("/", 1)[1])


def add_speaker(tab, name: str, role: str, organisation: str) -> None:
    tab.get_by_label("Name").fill(name)
    tab.get_by_label("Role").fill(role)
    tab.get_by_label("Organisation").fill(organisation)
    tab.get_by_role("button", name="Add the speaker").click()
    expect(tab.locator(".speaker-list")).to_contain_text(name)


def test_organiser_publishes_a_talk_and_follows_its_registrations(
    new_tab, organiser
):
    tab = new_tab()
    organiser.sign_in(tab)
    expect(tab.get_by_role("heading", name="Your talks")).to_be_visible()
    event_id = create_talk(tab, "Hydrogen valleys in practice")
    expect(tab.locator("h1")).to_contain_text("Draft")

    tab.get_by_role("navigation", name="This talk").get_by_role("link", name="Speakers").click()
    add_speaker(tab, "Ines Duarte", "Cluster manager", "H2 Atlantic")
    add_speaker(tab, "Jonas Berg", "Policy officer", "European Commission")
    tab.get_by_role("link", name="Overview").click()
    tab.get_by_role("button", name="Publish").click()
    expect(tab.locator("h1")).to_contain_text("Published")

    visitor = new_tab()
    visitor.goto("/")
    visitor.get_by_role("link", name="Hydrogen valleys in practice").click()
    expect(visitor.get_by_role("img", name="Blue and teal halves")).to_be_visible()
    speakers = visitor.locator(".speaker-name")
    expect(speakers).to_have_text(["Ines Duarte", "Jonas Berg"])
    slug = visitor.url.rsplit("/", 1)[1]
    register(visitor, slug, "visitor@example.org", first_name="Vera")

    tab.reload()
    figures = tab.locator(".figures")
    expect(figures).to_contain_text("1 of 50 seats")

    attendees = f"/organiser/events/{event_id}/attendees"
    assert tab.goto(attendees).status == 200
    row = tab.get_by_role("row").filter(has_text="visitor@example.org")
    expect(row).to_contain_text("Vera")

    with tab.expect_download() as download_info:
        tab.get_by_role("link", name=re.compile("CSV", re.IGNORECASE)).click()
    download = download_info.value
    assert download.suggested_filename.endswith(".csv")
    text = Path(download.path()).read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert any("visitor@example.org" in cells for cells in rows[1:])

    row.get_by_role("button", name=re.compile("^Cancel", re.IGNORECASE)).click()
    tab.wait_for_load_state()
    confirm = tab.get_by_role("button", name=re.compile("^Yes", re.IGNORECASE))
    if confirm.count():
        confirm.click()
    row = tab.get_by_role("row").filter(has_text="visitor@example.org")
    expect(row).to_contain_text(re.compile("cancelled", re.IGNORECASE))
