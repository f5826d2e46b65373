"""The public and personal pages the HTTP part loads, chosen among the demo talks.

`flask demo` gives past and upcoming talks, series and translations; the
benchmark adds a registration to the upcoming talk (for the personal page),
a talk that is on now with one registration (for the join link, which
redirects only then) and an organiser of both. Each page is requested once
before the rounds: a page that does not answer as it should is skipped with
the reason, and a page asked for in French or German must answer in that
language.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import func

from . import data, servers
from .client import LiveClient, sign_in
from .load import Scenario

# Targets of issue 18: each page's req/s as a share of the bare app's, per database.
PAGE_TARGET = {"SQLite": 0.5, "PostgreSQL": 0.4}
LINK_TARGET = 0.4
P99_LIMIT = 3.0
# A page in French or German must reach this share of its English req/s (issue 15).
LANGUAGE_SHARE = 0.9
LANGUAGES = {"fr": "French", "de": "German"}


@dataclass
class Site:
    """The paths of the pages to load, read from the prepared database."""

    upcoming: str
    past: str
    series: str
    token: str
    join_token: str
    attendees: str


def prepare(env: dict[str, str], app) -> Site:
    """Migrate, load the demo, and add the benchmark's registrations, live talk and organiser."""
    servers.flask_command(env, "db", "upgrade")
    servers.flask_command(env, "demo")
    upcoming_id, upcoming, past, series = demo_pages(app)
    [token] = data.add_registrations(app, upcoming_id, 1, start=10_000_000)
    # Join links redirect only from a quarter of an hour before the start to the end.
    live = data.create_event(
        app, data.unique_slug("bench-live"), None, starts_in=-timedelta(minutes=5)
    )
    [live_token] = data.add_registrations(app, live, 1, start=10_000_001)
    data.create_organiser(app, [upcoming_id, live])
    return Site(upcoming, past, series, token, data.join_token(app, live_token),
                f"/organiser/events/{upcoming_id}/attendees")  # fmt: skip


def demo_pages(app) -> tuple[int, str, str, str]:
    """Return an upcoming talk open for registration (id and slug), a past talk and a series.

    The talks offered in the most languages are preferred, so that the French
    and German pages are the talk's own translations; then the soonest
    upcoming and the oldest past talk (the demo's reference talk).
    """
    from webinar.extensions import db
    from webinar.models import Event, Series

    now = datetime.now(UTC)
    with app.app_context():
        talks = db.session.scalars(db.select(Event).where(Event.status == "published")).all()

        def languages(talk) -> int:
            return -len(set(talk.other_languages or ()) & set(LANGUAGES))

        upcoming = sorted(
            (
                t
                for t in talks
                if t.starts_at > now and t.registration_state() in ("open", "waitlist")
            ),
            key=lambda t: (languages(t), t.starts_at),
        )
        past = sorted(
            (t for t in talks if t.ends_at < now), key=lambda t: (languages(t), t.starts_at)
        )
        series = db.session.scalars(
            db.select(Series.slug)
            .join(Event, Event.series_id == Series.id)
            .where(Event.status == "published")
            .group_by(Series.slug)
            .order_by(func.count().desc(), Series.slug)
        ).first()
        if not upcoming or not past or not series:
            raise RuntimeError(
                "the demo has no upcoming talk open for registration, past talk or series"
            )
        found = upcoming[0].id, upcoming[0].slug, past[0].slug, series
        db.session.remove()
    return found


def scenarios(site: Site, base_url: str, backend: str) -> list[Scenario]:
    """Return the page scenarios of the table, in its order, each checked once."""
    client = LiveClient(base_url)
    page = PAGE_TARGET[backend]
    upcoming = f"/events/{site.upcoming}"
    english = {
        "home page": check(client, Scenario("home page", "/", target=page)),
        "past list": check(client, Scenario("past list", "/events/past", target=page)),
        "series page": check(
            client, Scenario("series page", f"/series/{site.series}", target=page)
        ),
        "upcoming talk page": check(client, Scenario("upcoming talk page", upcoming, target=page)),
        "past talk page": check(
            client, Scenario("past talk page", f"/events/{site.past}", target=page)
        ),
        "registration form page": check(
            client,
            Scenario("registration form page", f"{upcoming}/register", target=page),
            shown=f"{upcoming}/register",
            form="/register",
        ),
        "personal page": check(
            client,
            Scenario("personal page", f"/registrations/{site.token}", target=LINK_TARGET),
            shown="/registrations/<token>",
        ),
        "join redirect": check(
            client,
            Scenario("join redirect", f"/join/{site.join_token}", expect=3, target=LINK_TARGET),
            shown="/join/<token>",
        ),
    }
    organiser = LiveClient(base_url)
    attendees = Scenario("organiser attendee list", site.attendees)
    attendees.skip = sign_in(
        organiser, site.attendees, data.ORGANISER_EMAIL, data.ORGANISER_PASSWORD
    )
    attendees.cookie = organiser.cookie_header()
    translated = []
    for name in ("home page", "upcoming talk page"):
        for code, language in LANGUAGES.items():
            scenario = Scenario(
                f"{name} ({language})",
                english[name].path,
                headers={"Accept-Language": code},
                target=page,
                english=english[name],
            )
            translated.append(check(client, scenario, language=code))
    return [*english.values(), attendees, *translated]


def check(client: LiveClient, scenario: Scenario, shown=None, form=None, language=None) -> Scenario:
    """Request the scenario's page once; mark it skipped, with why, if it is not as it must be."""
    shown = shown or scenario.path
    status, location, page = client.request("GET", scenario.path, headers=scenario.headers)
    if status // 100 != scenario.expect:
        scenario.skip = f"{shown} answers {status}" + (" (not built yet)" if status == 404 else "")
    elif form and not re.search(rf"<form[^>]*action=\"[^\"]*{re.escape(form)}\"", page):
        scenario.skip = f"{shown} shows no form posting to {form}"
    elif language and not re.search(rf"<html[^>]*\blang=\"{language}", page):
        scenario.skip = f"{shown} does not answer in {LANGUAGES[language]} to Accept-Language"
    elif scenario.expect == 3 and not location:
        scenario.skip = f"{shown} answers {status} without a Location"
    return scenario
