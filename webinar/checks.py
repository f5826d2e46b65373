"""Checks of the settings: what production refuses to start with, and `flask check`.

"Production" is any start that is not testing, not debug mode and not a
development checkout (DEVELOPMENT = True, which `make run` writes into
instance/config.py). Debug mode and DEVELOPMENT count only under the Flask
command (`flask run --debug`, `flask organiser ...`): a WSGI server such as
gunicorn announces itself in SERVER_SOFTWARE and serves for real, so it always
checks the settings, and debug mode under it is a production mistake.
"""

from __future__ import annotations

import ipaddress
import os
import sys
from dataclasses import dataclass
from urllib.parse import urlsplit

import click

# Secrets that are written down somewhere (examples, tests, tutorials): a
# session signed with one of them can be forged by anyone who read it.
DEVELOPMENT_SECRETS = frozenset(
    {
        "dev", "development", "secret", "secret-key", "secret_key", "changeme", "change-me",
        "change_me", "test", "testing", "test-secret-key", "insecure", "default", "key",
        "please-change-me", "your-secret-key", "replace-me",
    }
)  # fmt: skip
MIN_SECRET_LENGTH = 16


@dataclass(frozen=True)
class Problem:
    """One misconfigured setting; a fatal one stops a production start."""

    setting: str
    message: str
    fatal: bool = True

    def __str__(self) -> str:
        return self.message


class ConfigurationError(click.ClickException, RuntimeError):
    """The settings are not safe for production; `problems` says which and why.

    A flask command shows it as an error message (no traceback) and exits
    with status 1; under a WSGI server, webinar/wsgi.py calls `exit()`.
    """

    # gunicorn stops when a worker exits with 4 ("App failed to load"); any
    # other status makes it start the worker again, and again.
    WSGI_EXIT_STATUS = 4

    def __init__(self, problems: list[Problem], config=None):
        self.problems = problems
        self.config = config
        lines = "\n".join(f"  - {problem}" for problem in problems)
        super().__init__(
            "The app refuses to start in production with these settings:\n"
            f"{lines}\n"
            "`flask --app app check` lists every problem. For development, "
            "`make run` prepares this checkout (DEVELOPMENT = True in instance/config.py)."
        )

    def exit(self) -> None:
        """End the process with the reasons on stderr, without a traceback."""
        print(self.message, file=sys.stderr, flush=True)
        raise SystemExit(self.WSGI_EXIT_STATUS)


def served_by_wsgi_server() -> bool:
    """Say whether a production WSGI server (gunicorn, ...) runs this process."""
    return bool(os.environ.get("SERVER_SOFTWARE"))


def is_development(app) -> bool:
    """Say whether unsafe settings are allowed: tests, or debug or DEVELOPMENT under flask."""
    if app.testing:
        return True
    if served_by_wsgi_server():
        return False
    return bool(app.debug or app.config.get("DEVELOPMENT"))


def fatal_problems(config) -> list[Problem]:
    """Return the settings a production start must refuse."""
    problems = []
    if config.get("DEBUG"):
        problems.append(
            Problem("DEBUG", "DEBUG is on: it shows internals and reloads code; turn it off.")
        )
    problems += _secret_problems(config.get("SECRET_KEY"))
    problems += _public_url_problems(config.get("PUBLIC_URL"))
    return problems


def _secret_problems(secret) -> list[Problem]:
    make_one = "python -c 'import secrets; print(secrets.token_hex(32))' makes one"
    if not secret:
        return [Problem("SECRET_KEY", f"SECRET_KEY is not set; {make_one}.")]
    text = secret.decode(errors="replace") if isinstance(secret, bytes) else str(secret)
    if text.strip().lower() in DEVELOPMENT_SECRETS:
        return [Problem("SECRET_KEY", f"SECRET_KEY is a well-known development value; {make_one}.")]
    if len(text) < MIN_SECRET_LENGTH:
        shorter = f"SECRET_KEY is shorter than {MIN_SECRET_LENGTH} characters"
        return [Problem("SECRET_KEY", f"{shorter}; {make_one}.")]
    return []


def is_local_host(host: str) -> bool:
    """Say whether a host name only means this machine (localhost, 127.0.0.1, ::1, 0.0.0.0)."""
    host = host.lower().rstrip(".")
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_loopback or address.is_unspecified


