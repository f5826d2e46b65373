"""Forgot your password: a single-use link by email, the password rules, and what a reset ends."""

import hashlib
import re
from datetime import timedelta

import pytest
from support.forms import CSRF_RE, csrf_token
from support.mail import text_of
from support.organisers import OWNER_EMAIL, PASSWORD, sign_in

from webinar.extensions import db
from webinar.models import OutboxEmail, PasswordResetToken
from webinar.organiser.services.accounts import AccountError, check_password_rule
from webinar.privacy import purge

NEW_PASSWORD = "violet kettle under the stairs"
FORGOT = "/organiser/forgot-password"


def ask_for_link(client, email: str, follow_redirects: bool = True):
    """Send the "Forgot your password?" form for an address and return the answer."""
    page = client.get(FORGOT)
    data = {"csrf_token": csrf_token(page.data), "email": email}
    return client.post(FORGOT, data=data, follow_redirects=follow_redirects)


def choose_password(client, link: str, password: str, again: str | None = None):
    """Send the new password form of a reset link and return the answer."""
    page = client.get(link)
    data = {"csrf_token": csrf_token(page.data), "password": password,
            "confirm": password if again is None else again}  # fmt: skip
    return client.post(link, data=data)


def reset_link(app, client, email: str = OWNER_EMAIL) -> str:
    """Ask for a link and return its path, read from the email in the outbox."""
    assert "Check your email" in ask_for_link(client, email).text
    with app.app_context():
        body = db.session.scalars(
            db.select(OutboxEmail.text_body)
            .where(OutboxEmail.kind == "password_reset", OutboxEmail.recipient == email)
            .order_by(OutboxEmail.id.desc())
        ).first()
    return re.search(r"http://webinar\.test(/organiser/reset-password/\S+)", body).group(1)


def outbox_kinds(app) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(db.select(OutboxEmail.kind).order_by(OutboxEmail.id)))


def sends_to_sign_in(client) -> bool:
    response = client.get("/organiser/")
    return response.status_code == 302 and response.location.startswith("/organiser/login")


def field_error(html: str, field: str) -> str:
    match = re.search(rf'<p class="field-error" id="{field}-error">([^<]*)</p>', html)
    return match.group(1) if match else ""


def test_the_sign_in_page_offers_a_way_back_in_for_a_forgotten_password(client):
    page = client.get("/organiser/login").text
    assert f'<a href="{FORGOT}">Forgot your password?</a>' in page
    form = client.get(FORGOT).text
    assert "Forgot your password?" in form and '<label for="email">Email</label>' in form


def test_a_forgotten_password_is_replaced_through_the_emailed_link(
    smtp_server, inbox, app, client, owner
):
    answer = ask_for_link(client, OWNER_EMAIL)
    assert "Check your email" in answer.text

    (email,) = inbox.deliver()
    assert email["To"] == OWNER_EMAIL
    assert email["Subject"] == "Choose a new password for Webinar"
    assert "The link works once, within 60 minutes." in text_of(email)
    (link,) = inbox.links(email)
    assert link.startswith("/organiser/reset-password/")

    page = client.get(link)
    assert page.status_code == 200
    assert "Choose a new password" in page.text and OWNER_EMAIL in page.text
    done = choose_password(client, link, NEW_PASSWORD)
    assert done.status_code == 302 and done.location == "/organiser/login"
    assert "Your password is changed. Sign in with it." in client.get(done.location).text

    (notice,) = inbox.deliver()
    assert notice["Subject"] == "Your password for Webinar was changed"
    assert "every browser signed in to the account was signed out" in text_of(notice)
    assert sign_in(app.test_client(), OWNER_EMAIL, PASSWORD).status_code == 200
    assert sign_in(client, OWNER_EMAIL, NEW_PASSWORD).status_code == 302
    assert "Your talks" in client.get("/organiser/").text


def without_csrf_token(html: bytes) -> bytes:
    return CSRF_RE.sub("", html.decode()).encode()


