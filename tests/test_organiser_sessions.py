"""Organiser sessions end on the server: a copied cookie is worth nothing afterwards."""

from datetime import UTC, datetime

import pytest
from support.clock import Clock
from support.organisers import OWNER_EMAIL, PASSWORD, sign_in, token_of

from webinar import config as default_settings
from webinar.extensions import db
from webinar.models import OrganiserSession
from webinar.organiser.services.sessions import end_all_sessions

NEW_PASSWORD = "a brand new passphrase"


@pytest.fixture
def app_config(app_config) -> dict:
    """The settings of the tests, with the default idle time of a session."""
    app_config["LOGIN_IDLE_MINUTES"] = default_settings.LOGIN_IDLE_MINUTES
    return app_config


@pytest.fixture
def clock(clock) -> Clock:
    """Fix the app's time until the test moves it."""
    clock.set(datetime(2027, 3, 1, 9, 0, tzinfo=UTC))
    return clock


def copy_of_session(app, client):
    """Return a new client that carries a copy of this client's session cookie."""
    copy = app.test_client()
    copy.set_cookie("session", client.get_cookie("session").value)
    return copy


def sends_to_sign_in(client) -> bool:
    response = client.get("/organiser/")
    return response.status_code == 302 and response.location.startswith("/organiser/login")


def sign_out(client) -> None:
    token = token_of(client, "/organiser/")
    response = client.post("/organiser/logout", data={"csrf_token": token})
    assert response.location == "/organiser/login"


def stored_sessions(app) -> int:
    with app.app_context():
        return db.session.scalar(db.select(db.func.count()).select_from(OrganiserSession))


def test_a_copied_cookie_works_while_the_session_is_open(app, owner_client):
    copy = copy_of_session(app, owner_client)
    assert "Your talks" in copy.get("/organiser/").text


def test_a_cookie_copied_before_sign_out_no_longer_works_after_it(app, owner_client):
    copy = copy_of_session(app, owner_client)
    sign_out(owner_client)

    assert sends_to_sign_in(copy)
    assert sends_to_sign_in(owner_client)
    assert stored_sessions(app) == 0


def test_signing_out_on_one_browser_keeps_the_others_signed_in(app, signed_in, owner):
    laptop, phone = signed_in(OWNER_EMAIL), signed_in(OWNER_EMAIL)
    sign_out(laptop)
    assert sends_to_sign_in(laptop)
    assert phone.get("/organiser/").status_code == 200


def test_a_new_password_from_the_command_line_ends_every_session(
    app, runner, signed_in, owner
):
    laptop, phone = signed_in(OWNER_EMAIL), signed_in(OWNER_EMAIL)
    copy = copy_of_session(app, laptop)

    result = runner.invoke(
        args=["organiser", "set-password", OWNER_EMAIL, "--password-stdin"],
        input=NEW_PASSWORD + "\n",
    )

    assert result.exit_code == 0, result.output
    for client in (laptop, phone, copy):
        assert sends_to_sign_in(client)
    assert sign_in(laptop, OWNER_EMAIL, PASSWORD).status_code == 200
    assert sign_in(laptop, OWNER_EMAIL, NEW_PASSWORD).status_code == 302
    assert laptop.get("/organiser/").status_code == 200


def test_ending_all_sessions_of_one_organiser_leaves_the_others(
    app, signed_in, owner, make_organiser
):
    make_organiser("colleague@example.org")
    olga, colleague = signed_in(OWNER_EMAIL), signed_in("colleague@example.org")
    with app.app_context():
        assert end_all_sessions(owner) == 1
        db.session.commit()
    assert sends_to_sign_in(olga)
    assert colleague.get("/organiser/").status_code == 200


def test_a_session_unused_for_eight_hours_ends(app, clock, owner_client):
    assert app.config["LOGIN_IDLE_MINUTES"] == 8 * 60
    copy = copy_of_session(app, owner_client)
    clock.advance(hours=8)

    assert sends_to_sign_in(owner_client)
    assert sends_to_sign_in(copy)
    page = owner_client.get("/organiser/", follow_redirects=True)
    assert "Please sign in to use the organiser area." in page.text


def test_activity_within_the_idle_time_keeps_the_session_open(app, clock, owner_client):
    for _ in range(3):
        clock.advance(hours=7, minutes=59)
        assert owner_client.get("/organiser/").status_code == 200
    clock.advance(hours=8)
    assert sends_to_sign_in(owner_client)


def test_requests_within_a_minute_write_nothing(app, clock, owner_client):
    clock.advance(seconds=59)
    owner_client.get("/organiser/")
    with app.app_context():
        session = db.session.scalars(db.select(OrganiserSession)).one()
    assert session.last_seen_at == session.created_at


@pytest.fixture
def idle_after_ten_minutes(app_config):
    app_config["LOGIN_IDLE_MINUTES"] = 10


def test_the_idle_time_is_a_setting(idle_after_ten_minutes, app, clock, owner_client):
    clock.advance(minutes=9)
    assert owner_client.get("/organiser/").status_code == 200
    clock.advance(minutes=10)
    assert sends_to_sign_in(owner_client)


def test_the_purge_deletes_idle_sessions_and_keeps_open_ones(app, clock, signed_in, owner):
    from webinar.privacy import purge

    signed_in(OWNER_EMAIL)
    clock.advance(hours=7)
    recent = signed_in(OWNER_EMAIL)
    clock.advance(hours=2)

    with app.app_context():
        assert purge().organiser_sessions == 1
    assert stored_sessions(app) == 1
    assert recent.get("/organiser/").status_code == 200


def test_a_cookie_from_before_server_sessions_no_longer_signs_in(app, owner_client):
    with owner_client.session_transaction() as session:
        del session["organiser_session"]
    assert sends_to_sign_in(owner_client)


def test_a_form_sent_after_a_pause_is_accepted(app, clock, owner_client):
    token = token_of(owner_client, "/organiser/")
    clock.advance(minutes=5)
    response = owner_client.post("/organiser/logout", data={"csrf_token": token})
    assert response.location == "/organiser/login"
