"""Plugin: the app served on a free local port, Debian's Chromium driven by Playwright.

The browser is Debian's /usr/bin/chromium (WEBINAR_CHROMIUM to change it),
never a browser that Playwright downloads. Without it the browser tests skip
with the reason, except in CI (CI=true), where that is a failure.

Browser tests run on SQLite only: they exercise the pages in a browser, not
the database, which the other tests cover on both backends (support/database.py
narrows the `database` parameter of every test that uses `live_server`).

Every tab fails its test on a console error, an uncaught script error or a
Content-Security-Policy violation, whatever page it is on.
"""

from __future__ import annotations

import os
import re
import threading
from dataclasses import dataclass, field

import pytest
from flask import Flask
from werkzeug.serving import WSGIRequestHandler, make_server

from support.catalogs import CATALOGS
from support.database import unavailable
from support.followers import (
    TOUR_CONFIRM,
    TOUR_SUBSCRIPTIONS,
    TOUR_UNSUBSCRIBE,
    TOUR_UNSUBSCRIBED,
    tour_followers,
)
from support.question_kinds import every_kind

CHROMIUM = os.environ.get("WEBINAR_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
BROWSER_BACKENDS = ("sqlite",)
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 360, "height": 800}

# Runs before any script of every page: a CSP violation becomes a console error.
CSP_WATCH = """
document.addEventListener("securitypolicyviolation", function (event) {
  console.error("CSP violation: " + event.violatedDirective + " blocked " +
                (event.blockedURI || "inline code") + " on " + document.location.pathname);
});
"""

# The focused element's own ring, or the ring its ::after draws (a card's link covers the card).
FOCUS_RING = """
() => {
  const element = document.activeElement;
  if (!element || element === document.body) return null;
  for (const pseudo of [null, "::after"]) {
    const style = getComputedStyle(element, pseudo);
    if (style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2) {
      return `outline ${style.outlineWidth} ${style.outlineStyle}`;
    }
    if (style.boxShadow && style.boxShadow !== "none") return `box-shadow ${style.boxShadow}`;
  }
  return "";
}
"""


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


class QuietRequestHandler(WSGIRequestHandler):
    """Log each request at DEBUG, not INFO, so a failing test's output stays readable."""

    def log_request(self, code="-", size="-") -> None:
        self.log("debug", '"%s" %s %s', self.requestline, code, size)