def test_the_answer_for_an_unknown_address_is_the_same_byte_for_byte(app, owner):
    known_client, unknown_client = app.test_client(), app.test_client()
    known = ask_for_link(known_client, OWNER_EMAIL, follow_redirects=False)
    unknown = ask_for_link(unknown_client, "nobody@example.org", follow_redirects=False)
    assert known.status_code == unknown.status_code == 303
    assert known.headers == unknown.headers
    assert known.data == unknown.data

    known, unknown = known_client.get(known.location), unknown_client.get(unknown.location)
    assert known.status_code == unknown.status_code == 200
    assert "Check your email" in known.text
    assert without_csrf_token(known.data) == without_csrf_token(unknown.data)
    assert b"nobody@example.org" not in unknown.data
    assert outbox_kinds(app) == ["password_reset"]


def test_a_reset_ends_every_session_of_the_account(app, client, owner_client):
    assert "Your talks" in owner_client.get("/organiser/").text
    link = reset_link(app, client)
    assert not sends_to_sign_in(owner_client)  # asking for a link changes nothing yet

    choose_password(client, link, NEW_PASSWORD)

    assert sends_to_sign_in(owner_client)


def test_a_reset_lifts_a_lockout(app, client, owner):
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        sign_in(client, OWNER_EMAIL, "not the password at all")
    assert sign_in(client, OWNER_EMAIL, PASSWORD).status_code == 200  # locked

    choose_password(client, reset_link(app, client), NEW_PASSWORD)

    assert sign_in(client, OWNER_EMAIL, NEW_PASSWORD).status_code == 302


def test_a_link_works_only_once(app, client, owner):
    link = reset_link(app, client)
    choose_password(client, link, NEW_PASSWORD)

    again = client.get(link)
    assert again.status_code == 410
    assert "This link was already used" in again.text
    assert 'href="/organiser/forgot-password">Ask for a new link' in again.text
    token = csrf_token(client.get("/organiser/login").data)
    second = {"csrf_token": token, "password": "another long passphrase"}
    assert client.post(link, data=dict(second, confirm=second["password"])).status_code == 410
    assert sign_in(client, OWNER_EMAIL, NEW_PASSWORD).status_code == 302


def test_a_new_link_voids_nothing_but_using_one_voids_the_others(app, client, owner):
    first, second = reset_link(app, client), reset_link(app, client)
    choose_password(client, second, NEW_PASSWORD)
    assert client.get(first).status_code == 410


def test_a_link_expires_after_an_hour(app, client, owner, clock):
    link = reset_link(app, client)
    clock.advance(minutes=59)
    assert client.get(link).status_code == 200
    clock.advance(minutes=1)

    page = client.get(link)
    assert page.status_code == 410
    assert "This link has expired" in page.text
    assert sign_in(client, OWNER_EMAIL, PASSWORD).status_code == 302


def test_an_unknown_link_says_it_does_not_work(client):
    page = client.get("/organiser/reset-password/made-up")
    assert page.status_code == 404
    assert "This link does not work" in page.text


def test_links_are_stored_only_as_hashes_and_purged_once_expired(app, client, owner, clock):
    link = reset_link(app, client)
    token = link.rsplit("/", 1)[1]
    with app.app_context():
        (stored,) = db.session.scalars(db.select(PasswordResetToken)).all()
        assert stored.token_hash == hashlib.sha256(token.encode()).hexdigest()
        assert stored.expires_at - stored.created_at == timedelta(hours=1)
    clock.advance(minutes=61)
    with app.app_context():
        assert purge().reset_links == 1
        assert db.session.scalar(db.select(db.func.count(PasswordResetToken.id))) == 0


def test_one_account_gets_at_most_three_links_an_hour(app, client, owner):
    for _ in range(5):
        assert "Check your email" in ask_for_link(client, OWNER_EMAIL).text
    assert outbox_kinds(app) == ["password_reset"] * 3


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("too short", "The password must be at least 12 characters long."),
        ("password1234", "This password is among the first ones people try"),
        ("123456789012", "This password is among the first ones people try"),
        ("qwertyuiopas", "This password is among the first ones people try"),
        ("Olga rides her bike", "must not contain your name or the first part of your email"),
        ("my name is owner!", "must not contain your name or the first part of your email"),
    ],
)
def test_the_rules_refuse_a_weak_password_next_to_the_field(app, client, owner, password, message):
    link = reset_link(app, client)
    page = choose_password(client, link, password)

    assert page.status_code == 200
    assert message in field_error(page.text, "password")
    assert 'aria-describedby="password-hint password-error"' in page.text
    assert sign_in(app.test_client(), OWNER_EMAIL, PASSWORD).status_code == 302
    assert client.get(link).status_code == 200  # the link still works


