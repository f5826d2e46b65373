"""Two-factor sign-in: set up with a QR code, a code after the password, recovery codes,
the lockout, turning it off, and the setting that requires it of every organiser."""

import base64
import re
from datetime import UTC, datetime

import pyotp
import pytest
from support.forms import csrf_token
from support.organisers import OWNER_EMAIL, PASSWORD, sign_in, token_of
from support.stored import stored_organiser, stored_rows
from test_hostile_input import NASTY
from test_organiser_access import organiser_rules, placeholder_arguments

from webinar.models import AuditEntry

START = datetime(2027, 3, 15, 9, 0, 10, tzinfo=UTC)
KEY_RE = re.compile(r"Key: <code>([A-Z2-7 ]+)</code>")
RECOVERY_RE = re.compile(r"<li><code>([a-z0-9]{5}-[a-z0-9]{5})</code></li>")


def code_now(secret: str, clock) -> str:
    """Return the code an authenticator app shows at the app's current time."""
    return pyotp.TOTP(secret).at(clock())


def set_up(client, clock) -> tuple[str, list[str]]:
    """Turn two-factor sign-in on through the pages; return the key and the recovery codes."""
    token = token_of(client, "/organiser/account")
    started = client.post("/organiser/account/two-factor/start", data={"csrf_token": token})
    assert started.location == "/organiser/account/two-factor"
    page = client.get("/organiser/account/two-factor").text
    secret = KEY_RE.search(page).group(1).replace(" ", "")
    done = client.post("/organiser/account/two-factor", data={
        "csrf_token": csrf_token(page), "code": code_now(secret, clock)})
    assert "Your recovery codes" in done.text
    return secret, RECOVERY_RE.findall(done.text)


def send_code(client, code: str):
    """Enter a code on the second step of sign-in."""
    token = token_of(client, "/organiser/login/code")
    return client.post("/organiser/login/code", data={"csrf_token": token, "code": code})


@pytest.fixture
def two_factor_owner(owner_client, clock) -> tuple[str, list[str]]:
    """The owner, with two-factor sign-in on; gives the key and the recovery codes."""
    clock.set(START)
    secret, codes = set_up(owner_client, clock)
    # A code counts once: the next sign-in uses the next one.
    clock.advance(seconds=30)
    return secret, codes


def test_setting_up_shows_a_qr_code_and_the_key_then_ten_recovery_codes_once(
    app, owner_client, clock
):
    clock.set(START)
    account = owner_client.get("/organiser/account").text
    assert "Set up two-factor sign-in" in account
    owner_client.post("/organiser/account/two-factor/start",
                      data={"csrf_token": csrf_token(account)})
    page = owner_client.get("/organiser/account/two-factor").text
    qr_code = re.search(r'<img class="qr-code" src="data:image/svg\+xml;base64,([^"]+)"', page)
    picture = qr_code.group(1)
    assert base64.b64decode(picture).startswith(b"<svg")
    secret = KEY_RE.search(page).group(1).replace(" ", "")

    wrong = owner_client.post("/organiser/account/two-factor",
                              data={"csrf_token": csrf_token(page), "code": "000000"})
    assert "That code is not right" in wrong.text
    assert not stored_organiser(app, OWNER_EMAIL).has_two_factor

    done = owner_client.post("/organiser/account/two-factor", data={
        "csrf_token": csrf_token(page), "code": code_now(secret, clock)})
    codes = RECOVERY_RE.findall(done.text)
    assert len(set(codes)) == 10
    assert done.headers["Cache-Control"] == "no-store"
    assert stored_organiser(app, OWNER_EMAIL).has_two_factor
    account = owner_client.get("/organiser/account").text
    assert "Two-factor sign-in is on" in account and "10 unused recovery codes" in account
    assert not any(code in account for code in codes)
    assert owner_client.get("/organiser/account/two-factor").location == "/organiser/account"


def test_sign_in_asks_a_code_after_the_password_and_signs_in_with_the_right_one(
    app, two_factor_owner, clock
):
    secret, _ = two_factor_owner
    client = app.test_client()
    password_step = sign_in(client, OWNER_EMAIL, next_url="/organiser/account")
    assert password_step.location == "/organiser/login/code?next=/organiser/account"
    # The right password alone signs nobody in.
    assert client.get("/organiser/").location.startswith("/organiser/login?next=")
    assert "Enter your code" in client.get("/organiser/login/code").text

    assert "That code is not right" in send_code(client, "123456").text
    signed_in = send_code(client, code_now(secret, clock))
    assert signed_in.location == "/organiser/"
    assert client.get("/organiser/").status_code == 200


