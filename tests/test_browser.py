"""A visitor's journeys in a real browser: mouse, JavaScript off, keyboard only."""

import re
from pathlib import Path

import pytest
from icalendar import Calendar
from playwright.sync_api import expect
from support.browser import Watch, tab_to
from support.stored import stored_one

from webinar.models import Registration

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PRIVACY = re.compile("I have read the privacy notice")


def summaries(calendar: str) -> list[str]:
    """Return the titles of the events of a calendar file, as a calendar program reads them."""
    return [str(event["SUMMARY"]) for event in Calendar.from_ical(calendar).walk("VEVENT")]


def test_home_page_shows_upcoming_talks_in_a_real_browser(page, make_event):
    make_event(title="Clean hydrogen for clusters")
    page.goto("/")
    assert page.locator("h1").first.inner_text() != ""
    expect(page.get_by_text("Clean hydrogen for clusters")).to_be_visible()


def fill_registration(tab, email: str, first_name: str = "Ada") -> None:
    """Fill the registration form with valid answers (by mouse and typing)."""
    tab.get_by_label("First name").fill(first_name)
    tab.get_by_label("Last name").fill("Lovelace")
    tab.get_by_label("Email address").fill(email)
    tab.get_by_label("Organisation").fill("Analytical Engines")
    tab.get_by_label("Country").select_option(label="Belgium")
    tab.get_by_label(PRIVACY).check()


def register(tab, slug: str, email: str, first_name: str = "Ada") -> None:
    """Open the talk, follow Register, fill the form and send it."""
    tab.goto(f"/events/{slug}")
    tab.get_by_role("link", name=re.compile("^(Register|Fully booked)")).click()
    fill_registration(tab, email, first_name)
    tab.get_by_role("button", name=re.compile("^(Register|Join the waiting list)$")).click()
    tab.get_by_role("heading", name="Registration received").wait_for()


def only_message(messages, kind: str, to: str):
    (message,) = [m for m in messages if m["To"] == to]
    assert message["X-Webinar-Kind"] == kind, message["Subject"]
    return message


def personal_link(inbox, message) -> str:
    return next(path for path in inbox.links(message) if path.startswith("/registrations/"))


def stored_registration(app, email: str) -> Registration:
    return stored_one(app, Registration, email=email)


def test_visitor_registers_receives_the_email_downloads_the_calendar_and_cancels(
    inbox, new_tab, app, make_event
):
    make_event(title="Clean hydrogen for clusters", capacity=20)
    tab = new_tab(timezone="America/New_York")
    tab.goto("/")
    tab.get_by_role("link", name="Clean hydrogen for clusters").click()
    expect(tab.get_by_role("heading", level=1)).to_have_text("Clean hydrogen for clusters")
    tab.get_by_role("link", name="Register", exact=True).click()
    fill_registration(tab, "ada@example.org")
    tab.get_by_role("button", name="Register").click()

    expect(tab.get_by_role("heading", name="Registration received")).to_be_visible()
    assert "ada@example.org" in tab.get_by_role("status").inner_text()
    # The page's script told the server the browser's zone, for the emails' times.
    assert stored_registration(app, "ada@example.org").attendee_timezone == "America/New_York"

    message = only_message(inbox.deliver(), "confirmation", "ada@example.org")
    assert "Clean hydrogen for clusters" in message["Subject"]
    tab.goto(personal_link(inbox, message))
    expect(tab.get_by_text("Your seat is confirmed, Ada.")).to_be_visible()

    with tab.expect_download() as download_info:
        tab.get_by_role("link", name="Add to my calendar (.ics)").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".ics")
    calendar = Path(download.path()).read_text()
    assert calendar.startswith("BEGIN:VCALENDAR")
    assert summaries(calendar) == ["Clean hydrogen for clusters"]

    tab.get_by_role("link", name="Cancel my registration").click()
    tab.get_by_role("button", name="Yes, cancel my registration").click()
    expect(tab.get_by_text("Your registration is cancelled.")).to_be_visible()
    only_message(inbox.deliver(), "cancelled", "ada@example.org")


def test_waitlisted_visitor_is_promoted_by_email_when_someone_cancels(
    inbox, new_tab, make_event
):
    event = make_event(capacity=1, waitlist_enabled=True)
    first, second = new_tab(), new_tab()
    register(first, event.slug, "first@example.org", first_name="Fay")
    register(second, event.slug, "second@example.org", first_name="Sam")
    delivered = inbox.deliver()
    confirmation = only_message(delivered, "confirmation", "first@example.org")
    waitlisted = only_message(delivered, "waitlisted", "second@example.org")
    second.goto(personal_link(inbox, waitlisted))
    expect(second.get_by_text("You are on the waiting list.")).to_be_visible()

    first.goto(personal_link(inbox, confirmation))
    first.get_by_role("link", name="Cancel my registration").click()
    first.get_by_role("button", name="Yes, cancel my registration").click()

    promoted = only_message(inbox.deliver(), "promoted", "second@example.org")
    second.goto(personal_link(inbox, promoted))
    expect(second.get_by_text("Your seat is confirmed, Sam.")).to_be_visible()
    expect(second.get_by_role("link", name="Join the talk")).to_be_visible()


