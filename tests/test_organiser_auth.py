"""Signing in and out of the organiser area, the lockout, the rate limit, the CLI."""

from datetime import timedelta

import pytest
from support.organisers import OWNER_EMAIL, PASSWORD, sign_in, token_of
from support.stored import stored_organiser
from werkzeug.security import check_password_hash

from webinar import create_app
from webinar.extensions import db
from webinar.models import Event, utcnow
from webinar.organiser.services.accounts import create_demo_organiser, hash_password


def test_sign_in_leads_to_the_dashboard(client, owner):
    response = sign_in(client, OWNER_EMAIL)
    assert response.status_code == 302
    assert response.location == "/organiser/"
    assert "Your talks" in client.get("/organiser/").text


def test_email_is_matched_without_regard_to_case(client, owner):
    assert sign_in(client, "  Olga@Example.ORG ").status_code == 302


def test_wrong_password_and_unknown_email_get_the_same_generic_message(client, owner):
    wrong_password = sign_in(client, OWNER_EMAIL, "not the password at all")
    unknown_email = sign_in(client, "nobody@example.org")
    for response in (wrong_password, unknown_email):
        assert response.status_code == 200
        assert "Email or password is incorrect." in response.text
    assert client.get("/organiser/").status_code == 302


def test_sign_in_starts_a_new_session(client, owner):
    client.get("/organiser/login")
    with client.session_transaction() as session:
        session["planted"] = "by someone else"
    sign_in(client, OWNER_EMAIL)
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session["_user_id"]


def test_sign_out_is_a_post_that_ends_the_session(owner_client):
    assert owner_client.get("/organiser/logout").status_code == 405
    response = owner_client.post(
        "/organiser/logout", data={"csrf_token": token_of(owner_client, "/organiser/")}
    )
    assert response.location == "/organiser/login"
    assert "You are signed out." in owner_client.get("/organiser/login").text
    assert owner_client.get("/organiser/").status_code == 302


def test_next_path_on_this_site_is_followed(client, owner):
    response = sign_in(client, OWNER_EMAIL, next_url="/organiser/events/new?from=menu")
    assert response.location == "/organiser/events/new?from=menu"


@pytest.mark.parametrize(
    "target",
    ["https://evil.example/", "//evil.example", "/\\evil.example", "/\t/evil.example", "evil"],
)
def test_next_to_another_site_is_ignored(client, owner, target):
    page = client.get("/organiser/login?next=" + target.replace("\t", "%09"))
    assert "evil.example" not in page.text
    response = sign_in(client, OWNER_EMAIL, next_url=target)
    assert response.location == "/organiser/"


def test_visitor_sent_to_sign_in_comes_back_to_the_page_asked_for(client, owner):
    response = client.get("/organiser/events/new")
    assert response.location == "/organiser/login?next=%2Forganiser%2Fevents%2Fnew"
    page = client.get(response.location)
    assert "Please sign in to use the organiser area." in page.text
    assert sign_in(client, OWNER_EMAIL, next_url="/organiser/events/new").location == (
        "/organiser/events/new"
    )


def test_five_failures_lock_the_account_even_for_the_right_password(app, client, owner):
    for _ in range(5):
        assert "Email or password is incorrect." in sign_in(client, OWNER_EMAIL, "wrong").text
    locked = stored_organiser(app, OWNER_EMAIL)
    assert locked.locked_until > utcnow() + timedelta(minutes=14)

    response = sign_in(client, OWNER_EMAIL, PASSWORD)
    assert "Email or password is incorrect." in response.text
    assert client.get("/organiser/").status_code == 302


def test_four_failures_then_the_right_password_signs_in_and_resets_the_count(app, client, owner):
    for _ in range(4):
        sign_in(client, OWNER_EMAIL, "wrong")
    assert sign_in(client, OWNER_EMAIL).status_code == 302
    assert stored_organiser(app, OWNER_EMAIL).failed_logins == 0


def test_lock_ends_after_fifteen_minutes(app, client, owner, clock):
    for _ in range(5):
        sign_in(client, OWNER_EMAIL, "wrong")
    clock.advance(minutes=15, seconds=1)
    assert sign_in(client, OWNER_EMAIL).status_code == 302


@pytest.fixture
def rate_limited(app_config):
    """Turn the rate limiter on, with three sign-in attempts a minute."""
    app_config.update(RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="3 per minute")


