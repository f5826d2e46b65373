"""Browser fixtures: the app served on a free local port, Debian's Chromium driven by Playwright.

The browser is Debian's /usr/bin/chromium (WEBINAR_CHROMIUM to change it),
never a browser that Playwright downloads. Without it the browser tests skip
with the reason, except in CI (CI=true), where that is a failure.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass, field

import pytest
from flask import Flask
from werkzeug.serving import make_server

CHROMIUM = os.environ.get("WEBINAR_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@dataclass
class LiveServer:
    """The app answering HTTP on 127.0.0.1 in a thread of the test process."""

    app: Flask
    url: str
    _server: object = field(repr=False)
    _thread: threading.Thread = field(repr=False)

    def stop(self) -> None:
        self._server.shutdown()
        self._thread.join(timeout=10)


def serve(app: Flask) -> LiveServer:
    """Serve app on a free port; PUBLIC_URL points at it, so emailed links work."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    url = f"http://127.0.0.1:{server.server_port}"
    app.config["PUBLIC_URL"] = url
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    return LiveServer(app=app, url=url, _server=server, _thread=thread)


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium, headless, for the whole test session."""
    from conftest import unavailable

    if not os.path.exists(CHROMIUM):
        unavailable(f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        yield browser
        browser.close()


@pytest.fixture
def live_server(app):
    """The test app served over real HTTP."""
    server = serve(app)
    yield server
    server.stop()


@pytest.fixture
def page(browser, live_server):
    """A fresh browser tab; the test fails on any console error or CSP violation."""
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 800})
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda msg: msg.type == "error" and problems.append(msg.text))
    page.on("pageerror", lambda error: problems.append(str(error)))
    yield page
    context.close()
    assert problems == [], f"the browser reported errors: {problems}"