def serve(app: Flask) -> LiveServer:
    """Serve app on a free port; PUBLIC_URL points at it, so emailed links work."""
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=QuietRequestHandler)
    url = f"http://127.0.0.1:{server.server_port}"
    app.config["PUBLIC_URL"] = url
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    return LiveServer(app=app, url=url, _server=server, _thread=thread)


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium, headless, for the whole test session."""
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


class Watch:
    """Collect what the browser reports as wrong in the tabs of one test."""

    def __init__(self) -> None:
        self.problems: list[tuple[str, str]] = []  # (message, URL it is about)
        self.expected: list[tuple[re.Pattern, str]] = []

    def attach(self, context) -> None:
        context.add_init_script(CSP_WATCH)
        context.on("console", self.on_console)
        context.on("page", lambda tab: tab.on("pageerror", lambda error: self.report(str(error))))

    def on_console(self, message) -> None:
        if message.type == "error":
            self.report(message.text, message.location.get("url", ""))

    def report(self, text: str, url: str = "") -> None:
        self.problems.append((text, url))

    def expect(self, pattern: str, url: str) -> None:
        self.expected.append((re.compile(pattern), url))

    def unexpected(self) -> list[str]:
        def allowed(text: str, url: str) -> bool:
            return any(
                pattern.search(text) and url.endswith(path) for pattern, path in self.expected
            )

        return [f"{text} ({url})" for text, url in self.problems if not allowed(text, url)]


@pytest.fixture
def new_tab(browser, live_server):
    """Open tabs on the live server: `new_tab(width=360, javascript=False, language="fr")`.

    Each tab has its own context (cookies, downloads). The test fails on any
    console error or CSP violation; `new_tab.expect_error(pattern, path)` allows
    one that a test provokes on purpose at a path (a 404 page logs its status).
    """
    watch, contexts = Watch(), []

    def open_tab(
        *,
        width: int = 1280,
        height: int = 800,
        javascript: bool = True,
        timezone: str = "Europe/Brussels",
        language: str = "en",
    ):
        context = browser.new_context(
            base_url=live_server.url,
            viewport={"width": width, "height": height},
            java_script_enabled=javascript,
            timezone_id=timezone,
            locale=language,
            accept_downloads=True,
        )
        # As a visitor who picked the language with the switch in the header.
        context.add_cookies([{"name": "lang", "value": language, "url": live_server.url}])
        watch.attach(context)
        contexts.append(context)
        return context.new_page()

    open_tab.expect_error = watch.expect
    yield open_tab
    for context in contexts:
        context.close()
    problems = watch.unexpected()
    assert problems == [], f"the browser reported errors: {problems}"


@pytest.fixture
def page(new_tab):
    """A fresh 1280 x 800 browser tab; the test fails on any console error or CSP violation."""
    return new_tab()


def focus_ring(tab) -> str | None:
    """Describe the focus indicator of the focused element ("" when none, None on the body)."""
    return tab.evaluate(FOCUS_RING)


def tab_to(tab, target, limit: int = 80) -> None:
    """Press Tab until target has the focus, checking that every stop shows its focus."""
    for _ in range(limit):
        tab.keyboard.press("Tab")
        ring = focus_ring(tab)
        if ring is None:
            continue  # the focus left the page's controls for a moment (the browser's own)
        stop = tab.evaluate("document.activeElement.outerHTML.slice(0, 120)")
        assert ring, f"no visible focus on {stop}"
        if target.evaluate("element => element === document.activeElement"):
            return
    raise AssertionError(f"{limit} presses of Tab never reached {target}")


@dataclass
class OrganiserAccount:
    """An organiser of the test database with a known password."""

    id: int
    email: str
    password: str
    name: str

    def sign_in(self, tab, language: str = "en") -> None:
        """Sign in through the sign-in form and land on the dashboard."""
        _ = words(language)
        tab.goto("/organiser/login")
        tab.get_by_label(_("Email")).fill(self.email)
        tab.get_by_label(_("Password")).fill(self.password)
        tab.get_by_role("button", name=_("Sign in")).click()
        tab.wait_for_url("**/organiser/")


@pytest.fixture
def organiser(app) -> OrganiserAccount:
    """An organiser account (not an administrator) who can sign in."""
    from webinar.organiser.services.accounts import create_organiser

    email, password, name = "olga@example.org", "correct horse battery", "Olga Organiser"
    with app.app_context():
        account_id = create_organiser(email, name, password).id
    return OrganiserAccount(account_id, email, password, name)


@dataclass
class Stop:
    """One page of the site tour: where to go, and what to do there first."""

    name: str
    path: str
    signed_in: bool = False
    status: int = 200
    submit: str | None = None  # the button to press first (a form sent back with errors)
    clear: str | None = None  # the field to empty before pressing it
    optional: str | None = None  # the reason to pass by when the page answers 404


@pytest.fixture
def site_tour(
    app, organiser, make_event, make_registration, make_question, make_answer
) -> list[Stop]:
    """Every kind of public and organiser page, on the demo talks, in visiting order."""
    from webinar.demo import load_demo
    from webinar.extensions import db
    from webinar.models import Event, EventRole, Organiser, Series, utcnow
    from webinar.organiser.services.accounts import create_organiser
    from webinar.organiser.services.two_factor import start_set_up

    with app.app_context():
        load_demo()
        db.session.execute(db.update(Event).values(owner_id=organiser.id))
        db.session.commit()
        events = db.session.scalars(db.select(Event).order_by(Event.starts_at)).all()
        past = next(event for event in events if event.ends_at < utcnow())
        upcoming = next(event for event in events if event.starts_at > utcnow())
        talk, ended, event_id, past_id = upcoming.slug, past.slug, upcoming.id, past.id
        speaker_id = upcoming.speakers[0].id
        # A question shown only for an answer: its page offers the condition's answers.
        question_id = next(q.id for q in upcoming.questions if q.shown_if_id is not None)
        series_id = db.session.scalar(db.select(Series.id).where(Series.slug == "eu-clusters-talk"))
        db.session.expunge_all()
    with app.app_context():
        # A second person on the team, so that its page shows the forms to change a role.
        viewer = create_organiser("vic@example.org", "Vic Viewer", "lantern orchard quietly 42")
        db.session.add(EventRole(event_id=event_id, organiser_id=viewer.id, role="viewer"))
        db.session.commit()
    with app.app_context():
        # A two-factor set-up begun, so that its page can be visited.
        start_set_up(db.session.get(Organiser, organiser.id))
        # An administrator, so that the Organisers page can be visited too.
        db.session.get(Organiser, organiser.id).is_admin = True
        db.session.commit()
    followed_series = tour_followers(app)
    cancelled = make_event(title="A talk that was called off", status="cancelled")
    ada = make_registration(upcoming, first_name="Ada", email="ada@example.org")
    token = ada.token
    asking, done = "a" * 43, "d" * 43  # unsubscribe secrets
    make_registration(upcoming, unsubscribe_token=asking)
    make_registration(upcoming, unsubscribe_token=done, unsubscribed_at=utcnow())
    organiser_pages = f"/organiser/events/{event_id}"
    # A talk asking one question of every kind, one of them shown for a given answer.
    questioning = make_event(title="A talk that asks its own questions")
    every_kind(make_question, questioning, conditional=True)
    answering = make_registration(questioning, first_name="Grace", email="grace@example.org").token
    answered = answered_questions(make_question, make_answer, event_id, ada.id)
    reset = reset_link_of(app, organiser.id)
    confirm_email = email_link_of(app, organiser.id)
    invitation = invitation_link_of(app, organiser.id)
    with app.app_context():
        from support.webhooks import add_endpoint_with_delivery

        webhook = f"/organiser/webhooks/{add_endpoint_with_delivery(organiser.id)['endpoint_id']}"
    return [
        Stop("home", "/"),
        Stop("past talks", "/events/past"),
        Stop("talk before the event", f"/events/{talk}"),
        Stop("talk after the event", f"/events/{ended}"),
        Stop("cancelled talk", f"/events/{cancelled.slug}"),
        Stop("series page", "/series/eu-clusters-talk"),
        Stop("talks of one series", "/?series=eu-clusters-talk"),
        Stop("registration form", f"/events/{talk}/register"),
        Stop("form with errors", f"/events/{talk}/register", submit="Register"),
        Stop("form with every kind of question", f"/events/{questioning.slug}/register"),
        Stop("questions with errors", f"/events/{questioning.slug}/register", submit="Register"),
        Stop("registration closed", f"/events/{ended}/register"),
        Stop("registration received", f"/events/{talk}/register/received"),
        Stop("personal page", f"/registrations/{token}"),
        Stop("personal page with answers", f"/registrations/{answering}"),
        Stop("change answers", f"/registrations/{answering}/answers"),
        Stop("answers with errors", f"/registrations/{answering}/answers",
             submit="Save my answers"),
        Stop("confirm cancelling", f"/registrations/{token}/cancel"),
        Stop("confirm deleting", f"/registrations/{token}/delete"),
        Stop("join link not open yet", f"/join/{token}"),
        Stop("confirm unsubscribing", f"/unsubscribe/{asking}"),
        Stop("unsubscribed", f"/unsubscribe/{done}"),
        Stop("unknown unsubscribe link", f"/unsubscribe/{'x' * 43}", status=404),
        Stop("follow form with errors", "/series/eu-clusters-talk/follow",
             submit="Follow this series"),
        Stop("follow link on its way", "/series/eu-clusters-talk/follow/sent"),
        Stop("confirm following", f"/follow/confirm/{TOUR_CONFIRM}"),
        Stop("unknown follow link", f"/follow/confirm/{'x' * 43}", status=404),
        Stop("my subscriptions", f"/following/{TOUR_SUBSCRIPTIONS}"),
        Stop("confirm deleting follower details", f"/following/{TOUR_SUBSCRIPTIONS}/delete"),
        Stop("follower details deleted", "/follow/erased"),
        Stop("confirm unfollowing", f"/follow/unsubscribe/{TOUR_UNSUBSCRIBE}"),
        Stop("unfollowed", f"/follow/unsubscribe/{TOUR_UNSUBSCRIBED}"),
        Stop("unknown unfollow link", f"/follow/unsubscribe/{'x' * 43}", status=404),
        Stop("privacy notice", "/privacy"),
        Stop("API reference", "/api/v1/docs"),
        Stop("page not found", "/events/no-such-talk", status=404),
        Stop("sign-in", "/organiser/login"),
        Stop("sign-in with errors", "/organiser/login", submit="Sign in"),
        Stop("forgot password", "/organiser/forgot-password"),
        Stop("forgot password with errors", "/organiser/forgot-password", submit="Send me a link"),
        Stop("reset link on its way", "/organiser/forgot-password/sent"),
        Stop("choose a new password", reset),
        Stop("new password with errors", reset, submit="Set the new password"),
        Stop("unknown reset link", f"/organiser/reset-password/{'x' * 43}", status=404),
        Stop("confirm a new email", confirm_email),
        Stop("unknown email link", f"/organiser/confirm-email/{'x' * 43}", status=404),
        Stop("accept an invitation", invitation),
        Stop("invitation with errors", invitation, submit="Create my account"),
        Stop("unknown invitation link", f"/organiser/invitation/{'x' * 43}", status=404),
        Stop("dashboard", "/organiser/", signed_in=True),
        Stop("event overview", organiser_pages, signed_in=True),
        Stop("edit talk", f"{organiser_pages}/edit", signed_in=True),
        Stop("edit with errors", f"{organiser_pages}/edit", True, submit="Save", clear="Title"),
        Stop("speakers", f"{organiser_pages}/speakers", signed_in=True),
        Stop("edit speaker", f"{organiser_pages}/speakers/{speaker_id}/edit", signed_in=True),
        Stop("materials", f"{organiser_pages}/materials", signed_in=True),
        Stop("questions", f"{organiser_pages}/questions", signed_in=True),
        Stop("questions with errors", f"{organiser_pages}/questions", True,
             submit="Add the question"),
        Stop("no questions yet", f"/organiser/events/{past_id}/questions", signed_in=True),
        Stop("edit question", f"{organiser_pages}/questions/{question_id}/edit", signed_in=True),
        Stop("edit question with errors", f"{organiser_pages}/questions/{question_id}/edit", True,
             submit="Save", clear="Question"),
        Stop("talk languages", f"{organiser_pages}/languages", signed_in=True),
        Stop("talk texts in French", f"{organiser_pages}/languages/fr", signed_in=True),
        Stop("confirm cancelling a talk", f"{organiser_pages}/cancel", signed_in=True),
        Stop("new talk", "/organiser/events/new", signed_in=True),
        Stop("your account, a new email waiting", "/organiser/account", signed_in=True),
        Stop("API tokens", "/organiser/account/api-tokens", signed_in=True),
        Stop("API token form with errors", "/organiser/account/api-tokens", True,
             submit="Create token"),
        Stop("account with errors", "/organiser/account", True, submit="Save name", clear="Name"),
        Stop("two-factor set-up", "/organiser/account/two-factor", signed_in=True),
        Stop("two-factor set-up with errors", "/organiser/account/two-factor", True,
             submit="Turn two-factor sign-in on"),
        Stop("talk log", f"{organiser_pages}/log", signed_in=True),
        Stop("organisers", "/organiser/organisers", signed_in=True),
        Stop("invitation form with errors", "/organiser/organisers", True,
             submit="Send the invitation"),
        Stop("followers of a series", f"/organiser/series/{followed_series}/followers", True),
        Stop("talk team", f"{organiser_pages}/team", signed_in=True),
        Stop("team with errors", f"{organiser_pages}/team", True, submit="Add to the team"),
        Stop("transfer a talk", f"{organiser_pages}/transfer", signed_in=True),
        Stop("a talk with registrations cannot be deleted", f"{organiser_pages}/delete", True),
        Stop("confirm deleting a talk", f"/organiser/events/{past_id}/delete", signed_in=True),
        Stop("series list", "/organiser/series", signed_in=True),
        Stop("series overview", f"/organiser/series/{series_id}", signed_in=True),
        Stop("series team with errors", f"/organiser/series/{series_id}", True,
             submit="Add to the team"),
        Stop("new series", "/organiser/series/new", signed_in=True),
        Stop("new series with errors", "/organiser/series/new", True, submit="Save"),
        Stop("edit series", f"/organiser/series/{series_id}/edit", signed_in=True),
        Stop("new talk from a series", f"/organiser/events/new?series={series_id}", True),
        Stop("confirm deleting a series", f"/organiser/series/{series_id}/delete", True),
        Stop(
            "attendee list",
            f"{organiser_pages}/attendees",
            signed_in=True,
            optional="attendee list not merged yet",
        ),
        Stop("attendee list filtered by answers, with answer columns",
             f"{organiser_pages}/attendees?{answered}", signed_in=True),
        Stop("webhooks", "/organiser/webhooks", signed_in=True),
        Stop("new webhook endpoint", "/organiser/webhooks/new", signed_in=True),
        Stop("webhook endpoint with errors", "/organiser/webhooks/new", True,
             submit="Add the endpoint"),
        Stop("webhook endpoint and its deliveries", webhook, signed_in=True),
        Stop("change a webhook endpoint", f"{webhook}/edit", signed_in=True),
        Stop("confirm deleting a webhook endpoint", f"{webhook}/delete", signed_in=True),
    ]


def answered_questions(make_question, make_answer, event_id: int, registration_id: int) -> str:
    """Give a talk a choice, a yes/no and a sensitive question, answered by this registration;
    return the attendee list's query filtering by one answer, with every column."""
    topics = make_question(event_id, "multiple_choice", "Topics you care about",
                           ("Funding", "Skills", "Policy"))  # fmt: skip
    recorded = make_question(event_id, "yes_no", "May we record you?")
    needs = make_question(event_id, "short_text", "Access needs", sensitive=True)
    make_answer(registration_id, topics["id"], option_id=topics["options"][0])
    make_answer(registration_id, recorded["id"], value="yes")
    make_answer(registration_id, needs["id"], value="Step-free access")
    columns = "".join(f"&col={question['id']}" for question in (topics, recorded, needs))
    filters = f"a{topics['id']}={topics['options'][0]}&a{recorded['id']}=yes"
    return f"{filters}&cols=1{columns}&col=removed"


