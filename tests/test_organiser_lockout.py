"""The sign-in lockout under concurrent attempts, and what a locked account gives away."""

import re
import threading
import time
from datetime import timedelta

import pytest
from support.forms import csrf_token
from support.organisers import OWNER_EMAIL, PASSWORD, sign_in
from support.stored import stored_organiser

from webinar.models import utcnow
from webinar.organiser.services import accounts

BURST = 20


def sign_in_together(app, passwords: list[str], start: threading.Barrier) -> list[int]:
    """Send one sign-in per password, each from its own client, all released at once.

    Return the status codes in the order of `passwords` (302 signed in, 200 refused).
    """
    statuses: list[int | None] = [None] * len(passwords)
    failures: list[BaseException] = []

    def attempt(index: int, password: str) -> None:
        try:
            client = app.test_client()
            token = csrf_token(client.get("/organiser/login").data)
            start.wait(timeout=30)
            response = client.post(
                "/organiser/login",
                data={"csrf_token": token, "email": OWNER_EMAIL, "password": password},
            )
            statuses[index] = response.status_code
        except BaseException as error:  # re-raised in the test's thread
            failures.append(error)

    threads = [
        threading.Thread(target=attempt, args=(index, password))
        for index, password in enumerate(passwords)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    if failures:
        raise failures[0]
    return statuses


def wait_until_locked(app, timeout: float = 60) -> None:
    """Return as soon as the owner's account is locked."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if stored_organiser(app, OWNER_EMAIL).locked_until is not None:
            return
        time.sleep(0.005)
    raise AssertionError("the account was never locked")


def test_twenty_concurrent_wrong_passwords_lock_the_account_after_exactly_five(
    app, client, owner
):
    statuses = sign_in_together(app, ["wrong password"] * BURST, threading.Barrier(BURST))

    assert statuses == [200] * BURST
    locked = stored_organiser(app, OWNER_EMAIL)
    assert locked.failed_logins == app.config["LOGIN_MAX_FAILURES"] == 5
    assert locked.locked_until > utcnow() + timedelta(minutes=14)
    assert "Email or password is incorrect." in sign_in(client, OWNER_EMAIL, PASSWORD).text
    assert client.get("/organiser/").status_code == 302


def test_the_right_password_sent_during_the_burst_once_locked_does_not_sign_in(app, owner):
    start = threading.Barrier(BURST + 1)
    outcome: dict[str, int] = {}

    def right_password_once_locked() -> None:
        start.wait(timeout=30)
        wait_until_locked(app)
        outcome["status"] = sign_in(app.test_client(), OWNER_EMAIL, PASSWORD).status_code

    late = threading.Thread(target=right_password_once_locked)
    late.start()
    statuses = sign_in_together(app, ["wrong password"] * BURST, start)
    late.join(timeout=120)

    assert statuses == [200] * BURST
    assert outcome["status"] == 200
    assert stored_organiser(app, OWNER_EMAIL).failed_logins == 5


def test_a_lock_set_while_the_right_password_is_being_checked_wins(
    app, client, owner, monkeypatch
):
    for _ in range(4):
        sign_in(client, OWNER_EMAIL, "wrong password")
    real_check = accounts.check_password_hash

    def fifth_failure_arrives_meanwhile(password_hash: str, password: str) -> bool:
        matches = real_check(password_hash, password)
        if password == PASSWORD:
            other = threading.Thread(
                target=sign_in, args=(app.test_client(), OWNER_EMAIL, "wrong password")
            )
            other.start()
            other.join(timeout=60)
        return matches

    monkeypatch.setattr(accounts, "check_password_hash", fifth_failure_arrives_meanwhile)
    response = sign_in(client, OWNER_EMAIL, PASSWORD)

    assert "Email or password is incorrect." in response.text
    assert client.get("/organiser/").status_code == 302
    assert stored_organiser(app, OWNER_EMAIL).locked_until is not None


@pytest.fixture
def three_failures(app_config):
    app_config["LOGIN_MAX_FAILURES"] = 3


def test_a_burst_locks_after_the_configured_number_of_failures(three_failures, app, owner):
    sign_in_together(app, ["wrong password"] * BURST, threading.Barrier(BURST))

    locked = stored_organiser(app, OWNER_EMAIL)
    assert locked.failed_logins == 3
    assert locked.locked_until is not None


def test_failures_count_again_from_one_once_a_lock_has_ended(app, client, owner, clock):
    for _ in range(5):
        sign_in(client, OWNER_EMAIL, "wrong password")
    clock.advance(minutes=15, seconds=1)

    sign_in(client, OWNER_EMAIL, "wrong again")

    after = stored_organiser(app, OWNER_EMAIL)
    assert after.failed_logins == 1
    assert after.locked_until is None


def lock(client) -> None:
    for _ in range(5):
        sign_in(client, OWNER_EMAIL, "wrong password")


def without_form_values(page: str) -> str:
    """Return the page with the CSRF token and the typed email taken out."""
    page = re.sub(r'name="csrf_token" type="hidden" value="[^"]+"', "", page)
    return re.sub(r'value="[^"]*@example\.org"', "", page)


def test_a_locked_account_and_an_unknown_address_get_the_same_page(client, owner):
    lock(client)
    locked = sign_in(client, OWNER_EMAIL, PASSWORD)
    unknown = sign_in(client, "nobody@example.org", PASSWORD)

    assert locked.status_code == unknown.status_code == 200
    assert "Email or password is incorrect." in locked.text
    assert without_form_values(locked.text) == without_form_values(unknown.text)


@pytest.fixture
def password_checks(monkeypatch) -> list[str]:
    """Record each password hash check of a sign-in, still doing the real work."""
    checks: list[str] = []
    real_check = accounts.check_password_hash

    def counted(password_hash: str, password: str) -> bool:
        checks.append(password_hash)
        return real_check(password_hash, password)

    monkeypatch.setattr(accounts, "check_password_hash", counted)
    return checks


def test_a_locked_account_and_an_unknown_address_do_the_same_hashing_work(
    client, owner, password_checks
):
    lock(client)
    password_checks.clear()
    sign_in(client, OWNER_EMAIL, PASSWORD)
    locked_checks = list(password_checks)
    password_checks.clear()
    sign_in(client, "nobody@example.org", PASSWORD)
    unknown_checks = list(password_checks)

    assert len(locked_checks) == len(unknown_checks) == 1
    # The same kind of hash, so the work takes the same time.
    assert locked_checks[0].split("$")[0] == unknown_checks[0].split("$")[0]
