"""The organiser's own account page: name, password, signing out everywhere, new recovery
codes; each change in the audit log, hostile input refused, CSRF everywhere. The change of
email and its link are in test_organiser_email_change.py."""

import re

import pyotp
import pytest
from support.organisers import OWNER_EMAIL, PASSWORD, sign_in, token_of
from support.stored import stored_organiser, stored_rows
from test_hostile_input import NASTY
from test_password_reset import choose_password, reset_link
from test_two_factor import START, send_code, set_up

from webinar.models import AuditEntry, Organiser, OutboxEmail

ACCOUNT = "/organiser/account"
NEW_EMAIL = "olga.new@example.org"
NEW_PASSWORD = "violet kettle under the stairs"
# Each form of the page: its address and the prefix of its fields.
FORMS = {
    "name": "/organiser/account/name",
    "email": "/organiser/account/email",
    "password": "/organiser/account/password",
    "codes": "/organiser/account/two-factor/recovery-codes",
}


def send(client, form: str, **fields):
    """Fill in one form of the account page, as a browser sends it, and return the answer."""
    token = token_of(client, ACCOUNT)
    data = {f"{form}-csrf_token": token, **{f"{form}-{name}": v for name, v in fields.items()}}
    return client.post(FORMS[form], data=data)


def press(client, url: str):
    """Press a button of the account page (a form with only its CSRF token)."""
    return client.post(url, data={"csrf_token": token_of(client, ACCOUNT)})


def field_error(html: str, field: str) -> str:
    match = re.search(rf'<p class="field-error" id="{field}-error">([^<]*)</p>', html)
    return match.group(1) if match else ""


def entries(app, action: str) -> list[AuditEntry]:
    return stored_rows(app, AuditEntry, action=action)


def the_entry(app, action: str) -> AuditEntry:
    (entry,) = entries(app, action)
    return entry


def signed_out(client) -> bool:
    response = client.get("/organiser/")
    return response.status_code == 302 and response.location.startswith("/organiser/login")


def email_link(app, recipient: str = NEW_EMAIL) -> str:
    """Return the path of the last confirmation link sent to an address, read from the outbox."""
    (*_, row) = stored_rows(app, OutboxEmail, kind="email_change", recipient=recipient)
    return re.search(r"http://webinar\.test(/organiser/confirm-email/\S+)", row.text_body).group(1)


def follow(client, link: str):
    """Open a confirmation link and press its button; return the answer to the button."""
    page = client.get(link)
    assert page.status_code == 200, page.status_code
    return client.post(link, data={"csrf_token": token_of(client, link)})


# -- The page ------------------------------------------------------------------


def test_the_account_page_has_a_labelled_section_for_each_part(owner_client):
    page = owner_client.get(ACCOUNT).text
    headings = re.findall(r'<h2 id="[a-z-]+-heading">([^<]+)</h2>', page)
    assert headings == ["Your details", "Language", "Email", "Password", "Two-factor sign-in",
                        "API tokens", "Sessions"]  # fmt: skip
    for field, label in (("name-name", "Name"), ("email-email", "New email"),
                         ("email-password", "Current password"),
                         ("password-current", "Current password"),
                         ("password-password", "New password"),
                         ("password-confirm", "New password again")):  # fmt: skip
        assert f'<label for="{field}">{label}</label>' in page
    assert 'value="Olga Owner"' in page
    assert "You sign in with <strong>olga@example.org</strong>" in page


# -- Name ----------------------------------------------------------------------


def test_a_new_name_is_saved_shown_and_logged_once(app, owner_client, owner):
    answer = send(owner_client, "name", name="  Olga   Organiser ")
    assert answer.location == ACCOUNT
    page = owner_client.get(ACCOUNT).text
    assert "Your name is saved." in page and "Signed in as Olga Organiser" in page
    assert stored_organiser(app, OWNER_EMAIL).name == "Olga Organiser"
    entry = the_entry(app, "name_changed")
    assert (entry.actor_id, entry.details) == (owner, "Olga Owner -> Olga Organiser")

    send(owner_client, "name", name="Olga Organiser")
    assert "Your name stays as it was." in owner_client.get(ACCOUNT).text
    assert len(entries(app, "name_changed")) == 1