def stored_link(app, model, token: str, **fields) -> None:
    """Store a single-use link (a model with token_hash and expires_at) valid for a day."""
    from datetime import timedelta

    from webinar.extensions import db
    from webinar.models import utcnow
    from webinar.organiser.services.password_reset import hash_token

    with app.app_context():
        expires_at = utcnow() + timedelta(days=1)
        db.session.add(model(token_hash=hash_token(token), expires_at=expires_at, **fields))
        db.session.commit()


def reset_link_of(app, organiser_id: int) -> str:
    """Store a password reset link for an organiser, as an email would bring it; return its path."""
    from webinar.models import PasswordResetToken

    token = "r" * 43
    stored_link(app, PasswordResetToken, token, organiser_id=organiser_id)
    return f"/organiser/reset-password/{token}"


def email_link_of(app, organiser_id: int) -> str:
    """Store a pending change of an organiser's email, as its link would come; return its path."""
    from webinar.models import EmailChange

    token = "c" * 43
    stored_link(app, EmailChange, token, organiser_id=organiser_id,
                new_email="olga.new@example.org")  # fmt: skip
    return f"/organiser/confirm-email/{token}"


def invitation_link_of(app, invited_by_id: int) -> str:
    """Store an open invitation, as an email would bring its link; return the link's path."""
    from webinar.models import Invitation

    token = "i" * 43
    stored_link(app, Invitation, token, email="invited@example.org", name="Ivo Invited",
                invited_by_id=invited_by_id)  # fmt: skip
    return f"/organiser/invitation/{token}"