def test_a_code_signs_in_only_once(app, two_factor_owner, clock):
    secret, _ = two_factor_owner
    first, second = app.test_client(), app.test_client()
    sign_in(first, OWNER_EMAIL)
    sign_in(second, OWNER_EMAIL)
    code = code_now(secret, clock)
    assert send_code(first, code).status_code == 302
    assert "That code is not right, or it was used already." in send_code(second, code).text
    assert second.get("/organiser/").status_code == 302


def test_a_recovery_code_signs_in_once_and_the_second_use_fails(app, two_factor_owner):
    _, codes = two_factor_owner
    first = app.test_client()
    sign_in(first, OWNER_EMAIL)
    assert send_code(first, codes[3].upper().replace("-", " ")).location == "/organiser/"
    assert "9 unused recovery codes" in first.get("/organiser/account").text

    second = app.test_client()
    sign_in(second, OWNER_EMAIL)
    assert "That code is not right" in send_code(second, codes[3]).text
    assert second.get("/organiser/").status_code == 302


def test_repeated_wrong_codes_lock_the_account_like_wrong_passwords(app, two_factor_owner, clock):
    secret, codes = two_factor_owner
    client = app.test_client()
    sign_in(client, OWNER_EMAIL)
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        assert "That code is not right" in send_code(client, "000000").text
    assert stored_organiser(app, OWNER_EMAIL).locked_until is not None

    assert "That code is not right" in send_code(client, code_now(secret, clock)).text
    assert "That code is not right" in send_code(client, codes[0]).text
    again = app.test_client()
    assert "Email or password is incorrect." in sign_in(again, OWNER_EMAIL).text
    assert client.get("/organiser/").status_code == 302

    # The lock ends on time, and the recovery code tried while locked still works.
    clock.advance(minutes=app.config["LOGIN_LOCKOUT_MINUTES"], seconds=1)
    later = app.test_client()
    sign_in(later, OWNER_EMAIL)
    assert send_code(later, codes[0]).location == "/organiser/"


def test_the_right_password_does_not_clear_the_wrong_codes_before_it(app, two_factor_owner):
    client = app.test_client()
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        assert sign_in(client, OWNER_EMAIL).location.startswith("/organiser/login/code")
        send_code(client, "000000")
    assert stored_organiser(app, OWNER_EMAIL).locked_until is not None


def test_the_code_step_needs_the_password_first_and_lasts_five_minutes(
    app, client, two_factor_owner, clock
):
    secret, _ = two_factor_owner
    assert client.get("/organiser/login/code").location == "/organiser/login"
    sign_in(client, OWNER_EMAIL)
    token = token_of(client, "/organiser/login/code")
    clock.advance(minutes=5)
    late = client.post("/organiser/login/code",
                       data={"csrf_token": token, "code": code_now(secret, clock)})
    assert late.location == "/organiser/login"
    assert "Please sign in again." in client.get("/organiser/login").text


def test_turning_two_factor_off_needs_the_password_and_a_current_code(
    app, owner_client, two_factor_owner, clock
):
    secret, _ = two_factor_owner
    token = token_of(owner_client, "/organiser/account")

    def turn_off(password: str, code: str):
        return owner_client.post("/organiser/account/two-factor/off",
                                 data={"csrf_token": token, "password": password, "code": code})

    assert "The password or the code is not right." in turn_off("wrong password",
                                                                code_now(secret, clock)).text
    assert "The password or the code is not right." in turn_off(PASSWORD, "000000").text
    assert "Enter the code." in turn_off(PASSWORD, "").text
    assert stored_organiser(app, OWNER_EMAIL).has_two_factor

    assert turn_off(PASSWORD, code_now(secret, clock)).location == "/organiser/account"
    assert "Two-factor sign-in is off." in owner_client.get("/organiser/account").text
    assert sign_in(app.test_client(), OWNER_EMAIL).location == "/organiser/"


