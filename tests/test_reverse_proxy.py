"""The app behind Debian's nginx, set up as the README says: client addresses and HTTPS.

nginx runs as an ordinary process with its own files in the test's folder,
on a free port, terminating TLS with a certificate made for the test, in
front of gunicorn with production settings (PROXY_FIX_X_FOR=1,
PROXY_FIX_X_PROTO=1, rate limits on). The server block is the one in the
README, read from it. Clients connect from different loopback addresses
(127.0.0.2, 127.0.0.3, ...), as different people would.
"""

from __future__ import annotations

import getpass
import http.client
import os
import re
import secrets
import shutil
import ssl
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlencode

import pytest
from support.database import base_config, migrate_to_head, unavailable
from support.factories import in_days
from support.forms import CSRF_RE, VALID_FORM
from support.processes import free_port

from webinar import create_app
from webinar.extensions import db
from webinar.models import Event, Registration

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
NGINX = "/usr/sbin/nginx"
HOST = "talks.example.org"
SLUG = "behind-the-proxy"


def readme_server_block() -> str:
    """Return the nginx server block the README shows."""
    readme = (ROOT / "README.md").read_text()
    marker = readme.index("<!-- nginx-server-block -->")
    return re.search(r"```nginx\n(.*?)```", readme[marker:], re.S).group(1)


def fill_in(block: str, replacements: dict[str, str]) -> str:
    """Replace the README's example values with this test's; each must be there once."""
    for example, value in replacements.items():
        assert block.count(example) == 1, f"the README's server block lost {example!r}"
        block = block.replace(example, value)
    return block


def nginx_config(folder: Path, block: str) -> str:
    """Return a whole nginx.conf that keeps every file of nginx in `folder`."""
    temp = "\n".join(
        f"    {name}_temp_path {folder}/{name}_temp;"
        for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    return f"""user {getpass.getuser()};
worker_processes 1;
pid {folder}/nginx.pid;
error_log {folder}/error.log;
events {{ worker_connections 64; }}
http {{
    access_log {folder}/access.log;
{temp}
{block}
}}
"""


def wait_for(check, process, log: Path, what: str) -> None:
    deadline = time.monotonic() + 30
    while True:
        try:
            check()
            return
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"{what} did not start:\n{log.read_text()}")
            time.sleep(0.1)


def start(command: list[str], log: Path, **options) -> subprocess.Popen:
    with open(log, "w") as output:
        return subprocess.Popen(
            command, stdout=output, stderr=subprocess.STDOUT, start_new_session=True, **options
        )


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def add_talk(database_url: str, folder: Path) -> None:
    app = create_app(base_config(SQLALCHEMY_DATABASE_URI=database_url,
                                 UPLOAD_FOLDER=str(folder / "uploads")))  # fmt: skip
    starts_at = in_days(14)
    with app.app_context():
        db.session.add(Event(
            slug=SLUG, title="Behind the proxy", series_label="EU Clusters Talk",
            event_type="Webinar", target_audience="Cluster managers", summary="A talk.",
            description="A talk.", starts_at=starts_at, ends_at=starts_at + timedelta(hours=1),
            timezone="Europe/Brussels", status="published",
            join_url="https://meet.example.org/room",
        ))  # fmt: skip
        db.session.commit()
        db.engine.dispose()


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """nginx (TLS, the README's block) in front of gunicorn; yields (port, database URL)."""
    if not os.access(NGINX, os.X_OK):
        unavailable(f"{NGINX} is not installed (apt-get install nginx)")
    if not shutil.which("openssl"):
        unavailable("openssl is not installed; it makes the test's TLS certificate")
    folder = tmp_path_factory.mktemp("proxy")
    database_url = f"sqlite:///{folder}/webinar.sqlite3"
    migrate_to_head(database_url, folder)
    add_talk(database_url, folder)

    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", f"/CN={HOST}", "-addext", f"subjectAltName=DNS:{HOST}",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True, timeout=60,
    )  # fmt: skip

    app_port, proxy_port = free_port(), free_port()
    env = {name: value for name, value in os.environ.items() if not name.startswith("FLASK_")}
    env.update(
        FLASK_SECRET_KEY=secrets.token_hex(32),
        FLASK_PUBLIC_URL=f"https://{HOST}",
        FLASK_TRUSTED_HOSTS=f'["{HOST}"]',
        FLASK_PROXY_FIX_X_FOR="1",
        FLASK_PROXY_FIX_X_PROTO="1",
        FLASK_SQLALCHEMY_DATABASE_URI=database_url,
        FLASK_UPLOAD_FOLDER=str(folder / "uploads"),
        FLASK_MAILBOX_FOLDER=str(folder / "mailbox"),
        FLASK_RATELIMIT_ENABLED="true",
        FLASK_RATELIMIT_STORAGE_URI="memory://",
        FLASK_REGISTRATION_RATE_LIMIT="3 per minute",
    )
    gunicorn = start(
        [sys.executable, "-m", "gunicorn", "-w", "1", "-b", f"127.0.0.1:{app_port}",
         "--no-control-socket", "app:app"],
        folder / "gunicorn.log", cwd=ROOT, env=env,
    )  # fmt: skip
    block = fill_in(readme_server_block(), {
        "listen 443 ssl;": f"listen 127.0.0.1:{proxy_port} ssl;",
        "/etc/ssl/certs/talks.example.org.pem": str(cert),
        "/etc/ssl/private/talks.example.org.key": str(key),
        "http://127.0.0.1:8000": f"http://127.0.0.1:{app_port}",
    })  # fmt: skip
    (folder / "nginx.conf").write_text(nginx_config(folder, block))
    nginx = start(
        [NGINX, "-p", f"{folder}/", "-c", str(folder / "nginx.conf"),
         "-e", str(folder / "error.log"), "-g", "daemon off;"],
        folder / "nginx.log",
    )  # fmt: skip
    try:
        wait_for(lambda: Visitor(proxy_port, cert, "127.0.0.1").healthy(),
                 gunicorn, folder / "gunicorn.log", "gunicorn behind nginx")  # fmt: skip
        yield proxy_port, cert, database_url
    finally:
        stop(nginx)
        stop(gunicorn)