def _public_url_problems(url) -> list[Problem]:
    """A real PUBLIC_URL is https with a host other than this machine (the default is not)."""
    try:
        parts = urlsplit(str(url or ""))
        host = parts.hostname or ""
    except ValueError:
        parts, host = None, ""
    advice = "set it to the https address people use, e.g. https://talks.example.org."
    if parts is None or parts.scheme != "https" or not host:
        return [Problem("PUBLIC_URL", f"PUBLIC_URL {url!r} is not an https URL; {advice}")]
    if is_local_host(host):
        return [Problem("PUBLIC_URL", f"PUBLIC_URL {url!r} points at this machine; {advice}")]
    return []


def advice(config) -> list[Problem]:
    """Return settings that work but are unsafe or unusual in production."""
    warnings: list[tuple[str, str]] = []
    trusted = config.get("TRUSTED_HOSTS")
    public_host = urlsplit(str(config.get("PUBLIC_URL") or "")).hostname
    if not trusted:
        warnings.append(("TRUSTED_HOSTS", "is not set: any Host header is accepted."))
    elif public_host and not any(_host_matches(public_host, name) for name in trusted):
        warnings.append(("TRUSTED_HOSTS", f"does not include {public_host}, the PUBLIC_URL host."))
    if not config.get("MAIL_SERVER"):
        warnings.append(("MAIL_SERVER", "is not set: emails only go to the mailbox folder."))
    if not config.get("SESSION_COOKIE_SECURE"):
        warnings.append(("SESSION_COOKIE_SECURE", "is off: the session cookie travels over HTTP."))
    limits_on = config.get("RATELIMIT_ENABLED", True) is not False
    if not limits_on:
        warnings.append(("RATELIMIT_ENABLED", "is off: forms have no rate limit."))
    elif str(config.get("RATELIMIT_STORAGE_URI", "")).startswith("memory://"):
        warnings.append(
            ("RATELIMIT_STORAGE_URI", "is memory://: each process counts on its own; "
             "use redis:// with more than one process.")
        )  # fmt: skip
    if config.get("DEVELOPMENT"):
        warnings.append(
            ("DEVELOPMENT", "is on: flask commands accept development settings; "
             "remove it from instance/config.py in production.")
        )  # fmt: skip
    if limits_on and _behind_a_proxy_unknown(config):
        warnings.append(
            ("PROXY_FIX_X_FOR", "is 0 while TRUSTED_HOSTS names a public host: behind a "
             "reverse proxy every visitor shares the proxy's address, so one client can use "
             "up everyone's rate limits. Set PROXY_FIX_X_FOR=1 (and PROXY_FIX_X_PROTO=1) "
             "when one proxy sets X-Forwarded-For.")
        )  # fmt: skip
    if not config.get("HSTS_MAX_AGE"):
        warnings.append(("HSTS_MAX_AGE", "is 0: browsers are not told to keep to HTTPS."))
    return [Problem(name, f"{name} {message}", fatal=False) for name, message in warnings]


def _behind_a_proxy_unknown(config) -> bool:
    """Say whether the site looks public but no proxy is trusted to name the client."""
    if int(config.get("PROXY_FIX_X_FOR") or 0):
        return False
    hosts = config.get("TRUSTED_HOSTS") or []
    return any(not is_local_host(name.lstrip(".")) for name in hosts)


def _host_matches(host: str, pattern: str) -> bool:
    # Flask's TRUSTED_HOSTS: a leading dot also matches subdomains.
    pattern = pattern.lower()
    if pattern.startswith("."):
        return host == pattern[1:] or host.endswith(pattern)
    return host == pattern


def refuse_unsafe_production(app) -> None:
    """Raise ConfigurationError when a production start has fatal problems."""
    if is_development(app):
        return
    problems = fatal_problems(app.config)
    if problems:
        raise ConfigurationError(problems, app.config)


@click.command("check")
def check_command() -> None:
    """Print the settings that are missing or unsafe for production; exit 1 on a fatal one."""
    from flask.cli import ScriptInfo

    info = click.get_current_context().ensure_object(ScriptInfo)
    try:
        app = info.load_app()
    except ConfigurationError as error:
        # The app refused to start: its reasons, and the advice on the rest.
        problems, config = list(error.problems), error.config
    else:
        config = app.config
        problems = fatal_problems(config)
    if config is not None:
        problems += advice(config)
    for problem in problems:
        label = "error" if problem.fatal else "warning"
        click.echo(f"{label}: {problem}")
    fatal = sum(problem.fatal for problem in problems)
    if fatal:
        click.echo(f"{fatal} setting(s) must be fixed before production.")
        raise SystemExit(1)
    click.echo("No setting stops a production start.")