def test_required_two_factor_keeps_a_new_organiser_on_the_set_up_for_every_page(
    app, owner_client, clock, make_event, owner
):
    app.config["REQUIRE_TWO_FACTOR"] = True
    clock.set(START)
    event = make_event(owner_id=owner)
    token = token_of(owner_client, "/organiser/account")
    # Signing out everywhere stays open (tests/test_organiser_account.py checks it).
    allowed = {"organiser.account", "organiser.start_two_factor",
               "organiser.set_up_two_factor", "organiser.logout", "organiser.sign_out_everywhere"}
    for rule, method in organiser_rules(app):
        if rule.endpoint in allowed:
            continue
        url = rule.build(placeholder_arguments(rule, {"event_id": event.id}))[1]
        response = (owner_client.get(url) if method == "GET"
                    else owner_client.post(url, data={"csrf_token": token}))
        assert response.location == "/organiser/account", (method, rule.rule)
    assert "This site requires two-factor sign-in" in owner_client.get("/organiser/account").text

    set_up(owner_client, clock)
    assert owner_client.get("/organiser/").status_code == 200
    assert owner_client.get(f"/organiser/events/{event.id}").status_code == 200


@pytest.mark.parametrize("value", NASTY[:20] + NASTY[-4:])
def test_hostile_codes_are_refused_without_an_error(app, two_factor_owner, owner_client, value):
    client = app.test_client()
    sign_in(client, OWNER_EMAIL)
    assert send_code(client, value).status_code == 200
    token = token_of(owner_client, "/organiser/account")
    off = owner_client.post("/organiser/account/two-factor/off",
                            data={"csrf_token": token, "password": value, "code": value})
    assert off.status_code == 200
    assert stored_organiser(app, OWNER_EMAIL).has_two_factor


@pytest.mark.parametrize("value", NASTY[:20] + NASTY[-4:])
def test_hostile_codes_do_not_confirm_a_set_up(app, owner_client, value):
    token = token_of(owner_client, "/organiser/account")
    owner_client.post("/organiser/account/two-factor/start", data={"csrf_token": token})
    answer = owner_client.post("/organiser/account/two-factor",
                               data={"csrf_token": token, "code": value})
    assert answer.status_code == 200
    assert not stored_organiser(app, OWNER_EMAIL).has_two_factor


def test_every_new_form_refuses_a_missing_csrf_token(app, owner_client, client, two_factor_owner):
    for url in ("/organiser/account/two-factor/start", "/organiser/account/two-factor",
                "/organiser/account/two-factor/off"):
        assert owner_client.post(url, data={"code": "123456"}).status_code == 400, url
    sign_in(client, OWNER_EMAIL)
    assert client.post("/organiser/login/code", data={"code": "123456"}).status_code == 400


@pytest.mark.browser
@pytest.mark.slow
def test_in_a_browser_the_set_up_and_the_code_step_have_no_accessibility_violation(
    page, organiser, clock
):
    from test_a11y import describe, violations_on

    clock.set(START)
    organiser.sign_in(page)
    page.get_by_role("link", name="Your account").click()
    page.get_by_role("button", name="Set up two-factor sign-in").click()
    secret = page.locator("code").inner_text().replace(" ", "")
    page.get_by_label("Code").fill(code_now(secret, clock))
    page.get_by_role("button", name="Turn two-factor sign-in on").click()
    assert page.locator(".recovery-codes li").count() == 10
    assert not (found := violations_on(page)), describe(found[0])

    page.get_by_role("button", name="Sign out").click()
    clock.advance(seconds=30)
    page.get_by_label("Email").fill(organiser.email)
    page.get_by_label("Password").fill(organiser.password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/organiser/login/code")
    assert not (found := violations_on(page)), describe(found[0])
    page.get_by_label("Code").fill(code_now(secret, clock))
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/organiser/")


def test_the_audit_log_records_the_sign_in_after_the_code_not_after_the_password(
    app, two_factor_owner, clock
):
    secret, codes = two_factor_owner
    before = [entry.id for entry in stored_rows(app, AuditEntry)]
    client = app.test_client()
    sign_in(client, OWNER_EMAIL)
    assert [e.id for e in stored_rows(app, AuditEntry)] == before, "the password alone"
    send_code(client, "123456")
    send_code(client, code_now(secret, clock))
    new = [(e.action, e.actor_email, e.details) for e in stored_rows(app, AuditEntry)
           if e.id not in before]  # fmt: skip
    assert new == [("sign_in_failed", OWNER_EMAIL, "wrong code"), ("sign_in", OWNER_EMAIL, "")]