class Visitor:
    """One person's browser, connecting over HTTPS from its own address; keeps its cookies."""

    def __init__(self, port: int, cert: Path, address: str) -> None:
        self.port, self.address = port, address
        self.context = ssl.create_default_context(cafile=str(cert))
        self.context.check_hostname = False  # connected by IP; the certificate is still checked
        self.cookies: dict[str, str] = {}
        self.set_cookies: list[str] = []

    def request(self, method: str, path: str, form: dict | None = None, **headers):
        connection = http.client.HTTPSConnection(
            "127.0.0.1", self.port, context=self.context,
            source_address=(self.address, 0), timeout=30,
        )  # fmt: skip
        headers = {"Host": HOST, **headers}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            response.text = response.read().decode()
        finally:
            connection.close()
        for cookie in response.headers.get_all("Set-Cookie") or []:
            self.set_cookies.append(cookie)
            name, _, value = cookie.split(";", 1)[0].partition("=")
            self.cookies[name] = value
        return response

    def healthy(self) -> None:
        """Raise OSError unless the app answers through the proxy."""
        if self.get("/healthz").status != 200:
            raise ConnectionRefusedError("the app does not answer yet")

    def get(self, path: str, **headers):
        return self.request("GET", path, **headers)

    def register(self, email: str, **headers):
        """Open the form, fill it in and send it, as a browser on the form's page does."""
        page = self.get(f"/events/{SLUG}/register")
        form = dict(VALID_FORM, email=email, csrf_token=CSRF_RE.search(page.text).group(1))
        referer = f"https://{HOST}/events/{SLUG}/register"
        return self.request("POST", f"/events/{SLUG}/register", form, Referer=referer, **headers)


def test_two_clients_behind_the_proxy_have_separate_limits(site):
    port, cert, _ = site
    alice, bob = Visitor(port, cert, "127.0.0.2"), Visitor(port, cert, "127.0.0.3")
    for number in range(3):
        assert alice.register(f"alice{number}@example.org").status == 303
    refused = alice.register("alice3@example.org")
    assert refused.status == 429
    assert bob.register("bob@example.org").status == 303, "Alice's limit is not Bob's"


def test_a_client_cannot_spoof_its_way_past_the_limit_with_x_forwarded_for(site):
    port, cert, _ = site
    mallory = Visitor(port, cert, "127.0.0.4")
    for number in range(3):
        assert mallory.register(f"m{number}@example.org").status == 303
    for forged in ("198.51.100.7", "127.0.0.5", "198.51.100.7, 127.0.0.5"):
        response = mallory.register("m-again@example.org", **{"X-Forwarded-For": forged})
        assert response.status == 429, f"X-Forwarded-For: {forged} got past the limit"


def test_https_at_the_proxy_gives_secure_cookies_hsts_and_https_links(site):
    port, cert, _ = site
    visitor = Visitor(port, cert, "127.0.0.6")
    home = visitor.get("/")
    assert home.status == 200
    assert home.headers["Strict-Transport-Security"].startswith("max-age=")
    visitor.get(f"/events/{SLUG}/register")
    (session_cookie,) = [c for c in visitor.set_cookies if c.startswith("session=")]
    assert "; Secure" in session_cookie and "; HttpOnly" in session_cookie

    talk = visitor.get(f"/events/{SLUG}")
    assert f'<link rel="canonical" href="https://{HOST}/events/{SLUG}">' in talk.text
    assert "http://" + HOST not in talk.text
    registered = visitor.register("carol@example.org")
    assert registered.status == 303
    assert not registered.headers["Location"].startswith("http:")


def test_a_form_on_a_personal_page_works_over_https_behind_the_proxy(site):
    port, cert, database_url = site
    dave = Visitor(port, cert, "127.0.0.7")
    assert dave.register("dave@example.org").status == 303
    app = create_app(base_config(SQLALCHEMY_DATABASE_URI=database_url))
    with app.app_context():
        token = db.session.scalar(
            db.select(Registration.token).where(Registration.email == "dave@example.org")
        )
        db.engine.dispose()
    page = dave.get(f"/registrations/{token}/cancel")
    # The page asks browsers to send no Referer (it holds the personal link),
    # so the confirming POST comes without one, as a browser's would.
    form = {"csrf_token": CSRF_RE.search(page.text).group(1)}
    cancelled = dave.request("POST", f"/registrations/{token}/cancel", form)
    assert cancelled.status == 303, cancelled.text
