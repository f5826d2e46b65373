"""Production settings: what the app refuses to start with, `flask check`, proxies and hosts."""

import subprocess
import sys
from pathlib import Path

import pytest
from support.processes import free_port, terminal_environment

from webinar import create_app
from webinar.checks import ConfigurationError

ROOT = Path(__file__).resolve().parent.parent
GOOD = {
    "SECRET_KEY": "a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5",
    "PUBLIC_URL": "https://talks.example.org",
}


def production_app(tmp_path, **settings):
    """Create the app as gunicorn would (no testing, no debug) with these settings."""
    config = {
        **GOOD,
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/p.sqlite3",
        "UPLOAD_FOLDER": str(tmp_path / "uploads"),
        **settings,
    }
    return create_app(config)


def test_production_starts_with_a_real_secret_and_an_https_public_url(tmp_path):
    app = production_app(tmp_path)
    assert not app.debug and not app.testing


@pytest.mark.parametrize(
    "settings, reason",
    [
        ({"SECRET_KEY": "dev"}, "SECRET_KEY is a well-known development value"),
        ({"SECRET_KEY": "test-secret-key"}, "SECRET_KEY is a well-known development value"),
        ({"SECRET_KEY": "short"}, "SECRET_KEY is shorter than 16 characters"),
        ({"SECRET_KEY": None}, "SECRET_KEY is not set"),
        ({"PUBLIC_URL": "http://127.0.0.1:5000"}, "is not an https URL"),
        ({"PUBLIC_URL": "http://talks.example.org"}, "is not an https URL"),
        ({"PUBLIC_URL": "https://localhost:8443"}, "points at this machine"),
        ({"PUBLIC_URL": "https://127.0.0.1"}, "points at this machine"),
        ({"PUBLIC_URL": ""}, "is not an https URL"),
    ],
)
def test_production_refuses_to_start_with_development_settings(tmp_path, settings, reason):
    with pytest.raises(ConfigurationError, match=reason):
        production_app(tmp_path, **settings)


def test_debug_mode_under_a_wsgi_server_is_refused(tmp_path, monkeypatch):
    monkeypatch.setenv("SERVER_SOFTWARE", "gunicorn/23.0.0")
    with pytest.raises(ConfigurationError, match="DEBUG is on"):
        production_app(tmp_path, DEBUG=True)


def test_debug_mode_of_the_flask_command_allows_development_settings(tmp_path, monkeypatch):
    monkeypatch.delenv("SERVER_SOFTWARE", raising=False)
    app = production_app(tmp_path, DEBUG=True, SECRET_KEY="dev", PUBLIC_URL="http://127.0.0.1")
    assert app.debug


def test_a_development_checkout_allows_development_settings_for_every_command(
    tmp_path, monkeypatch
):
    monkeypatch.delenv("SERVER_SOFTWARE", raising=False)
    app = production_app(tmp_path, DEVELOPMENT=True, PUBLIC_URL="http://127.0.0.1:5000")
    assert not app.debug
    assert app.config["SESSION_COOKIE_SECURE"] is False  # plain http://127.0.0.1


def test_a_wsgi_server_refuses_development_settings_even_in_a_development_checkout(
    tmp_path, monkeypatch
):
    monkeypatch.setenv("SERVER_SOFTWARE", "gunicorn/23.0.0")
    with pytest.raises(ConfigurationError, match="is not an https URL"):
        production_app(tmp_path, DEVELOPMENT=True, PUBLIC_URL="http://127.0.0.1:5000")


def test_the_refusal_lists_every_problem_at_once(tmp_path):
    with pytest.raises(ConfigurationError) as refused:
        production_app(tmp_path, SECRET_KEY="changeme", PUBLIC_URL="http://127.0.0.1:5000")
    assert [problem.setting for problem in refused.value.problems] == ["SECRET_KEY", "PUBLIC_URL"]


def production_environment(tmp_path, **environment) -> dict[str, str]:
    """Return the environment of a production process, whatever the checkout's instance/ says."""
    settings = {
        "FLASK_SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/c.sqlite3",
        "FLASK_DEVELOPMENT": "false",  # `make run` may have marked this checkout
    }
    return terminal_environment(**{**settings, **environment})


