"""An administrator invites a new organiser in a real browser; the email comes over real SMTP."""

import re

import pytest
from playwright.sync_api import expect
from support.browser import OrganiserAccount
from support.stored import stored_rows

from webinar.models import Organiser

pytestmark = [pytest.mark.browser, pytest.mark.slow]

NEW_PASSWORD = "saffron lighthouse at noon"


@pytest.fixture
def administrator(app) -> OrganiserAccount:
    """An administrator who can sign in."""
    from webinar.organiser.services.accounts import create_organiser

    email, password, name = "ada@example.org", "correct horse battery", "Ada Admin"
    with app.app_context():
        account_id = create_organiser(email, name, password, is_admin=True).id
    return OrganiserAccount(account_id, email, password, name)


def send_invitation(tab, email: str, name: str = "") -> None:
    """Fill in the invitation form of the Organisers page and send it."""
    tab.get_by_label("Email").fill(email)
    tab.get_by_label("Name").fill(name)
    tab.get_by_role("button", name="Send the invitation").click()
    expect(tab.locator(".flashes")).to_contain_text(
        f"The invitation to {email} is in the outbox"
    )


def account_row(tab, name: str):
    return tab.locator("tr", has=tab.get_by_role("rowheader", name=re.compile(name)))


def test_an_invited_organiser_joins_and_the_administrator_sees_them_active(
    smtp_server, inbox, new_tab, app, clock, administrator
):
    admin = new_tab()
    administrator.sign_in(admin)
    admin.get_by_role("navigation", name="Organiser").get_by_role(
        "link", name="Organisers"
    ).click()
    expect(admin.get_by_role("heading", name="Organisers", exact=True)).to_be_visible()
    send_invitation(admin, "nina@example.org", "Nina")
    expect(admin.get_by_role("row", name=re.compile("nina@example.org"))).to_contain_text(
        "Waiting to be sent"
    )

    (message,) = inbox.deliver()
    assert message["To"] == "nina@example.org"
    (link,) = inbox.links(message)

    invitee = new_tab(width=360)
    invitee.goto(link)
    expect(invitee.get_by_role("heading", name="Create your organiser account")).to_be_visible()
    expect(invitee.get_by_label("Your name")).to_have_value("Nina")
    invitee.get_by_label("Your name").fill("Nina Novak")
    invitee.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    invitee.get_by_label("New password again").fill(NEW_PASSWORD)
    invitee.get_by_role("button", name="Create my account").click()
    invitee.wait_for_url("**/organiser/")
    welcome = "Welcome, Nina Novak: your organiser account is ready."
    expect(invitee.get_by_text(welcome)).to_be_visible()

    invitee.get_by_role("button", name="Sign out").click()
    newcomer = OrganiserAccount(0, "nina@example.org", NEW_PASSWORD, "Nina Novak")
    newcomer.sign_in(invitee)
    expect(invitee.get_by_role("heading", name="Your talks")).to_be_visible()

    admin.reload()
    row = account_row(admin, "Nina Novak")
    expect(row).to_contain_text("nina@example.org")
    expect(row).to_contain_text("Active")
    expect(admin.get_by_text("No invitation is waiting.")).to_be_visible()

    # The link works once.
    stranger = new_tab()
    new_tab.expect_error("status of 410", link)
    assert stranger.goto(link).status == 410
    expect(stranger.get_by_role("heading", name="This invitation was already used")).to_be_visible()
    expect(stranger.get_by_label("New password", exact=True)).to_have_count(0)

    # A link past its expiry gets the same kind of page, and creates nothing.
    send_invitation(admin, "late@example.org")
    (late,) = inbox.links(inbox.deliver()[0])
    clock.advance(days=7, hours=1)
    new_tab.expect_error("status of 410", late)
    assert stranger.goto(late).status == 410
    expect(stranger.get_by_role("heading", name="This invitation has expired")).to_be_visible()
    expect(stranger.get_by_text("Ask an administrator for a new invitation.")).to_be_visible()
    assert [o.email for o in stored_rows(app, Organiser)] == ["ada@example.org", "nina@example.org"]