@pytest.mark.parametrize(("name", "error"), [
    ("", "Enter your name."),
    ("Olga\r\nBcc: evil@example.org", "Please type this on one line"),
    ("Olga\x00", "Please type this on one line"),
    ("x" * 201, "Field cannot be longer than 200 characters."),
])  # fmt: skip
def test_a_hostile_name_gets_a_form_error_and_changes_nothing(app, owner_client, name, error):
    answer = send(owner_client, "name", name=name)
    assert answer.status_code == 200
    assert error in field_error(answer.text, "name-name")
    assert stored_organiser(app, OWNER_EMAIL).name == "Olga Owner"
    assert entries(app, "name_changed") == []


def test_a_name_with_html_is_shown_as_text(owner_client):
    send(owner_client, "name", name="<script>alert(1)</script>")
    page = owner_client.get(ACCOUNT).text
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)" in page


# -- Password --------------------------------------------------------------------


def test_a_new_password_signs_out_every_other_browser_and_sends_a_notice(
    app, owner_client, signed_in, owner
):
    other = signed_in(OWNER_EMAIL)
    wrong = send(owner_client, "password", current="not my password",
                 password=NEW_PASSWORD, confirm=NEW_PASSWORD)  # fmt: skip
    assert "Your current password is not right." in field_error(wrong.text, "password-current")
    weak = send(owner_client, "password", current=PASSWORD,
                password="password1234", confirm="password1234")  # fmt: skip
    assert "among the first ones people try" in field_error(weak.text, "password-password")
    assert not signed_out(other)
    assert stored_rows(app, OutboxEmail, kind="password_changed") == []

    done = send(owner_client, "password", current=PASSWORD,
                password=NEW_PASSWORD, confirm=NEW_PASSWORD)  # fmt: skip
    assert done.location == ACCOUNT
    assert "Your password is changed." in owner_client.get(ACCOUNT).text
    assert signed_out(other)
    assert not signed_out(owner_client)

    (notice,) = stored_rows(app, OutboxEmail, kind="password_changed")
    assert notice.recipient == OWNER_EMAIL
    assert "every other browser signed in to the account was signed out" in notice.text_body
    assert sign_in(app.test_client(), OWNER_EMAIL, NEW_PASSWORD).location == "/organiser/"
    assert the_entry(app, "password_changed").actor_id == owner


def test_wrong_current_passwords_lock_the_account_like_at_sign_in(app, owner_client):
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        send(owner_client, "password", current="not my password",
             password=NEW_PASSWORD, confirm=NEW_PASSWORD)  # fmt: skip
    locked = send(owner_client, "password", current=PASSWORD,
                  password=NEW_PASSWORD, confirm=NEW_PASSWORD)  # fmt: skip
    assert "Too many failed attempts" in field_error(locked.text, "password-current")
    assert entries(app, "password_changed") == []


def test_a_password_reset_by_link_is_logged_once(app, client, owner):
    assert choose_password(client, reset_link(app, client), NEW_PASSWORD).status_code == 302
    entry = the_entry(app, "password_reset")
    assert (entry.actor_id, entry.actor_email) == (owner, OWNER_EMAIL)
    assert entries(app, "password_changed") == []


# -- Sessions ---------------------------------------------------------------------


def test_sign_out_everywhere_ends_every_session_this_one_too(app, owner_client, signed_in, owner):
    other = signed_in(OWNER_EMAIL)
    answer = press(owner_client, "/organiser/account/sign-out-everywhere")
    assert answer.location == "/organiser/login"
    assert "You are signed out on every browser (2 sessions ended)." in owner_client.get(
        answer.location).text
    assert signed_out(owner_client) and signed_out(other)
    assert the_entry(app, "signed_out_everywhere").actor_id == owner


