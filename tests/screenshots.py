"""Take the README's screenshots: `.venv/bin/python tests/screenshots.py`.

Builds a throwaway SQLite database with the demo talks, an organiser and a
few registrations, serves the app on a free local port, and has Debian's
Chromium photograph the main pages at 1280 px (NAME.png) and at 360 px
(NAME-phone.png) into static/img/screenshots/.
"""

from __future__ import annotations

import secrets
import sys
import tempfile
from pathlib import Path

from support.browser import CHROMIUM, CHROMIUM_ARGS, DESKTOP, PHONE, serve

from webinar import create_app

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "static" / "img" / "screenshots"
PEOPLE = [
    ("Ines", "Duarte", "H2 Atlantic Cluster", "PT"),
    ("Jonas", "Berg", "Robotics Valley", "SE"),
    ("Marta", "Kowalska", "Silesian Energy Cluster", "PL"),
    ("Pieter", "de Vries", "High Tech NL", "NL"),
    ("Chiara", "Rossi", "Lombardy Green Chemistry", "IT"),
]


def build_app(folder: Path):
    """Return an app on a new database in folder, with demo data and an organiser."""
    from flask_migrate import upgrade

    from webinar import seats
    from webinar.demo import load_demo
    from webinar.extensions import db
    from webinar.models import Event, utcnow
    from webinar.organiser.services.accounts import create_organiser

    app = create_app(
        {
            "SECRET_KEY": secrets.token_hex(16),
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'screenshots.sqlite3'}",
            "UPLOAD_FOLDER": str(folder / "uploads"),
            "MAILBOX_FOLDER": str(folder / "mailbox"),
            "RATELIMIT_ENABLED": False,
            "DEVELOPMENT": True,  # served on http://127.0.0.1
        }
    )
    password = secrets.token_urlsafe(16)
    with app.app_context():
        upgrade()
        load_demo()
        organiser = create_organiser("organiser@example.org", "Olga Organiser", password)
        db.session.execute(db.update(Event).values(owner_id=organiser.id))
        db.session.commit()
        events = db.session.scalars(db.select(Event).order_by(Event.starts_at)).all()
        upcoming = [event for event in events if event.starts_at > utcnow()]
        for first, last, organisation, country in PEOPLE:
            seats.register(
                upcoming[0],
                {
                    "first_name": first,
                    "last_name": last,
                    "email": f"{first.lower()}@example.org",
                    "organisation": organisation,
                    "country": country,
                },
            )
        talk, ended = upcoming[0], next(event for event in events if event.ends_at < utcnow())
        paths = {"talk": f"/events/{talk.slug}", "ended": f"/events/{ended.slug}",
                 "organiser": f"/organiser/events/{talk.id}"}
    return app, password, paths


def shoot(tab, name: str, phone: bool) -> None:
    path = OUTPUT / (f"{name}-phone.png" if phone else f"{name}.png")
    tab.screenshot(path=str(path), full_page=True)
    print(f"wrote {path.relative_to(ROOT)}")


def take(browser, url: str, password: str, paths: dict, size: dict) -> None:
    """Photograph the pages at one screen size."""
    phone = size is PHONE
    context = browser.new_context(base_url=url, viewport=size, timezone_id="Europe/Brussels")
    tab = context.new_page()
    tab.goto("/")
    shoot(tab, "home", phone)
    tab.goto(paths["talk"])
    shoot(tab, "talk-page", phone)
    tab.goto(paths["ended"])
    shoot(tab, "talk-after", phone)
    tab.goto(paths["talk"] + "/register")
    tab.get_by_role("button", name="Register").click()
    tab.locator(".form-errors").wait_for()
    shoot(tab, "form-errors", phone)
    tab.get_by_label("First name").fill("Ada")
    tab.get_by_label("Last name").fill("Lovelace")
    tab.get_by_label("Email address").fill(f"ada-{'phone' if phone else 'desk'}@example.org")
    tab.get_by_label("Organisation").fill("Analytical Engines")
    tab.get_by_label("Country").select_option("BE")
    tab.locator("#consent_privacy").check()
    tab.get_by_role("button", name="Register").click()
    tab.get_by_role("heading", name="Registration received").wait_for()
    shoot(tab, "confirmation", phone)

    tab.goto("/organiser/login")
    tab.get_by_label("Email").fill("organiser@example.org")
    tab.get_by_label("Password").fill(password)
    tab.get_by_role("button", name="Sign in").click()
    tab.wait_for_url("**/organiser/")
    shoot(tab, "dashboard", phone)
    tab.goto(paths["organiser"])
    shoot(tab, "event-overview", phone)
    response = tab.goto(paths["organiser"] + "/attendees")
    if response.status == 404:
        print("attendee-list: skipped, the attendee list page does not exist yet")
    else:
        shoot(tab, "attendee-list", phone)
    context.close()


def main() -> int:
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        print(f"no Chromium at {CHROMIUM} (apt-get install chromium)", file=sys.stderr)
        return 1
    OUTPUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        app, password, paths = build_app(Path(folder))
        server = serve(app)
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
                )
                for size in (DESKTOP, PHONE):
                    take(browser, server.url, password, paths, size)
                browser.close()
        finally:
            server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