def test_the_two_passwords_must_match(app, client, owner):
    page = choose_password(client, reset_link(app, client), NEW_PASSWORD, NEW_PASSWORD + "!")
    assert field_error(page.text, "confirm") == "The two passwords are not the same."


@pytest.mark.parametrize(
    "password",
    ["Password1234!", "aaaaaaaaaaaa", "abcabcabcabc", "iloveyou2024", "1qaz2wsx3edc",
     "passwordpassword", "Webinar 2027!!"],
)  # fmt: skip
def test_common_passwords_and_patterns_are_refused(password):
    with pytest.raises(AccountError, match="among the first ones people try"):
        check_password_rule(password)


@pytest.mark.parametrize(
    "password", ["correct horse battery", "violet kettle under the stairs", "Zq8#rT!m2vPq"]
)
def test_long_unusual_passwords_need_no_particular_characters(password):
    check_password_rule(password, "ada@example.org", "Ada Lovelace")


def test_the_command_line_applies_the_same_rules(runner, owner):
    result = runner.invoke(
        args=["organiser", "set-password", OWNER_EMAIL, "--password-stdin"],
        input="olga-owner-2027\n",
    )
    assert result.exit_code != 0
    assert "must not contain your name" in result.output


def test_the_new_forms_carry_a_csrf_token_and_refuse_a_post_without_it(app, client, owner):
    assert csrf_token(client.get(FORGOT).data)
    refused = client.post(FORGOT, data={"email": OWNER_EMAIL})
    assert refused.status_code == 400 and "Check your email" not in refused.text
    assert outbox_kinds(app) == []

    link = reset_link(app, client)
    assert csrf_token(client.get(link).data)
    refused = client.post(link, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert refused.status_code == 400
    assert sign_in(client, OWNER_EMAIL, PASSWORD).status_code == 302


HOSTILE = ["olga@example.org\r\nBcc: evil@example.org", "a\x00b", "\x00" * 20, "x" * 100_000,
           "<script>alert(1)</script>" * 10, "\u202e\u2028", ""]  # fmt: skip


def test_hostile_input_gets_an_answer_not_an_error(app, client, owner):
    for value in HOSTILE:
        assert ask_for_link(client, value, follow_redirects=False).status_code in (200, 303)
    link = reset_link(app, client)
    for value in HOSTILE:
        assert choose_password(client, link, value, value + "x").status_code == 200
        assert choose_password(client, link, NEW_PASSWORD, value).status_code == 200
    token = csrf_token(client.get("/organiser/login").data)
    for value in HOSTILE:
        # Refused by the rules, or accepted (then the link is used).
        data = {"csrf_token": token, "password": value, "confirm": value}
        assert client.post(link, data=data).status_code in (200, 302, 410)
    for value in ("%00", "x" * 5000, "%0d%0aSet-Cookie:x=y", "..%2f..%2fetc"):
        assert client.get(f"/organiser/reset-password/{value}").status_code in (400, 404)
    with app.app_context():
        recipients = set(db.session.scalars(db.select(OutboxEmail.recipient)))
    assert recipients == {OWNER_EMAIL}


@pytest.fixture
def limits_on(app_config):
    app_config.update(RATELIMIT_ENABLED=True, PASSWORD_RESET_RATE_LIMIT="2 per minute")
    return app_config


def test_asking_for_links_is_rate_limited_per_client(limits_on, app, client):
    for email in ("a@example.org", "b@example.org"):
        assert ask_for_link(client, email, follow_redirects=False).status_code == 303
    assert ask_for_link(client, "c@example.org", follow_redirects=False).status_code == 429