def test_with_two_factor_required_an_organiser_without_it_can_still_sign_out_everywhere(
    app, owner_client
):
    app.config["REQUIRE_TWO_FACTOR"] = True
    page = owner_client.get(ACCOUNT).text
    assert "Sign out everywhere" in page and "Change password" not in page
    assert send(owner_client, "name", name="Someone").location == ACCOUNT
    assert stored_organiser(app, OWNER_EMAIL).name == "Olga Owner"
    assert press(owner_client, "/organiser/account/sign-out-everywhere").location == (
        "/organiser/login")
    assert signed_out(owner_client)


# -- Two-factor sign-in -------------------------------------------------------------


@pytest.fixture
def codes_of_owner(owner_client, clock) -> list[str]:
    """Turn two-factor sign-in on for the owner; return the first recovery codes."""
    clock.set(START)
    _, codes = set_up(owner_client, clock)
    clock.advance(seconds=30)
    return codes


def sign_in_with(app, code: str) -> bool:
    client = app.test_client()
    sign_in(client, OWNER_EMAIL)
    return send_code(client, code).location == "/organiser/"


def test_new_recovery_codes_replace_the_old_ones(app, owner_client, codes_of_owner, owner):
    wrong = send(owner_client, "codes", password="not my password")
    assert "Your current password is not right." in field_error(wrong.text, "codes-password")

    page = send(owner_client, "codes", password=PASSWORD)
    assert "New recovery codes" in page.text
    assert "Your old recovery codes no longer work." in page.text
    assert page.headers["Cache-Control"] == "no-store"
    new = re.findall(r"<li><code>([a-z0-9]{5}-[a-z0-9]{5})</code></li>", page.text)
    assert len(set(new)) == 10 and not set(new) & set(codes_of_owner)
    assert "10 unused recovery codes" in owner_client.get(ACCOUNT).text

    assert not sign_in_with(app, codes_of_owner[0])
    assert sign_in_with(app, new[0])
    assert not sign_in_with(app, new[0])
    assert the_entry(app, "recovery_codes_replaced").actor_id == owner


def test_turning_two_factor_on_and_off_is_logged_once_each(
    app, owner_client, codes_of_owner, clock
):
    secret = stored_rows(app, Organiser)[0].totp_secret
    token = token_of(owner_client, ACCOUNT)
    off = owner_client.post("/organiser/account/two-factor/off", data={
        "csrf_token": token, "password": PASSWORD, "code": pyotp.TOTP(secret).at(clock())})
    assert off.location == ACCOUNT
    assert [e.actor_email for e in entries(app, "two_factor_on")] == [OWNER_EMAIL]
    assert [e.actor_email for e in entries(app, "two_factor_off")] == [OWNER_EMAIL]


def test_without_two_factor_there_are_no_recovery_codes_to_replace(app, owner_client):
    assert "Make new recovery codes" not in owner_client.get(ACCOUNT).text
    answer = send(owner_client, "codes", password=PASSWORD)
    assert answer.location == ACCOUNT
    assert "two-factor sign-in, which is off" in owner_client.get(ACCOUNT).text
    assert entries(app, "recovery_codes_replaced") == []


# -- Hostile input, CSRF -----------------------------------------------------------------