def test_sign_in_attempts_are_rate_limited_per_address(rate_limited, client):
    responses = [sign_in(client, "nobody@example.org") for _ in range(4)]
    assert [response.status_code for response in responses] == [200, 200, 200, 429]
    assert "Too many requests" in responses[-1].text
    # Showing the form is not an attempt.
    assert client.get("/organiser/login").status_code == 200


def test_cli_creates_an_organiser_with_a_password_from_stdin(app, runner):
    result = runner.invoke(
        args=["organiser", "create", "Ada@Example.org", "--name", "Ada", "--password-stdin"],
        input=PASSWORD + "\n",
    )
    assert result.exit_code == 0, result.output
    assert "Created organiser ada@example.org." in result.output
    ada = stored_organiser(app, "ada@example.org")
    assert ada.password_hash.startswith("scrypt:")
    assert check_password_hash(ada.password_hash, PASSWORD)
    assert not ada.is_admin


def test_passwords_are_hashed_with_scrypt_at_its_full_cost(app_config):
    del app_config["PASSWORD_HASH_METHOD"]  # the tests' cheaper one: back to the default
    app = create_app(app_config)
    with app.app_context():
        stored = hash_password(PASSWORD)
    assert stored.startswith("scrypt:32768:8:1$")
    assert check_password_hash(stored, PASSWORD)


def test_cli_asks_for_the_password_twice(app, runner):
    result = runner.invoke(
        args=["organiser", "create", "root@example.org", "--name", "Root", "--admin"],
        input=f"{PASSWORD}\n{PASSWORD}\n",
    )
    assert result.exit_code == 0, result.output
    assert "Repeat for confirmation" in result.output
    assert PASSWORD not in result.output
    assert stored_organiser(app, "root@example.org").is_admin


def test_cli_refuses_a_short_password_and_a_duplicate_email(runner, owner):
    short = runner.invoke(
        args=["organiser", "create", "b@example.org", "--name", "B", "--password-stdin"],
        input="short\n",
    )
    assert short.exit_code != 0
    assert "at least 12 characters" in short.output
    duplicate = runner.invoke(
        args=["organiser", "create", OWNER_EMAIL, "--name", "B", "--password-stdin"],
        input=PASSWORD + "\n",
    )
    assert duplicate.exit_code != 0
    assert "already exists" in duplicate.output


def test_cli_lists_organisers(runner, make_organiser):
    make_organiser("zoe@example.org", "Zoe", is_admin=True)
    make_organiser("adam@example.org", "Adam")
    output = runner.invoke(args=["organiser", "list"]).output
    assert output.splitlines() == ["adam@example.org\tAdam", "zoe@example.org\tZoe (admin)"]


def test_cli_set_password_changes_it_and_lifts_a_lock(app, client, runner, owner):
    for _ in range(5):
        sign_in(client, OWNER_EMAIL, "wrong")
    new_password = "a brand new passphrase"
    result = runner.invoke(
        args=["organiser", "set-password", OWNER_EMAIL, "--password-stdin"],
        input=new_password + "\n",
    )
    assert result.exit_code == 0, result.output
    assert sign_in(client, OWNER_EMAIL, PASSWORD).status_code == 200
    assert sign_in(client, OWNER_EMAIL, new_password).status_code == 302


def test_cli_set_password_for_an_unknown_email_says_so(runner):
    result = runner.invoke(
        args=["organiser", "set-password", "ghost@example.org", "--password-stdin"],
        input=PASSWORD + "\n",
    )
    assert result.exit_code != 0
    assert "No organiser has the email ghost@example.org." in result.output


def test_demo_organiser_owns_the_events_without_owner_and_is_made_once(
    app, client, make_event, owner
):
    orphan = make_event()
    owned = make_event(owner_id=owner)
    with app.app_context():
        email, password = create_demo_organiser()
        again = create_demo_organiser()
    assert email == "demo@example.org"
    assert len(password) >= 12
    assert again == ("demo@example.org", None)
    with app.app_context():
        owners = dict(db.session.execute(db.select(Event.id, Event.owner_id)).all())
    demo = stored_organiser(app, email)
    assert owners == {orphan.id: demo.id, owned.id: owner}
    assert sign_in(client, email, password).status_code == 302