def test_empty_form_shows_each_message_focuses_the_summary_and_then_goes_through(
    page, make_event
):
    event = make_event()
    page.goto(f"/events/{event.slug}/register")
    page.get_by_role("button", name="Register").click()

    summary = page.locator(".form-errors")
    assert summary.get_attribute("role") == "alert"
    expect(summary).to_be_focused()  # moved there by app.js once the page has loaded
    assert "Please correct these 6 fields" in summary.inner_text()
    assert page.get_by_label("First name").get_attribute("aria-invalid") == "true"
    assert page.get_by_text("Please enter your first name.").count() == 2  # summary and field
    expect(page.get_by_text("Please enter your email address.").first).to_be_visible()

    # The summary's links take the visitor to the field.
    summary.get_by_role("link", name=re.compile("^Email address")).click()
    expect(page.get_by_label("Email address")).to_be_focused()

    page.get_by_label("Email address").fill("not an address")
    page.get_by_role("button", name="Register").click()
    wrong_address = page.get_by_text("Please enter an email address such as name@example.org.")
    expect(wrong_address.first).to_be_visible()

    fill_registration(page, "ada@example.org")
    page.get_by_role("button", name="Register").click()
    expect(page.get_by_role("heading", name="Registration received")).to_be_visible()


def test_the_whole_registration_works_with_javascript_off(inbox, new_tab, app, make_event):
    make_event(title="Regional innovation valleys")
    tab = new_tab(javascript=False)
    tab.goto("/")
    tab.get_by_role("link", name="Regional innovation valleys").click()
    tab.get_by_role("link", name="Register", exact=True).click()
    tab.get_by_role("button", name="Register").click()
    expect(tab.locator(".form-errors")).to_be_visible()
    fill_registration(tab, "nojs@example.org")
    tab.get_by_role("button", name="Register").click()
    expect(tab.get_by_role("heading", name="Registration received")).to_be_visible()
    assert stored_registration(app, "nojs@example.org").attendee_timezone == ""

    message = only_message(inbox.deliver(), "confirmation", "nojs@example.org")
    tab.goto(personal_link(inbox, message))
    with tab.expect_download() as download_info:
        tab.get_by_role("link", name="Add to my calendar (.ics)").click()
    calendar = Path(download_info.value.path()).read_text()
    assert summaries(calendar) == ["Regional innovation valleys"]
    tab.get_by_role("link", name="Cancel my registration").click()
    tab.get_by_role("button", name="Yes, cancel my registration").click()
    expect(tab.get_by_text("Your registration is cancelled.")).to_be_visible()


def test_the_whole_registration_works_with_the_keyboard_alone(inbox, page, make_event):
    event = make_event(title="Space technologies for regions")
    page.goto("/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"

    tab_to(page, page.get_by_role("link", name="Space technologies for regions"))
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/events/{event.slug}")
    tab_to(page, page.get_by_role("link", name="Register", exact=True))
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/events/{event.slug}/register")
    for label, text in [
        ("First name", "Ada"),
        ("Last name", "Lovelace"),
        ("Email address", "keys@example.org"),
        ("Organisation", "Analytical Engines"),
    ]:
        tab_to(page, page.get_by_label(label))
        page.keyboard.type(text)
    tab_to(page, page.get_by_label("Country"))
    page.keyboard.type("Belgium")
    assert page.get_by_label("Country").input_value() == "BE"
    consent = page.get_by_label(PRIVACY)
    tab_to(page, consent)
    page.keyboard.press("Space")
    assert consent.is_checked()
    tab_to(page, page.get_by_role("button", name="Register"))
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Registration received").wait_for()

    message = only_message(inbox.deliver(), "confirmation", "keys@example.org")
    page.goto(personal_link(inbox, message))
    tab_to(page, page.get_by_role("link", name="Cancel my registration"))
    page.keyboard.press("Enter")
    page.wait_for_url("**/cancel")
    tab_to(page, page.get_by_role("button", name="Yes, cancel my registration"))
    page.keyboard.press("Space")
    page.get_by_text("Your registration is cancelled.").wait_for()


def test_a_content_security_policy_violation_is_caught_as_an_error(browser, live_server):
    watch = Watch()
    context = browser.new_context(base_url=live_server.url)
    watch.attach(context)
    tab = context.new_page()
    tab.goto("/privacy")
    tab.evaluate(
        """() => {
          const script = document.createElement("script");
          script.textContent = "document.title = 'injected'";
          document.body.append(script);
        }"""
    )
    for _ in range(100):  # the violation event arrives a moment later
        if any("CSP violation: script-src" in problem for problem in watch.unexpected()):
            break
        tab.wait_for_timeout(20)
    assert tab.title() != "injected"
    context.close()
    assert any("CSP violation: script-src" in problem for problem in watch.unexpected())