def flask_check(tmp_path, *command, **environment):
    return subprocess.run(
        [sys.executable, "-m", "flask", "--app", "app", *(command or ["check"])],
        cwd=ROOT, env=production_environment(tmp_path, **environment),
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip


def test_flask_check_prints_why_production_would_refuse_to_start(tmp_path):
    done = flask_check(tmp_path, FLASK_SECRET_KEY="changeme")
    assert done.returncode == 1, done.stderr
    assert "error: SECRET_KEY is a well-known development value" in done.stdout
    assert "error: PUBLIC_URL 'http://127.0.0.1:5000' is not an https URL" in done.stdout
    assert "warning: TRUSTED_HOSTS is not set" in done.stdout
    assert "2 setting(s) must be fixed before production." in done.stdout


def test_flask_check_passes_a_production_configuration_with_advice(tmp_path):
    done = flask_check(
        tmp_path,
        FLASK_SECRET_KEY=GOOD["SECRET_KEY"],
        FLASK_PUBLIC_URL=GOOD["PUBLIC_URL"],
        FLASK_TRUSTED_HOSTS='["talks.example.org"]',
        FLASK_MAIL_SERVER="smtp.example.org",
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "error:" not in done.stdout
    assert "warning: RATELIMIT_STORAGE_URI is memory://" in done.stdout
    assert "No setting stops a production start." in done.stdout


def test_flask_check_in_debug_mode_says_what_production_would_refuse(tmp_path):
    done = flask_check(tmp_path, FLASK_DEBUG="1", FLASK_SECRET_KEY="dev")
    assert done.returncode == 1
    assert "error: DEBUG is on" in done.stdout


def test_flask_check_in_a_development_checkout_reports_and_warns_about_it(tmp_path):
    done = flask_check(tmp_path, FLASK_DEVELOPMENT="true")
    assert done.returncode == 1, done.stderr
    assert "error: PUBLIC_URL 'http://127.0.0.1:5000' is not an https URL" in done.stdout
    assert "warning: DEVELOPMENT is on" in done.stdout


def test_a_production_flask_command_refuses_in_one_paragraph_without_a_traceback(tmp_path):
    done = flask_check(
        tmp_path, "outbox", "work",
        FLASK_SECRET_KEY=GOOD["SECRET_KEY"], FLASK_PUBLIC_URL="http://talks.example.org",
    )  # fmt: skip
    assert done.returncode == 1
    assert done.stdout == ""
    assert done.stderr.startswith("Error: The app refuses to start in production")
    assert "PUBLIC_URL 'http://talks.example.org' is not an https URL" in done.stderr
    assert "Traceback" not in done.stderr


def test_gunicorn_refuses_an_http_public_url_in_one_paragraph_without_a_traceback(tmp_path):
    # DEVELOPMENT = True, as in a checkout prepared by `make run`: gunicorn still refuses.
    env = production_environment(
        tmp_path, FLASK_SECRET_KEY=GOOD["SECRET_KEY"],
        FLASK_PUBLIC_URL="http://talks.example.org", FLASK_DEVELOPMENT="true",
    )  # fmt: skip
    done = subprocess.run(
        [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{free_port()}", "app:app"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 4, done.stderr  # gunicorn's "App failed to load": no restarts
    assert "Traceback" not in done.stderr
    assert "Reason: App failed to load." in done.stderr
    paragraph = (
        "The app refuses to start in production with these settings:\n"
        "  - PUBLIC_URL 'http://talks.example.org' is not an https URL; "
    )
    assert done.stderr.count(paragraph) == 1, done.stderr


def test_a_host_outside_trusted_hosts_gets_a_plain_bad_request(tmp_path):
    app = production_app(tmp_path, TRUSTED_HOSTS=["talks.example.org"])
    client = app.test_client()
    forged = client.get("/privacy", headers={"Host": "evil.example"})
    assert forged.status_code == 400
    assert b"does not answer to that host name" in forged.data
    assert client.get("/privacy", base_url="https://talks.example.org").status_code == 200


def test_proxy_headers_are_ignored_unless_configured(tmp_path):
    client = production_app(tmp_path, SESSION_COOKIE_SECURE=False).test_client()
    response = client.get("/privacy", headers={"X-Forwarded-Proto": "https"})
    assert "Strict-Transport-Security" not in response.headers


def test_proxy_headers_are_believed_from_the_configured_number_of_proxies(tmp_path):
    app = production_app(tmp_path, PROXY_FIX_X_PROTO=1, PROXY_FIX_X_FOR=1)
    response = app.test_client().get("/privacy", headers={"X-Forwarded-Proto": "https"})
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


def test_hsts_can_be_turned_off(tmp_path):
    app = production_app(tmp_path, HSTS_MAX_AGE=0)
    response = app.test_client().get("/privacy", base_url="https://talks.example.org")
    assert "Strict-Transport-Security" not in response.headers


@pytest.mark.slow
def test_flask_check_warns_when_a_public_site_trusts_no_proxy_for_client_addresses(tmp_path):
    settings = {
        "FLASK_SECRET_KEY": GOOD["SECRET_KEY"],
        "FLASK_PUBLIC_URL": GOOD["PUBLIC_URL"],
        "FLASK_TRUSTED_HOSTS": '["talks.example.org"]',
    }
    warning = "warning: PROXY_FIX_X_FOR is 0 while TRUSTED_HOSTS names a public host"
    assert warning in flask_check(tmp_path, **settings).stdout
    behind_proxy = flask_check(tmp_path, **settings, FLASK_PROXY_FIX_X_FOR="1")
    assert "PROXY_FIX_X_FOR" not in behind_proxy.stdout
    no_limits = flask_check(tmp_path, **settings, FLASK_RATELIMIT_ENABLED="false")
    assert "PROXY_FIX_X_FOR" not in no_limits.stdout
    local = flask_check(tmp_path, **{**settings, "FLASK_TRUSTED_HOSTS": '["localhost"]'})
    assert "PROXY_FIX_X_FOR" not in local.stdout