def words(language: str):
    """Return the gettext of a language's catalog: what a label reads in that language."""
    if language == "en":
        return str
    from babel.support import Translations

    return Translations.load(str(CATALOGS), [language]).gettext


def visit(tab, stop: Stop, new_tab, language: str = "en") -> bool:
    """Open a stop of the tour in tab; return False when an optional page is not there."""
    _ = words(language)
    if stop.status == 404 or stop.optional:
        new_tab.expect_error("status of 404", stop.path)
    response = tab.goto(stop.path)
    if stop.optional and response.status == 404:
        print(f"{stop.name}: passed by, {stop.optional}")
        return False
    assert response.status == stop.status, f"{stop.name}: {stop.path} answered {response.status}"
    if stop.submit:
        if stop.clear:
            tab.get_by_label(_(stop.clear), exact=True).fill("")
        tab.get_by_role("button", name=_(stop.submit), exact=True).click()
        tab.locator(".form-errors").wait_for()
        tab.wait_for_load_state()  # the answer's styles too, not only its markup
    return True


def walk_tour(tab, tour: list[Stop], organiser: OrganiserAccount, new_tab, language: str = "en"):
    """Visit each stop of the tour in tab, signing in when the organiser pages begin."""
    signed_in = False
    for stop in tour:
        if stop.signed_in and not signed_in:
            organiser.sign_in(tab, language)
            signed_in = True
        if visit(tab, stop, new_tab, language):
            yield stop