# What each new form holds when filled in right.
VALID = {
    "name": {"name": "Olga Owner"},
    "email": {"email": NEW_EMAIL, "password": PASSWORD},
    "password": {"current": PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    "codes": {"password": PASSWORD},
}


@pytest.mark.parametrize("value", NASTY[:20] + NASTY[-4:])
def test_a_hostile_value_in_any_field_of_the_new_forms_gets_a_form_error(
    app, owner_client, codes_of_owner, value
):
    for form, valid in VALID.items():
        for field in valid:
            answer = send(owner_client, form, **dict(valid, **{field: value}))
            where = (form, field, answer.status_code)
            if answer.status_code == 302:  # a name can be anything on one line
                assert (form, field) == ("name", "name"), where
                continue
            assert answer.status_code == 200, where
            assert 'class="field-error"' in answer.text, where
    assert app.test_client().get(f"/organiser/confirm-email/{value[:200]}").status_code < 500
    assert stored_rows(app, OutboxEmail, kind="email_change") == []
    assert stored_rows(app, OutboxEmail, kind="password_changed") == []
    # The password is still the one it was.
    assert sign_in(app.test_client(), OWNER_EMAIL).location == "/organiser/login/code"


def test_every_new_form_refuses_a_missing_csrf_token(app, owner_client, codes_of_owner):
    urls = [*FORMS.values(), "/organiser/account/email/cancel",
            "/organiser/account/sign-out-everywhere"]  # fmt: skip
    for url in urls:
        assert owner_client.post(url, data={}).status_code == 400, url
    send(owner_client, "email", email=NEW_EMAIL, password=PASSWORD)
    link = email_link(app)
    assert app.test_client().post(link, data={}).status_code == 400
    assert not signed_out(owner_client)
    assert stored_organiser(app, OWNER_EMAIL).name == "Olga Owner"


# -- In a browser ---------------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.slow
def test_in_a_browser_at_360_px_every_state_of_the_account_page_is_accessible(
    new_tab, organiser, clock
):
    from support.browser import PHONE
    from test_a11y import describe, violations_on

    def check(where: str) -> None:
        assert not (found := violations_on(tab)), f"{where}: {describe(found[0])}"
        width = tab.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"{where}: the page is {width} px wide"

    clock.set(START)
    tab = new_tab(**PHONE)
    organiser.sign_in(tab)
    tab.get_by_role("link", name="Your account").click()
    tab.locator("#password-current").fill("not my password")
    tab.get_by_role("button", name="Change password").click()
    tab.locator(".form-errors").wait_for()
    check("a refused new password")

    tab.locator("#email-email").fill("olga.new@example.org")
    tab.locator("#email-password").fill(organiser.password)
    tab.get_by_role("button", name="Send a confirmation link").click()
    tab.get_by_text("Waiting for confirmation").wait_for()
    check("a new email waiting")

    tab.get_by_role("button", name="Set up two-factor sign-in").click()
    secret = tab.locator("code").inner_text().replace(" ", "")
    tab.get_by_label("Code").fill(pyotp.TOTP(secret).at(clock()))
    tab.get_by_role("button", name="Turn two-factor sign-in on").click()
    tab.get_by_role("link", name="I have saved my recovery codes").click()
    check("two-factor sign-in on")

    tab.locator("#codes-password").fill(organiser.password)
    tab.get_by_role("button", name="Make new recovery codes").click()
    assert tab.locator(".recovery-codes li").count() == 10
    check("new recovery codes")


@pytest.mark.browser
@pytest.mark.slow
def test_without_javascript_a_name_is_changed_and_every_browser_signed_out(new_tab, organiser):
    tab, other = new_tab(javascript=False), new_tab(javascript=False)
    organiser.sign_in(tab)
    organiser.sign_in(other)
    tab.goto("/organiser/account")
    tab.get_by_label("Name", exact=True).fill("Olga Renamed")
    tab.get_by_role("button", name="Save name").click()
    tab.get_by_text("Your name is saved.").wait_for()
    assert tab.get_by_text("Signed in as Olga Renamed").is_visible()

    tab.get_by_role("button", name="Sign out everywhere").click()
    tab.wait_for_url("**/organiser/login")
    assert tab.get_by_text("You are signed out on every browser (2 sessions ended).").is_visible()
    other.goto("/organiser/")
    assert "/organiser/login" in other.url
