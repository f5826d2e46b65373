"""The HTTP benchmark: the app and a bare Flask app under the same gunicorn, driven by wrk."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from . import data, forms, servers
from .client import LiveClient, sign_in
from .load import Load, Scenario

BENCH_CAPACITY = 2_000
BARE_TARGET = "bare:app"


@dataclass
class Setup:
    """What the scenarios need from the database: a talk, a registration, an organiser."""

    talk_slug: str
    event_id: int
    event_slug: str
    token: str


def prepare(env: dict[str, str], app) -> Setup:
    """Migrate, load the demo talks, and add the benchmark's own talk, attendee and organiser."""
    servers.flask_command(env, "db", "upgrade")
    servers.flask_command(env, "demo")
    slug = data.unique_slug("bench-talk")
    event_id = data.create_event(app, slug, capacity=BENCH_CAPACITY)
    [token] = data.add_registrations(app, event_id, 1, start=10_000_000)
    data.create_organiser(app, [event_id])
    demo_slugs = [s for s in data.published_slugs(app) if s != slug]
    return Setup(demo_slugs[0] if demo_slugs else slug, event_id, slug, token)


def page_scenario(client: LiveClient, name: str, path: str, target=None, shown=None) -> Scenario:
    """Return a GET scenario, skipped with the reason when the page does not answer 200."""
    scenario = Scenario(name, path, target=target)
    status, _, _ = client.request("GET", path)
    if status == 404:
        scenario.skip = f"{shown or path} answers 404 (not built yet)"
    elif status != 200:
        scenario.skip = f"{shown or path} answers {status}"
    return scenario


def registration_scenario(client: LiveClient, app, setup: Setup, target) -> Scenario:
    """Return the registration POST with a real session and CSRF token, or why it cannot run."""
    path = f"/events/{setup.event_slug}/register"
    scenario = Scenario("registration POST", path, method="POST", target=target)
    form = None
    for page in (path, f"/events/{setup.event_slug}"):
        status, _, html = client.request("GET", page)
        if status == 404 and page == path:
            scenario.skip = f"{path} answers 404 (not built yet)"
            return scenario
        matching = [f for f in forms.post_forms(html, page) if f.action.endswith("/register")]
        if matching:
            form = matching[0]
            break
    if form is None:
        scenario.skip = f"no registration form at {path} yet"
        return scenario
    scenario.path = form.action
    before = sum_registrations(app, setup.event_id)
    probe = forms.fill(form, "probe@bench.example.org")
    status, _, html = client.request("POST", form.action, probe)
    if status >= 400 or sum_registrations(app, setup.event_id) != before + 1:
        errors = " ".join(re.findall(r'class="field-error"[^>]*>([^<]*)<', html))[:200]
        scenario.skip = f"a test registration was not saved (status {status}) {errors}".strip()
        return scenario
    scenario.body_parts = forms.encode(forms.fill(form)).split(forms.EMAIL_MARK)
    scenario.cookie = client.cookie_header()
    return scenario


def sum_registrations(app, event_id: int) -> int:
    counts = data.seat_counts(app, event_id)
    return sum(v for k, v in counts.items() if k not in ("capacity", "seats_taken"))


def attendee_scenario(client: LiveClient, setup: Setup) -> Scenario:
    """Return the organiser's attendee list with a signed-in session, or why it cannot run."""
    path = f"/organiser/events/{setup.event_id}/attendees"
    scenario = Scenario("organiser attendee list", path)
    scenario.skip = sign_in(client, path, data.ORGANISER_EMAIL, data.ORGANISER_PASSWORD)
    scenario.cookie = client.cookie_header()
    return scenario


def run(backend: str, database_url: str, workdir: Path, load: Load) -> list[dict]:
    """Benchmark every scenario on one database; return the rows of the report."""
    port = servers.free_port()
    secret = servers.new_secret()
    env = servers.app_env(database_url, workdir, port, secret)
    app = data.make_app(database_url, workdir, secret)
    try:
        setup = prepare(env, app)
        with (
            servers.serving("app:app", env, workdir, port=port) as server,
            servers.serving(BARE_TARGET, env, workdir, pythonpath=Path(__file__).parent) as bare,
        ):
            client = LiveClient(server.url)
            reference = Scenario("bare Flask app (hello)", "/")
            scenarios = [
                page_scenario(client, "home page", "/"),
                page_scenario(client, "talk page", f"/events/{setup.talk_slug}", target=0.5),
                page_scenario(
                    client,
                    "personal link page",
                    f"/registrations/{setup.token}",
                    shown="/registrations/<token>",
                ),
                attendee_scenario(LiveClient(server.url), setup),
                registration_scenario(
                    LiveClient(server.url), app, setup, target=0.25 if backend == "SQLite" else None
                ),
            ]
            active = [s for s in scenarios if not s.skip]
            registered_before = sum_registrations(app, setup.event_id)
            for number in range(load.rounds):
                load.run(reference, bare.url, f"{backend}-bare-{number}")
                for scenario in active:
                    label = re.sub(r"\W+", "-", f"{backend}-{scenario.name}-{number}")
                    load.run(scenario, server.url, label)
                print(f"  {backend}: round {number + 1}/{load.rounds} done", flush=True)
        seats = data.seat_counts(app, setup.event_id)
        seats["new"] = sum_registrations(app, setup.event_id) - registered_before
    finally:
        data.dispose(app)
    return rows(backend, reference, scenarios, seats)


def rows(backend: str, reference: Scenario, scenarios: list[Scenario], seats: dict) -> list[dict]:
    """Turn the scenarios' medians into report rows, each beside the bare app's."""
    bare = reference.summary()
    section = f"HTTP, {backend}"
    result = [
        {
            "section": section,
            "measure": reference.name,
            "result": describe(bare),
            "ratio": "1 / 1 / 1",
            "target": "reference",
            "verdict": "",
            "note": f"{bare['requests']} requests",
        }
    ]
    for scenario in scenarios:
        row = {"section": section, "measure": scenario.name, "result": "", "ratio": ""}
        row["target"] = f">= {scenario.target} of bare req/s" if scenario.target else ""
        if scenario.skip:
            result.append({**row, "verdict": "skipped", "note": scenario.skip})
            continue
        figures = scenario.summary()
        rps_ratio = figures["rps"] / bare["rps"]
        row["result"] = describe(figures)
        row["ratio"] = (
            f"{rps_ratio:.2f} / {figures['p50_ms'] / bare['p50_ms']:.1f}"
            f" / {figures['p99_ms'] / bare['p99_ms']:.1f}"
        )
        problems = []
        if figures["n5xx"] or figures["socket_errors"]:
            problems.append(f"{figures['n5xx']} 5xx, {figures['socket_errors']} socket errors")
        if figures["n4xx"]:
            problems.append(f"{figures['n4xx']} 4xx")
        note = f"{figures['requests']} requests"
        if scenario.method == "POST":
            overbooked = seats["capacity"] is not None and seats["seats_taken"] > seats["capacity"]
            miscounted = seats["seats_taken"] != seats.get("confirmed", 0)
            if overbooked or miscounted:
                problems.append("seat count wrong")
            # wrk does not count requests still in flight when it stops, so there may be
            # a few more registrations than answered POSTs, never fewer.
            answered = figures["requests"] - figures["n4xx"] - figures["n5xx"]
            if seats["new"] < answered:
                problems.append(f"only {seats['new']} registrations for {answered} POSTs")
            note += (
                f"; {seats['new']} new registrations; "
                f"seats {seats['seats_taken']}/{seats['capacity']}, "
                f"{seats.get('confirmed', 0)} confirmed, {seats.get('waitlisted', 0)} waitlisted"
            )
        if problems:
            verdict = "FAILED: " + ", ".join(problems)
        elif scenario.target:
            verdict = "met" if rps_ratio >= scenario.target else "MISSED"
        else:
            verdict = "ok"
        result.append({**row, "verdict": verdict, "note": note})
    return result


def describe(figures: dict) -> str:
    """Return req/s and latency percentiles as one short cell."""
    return (
        f"{figures['rps']:.0f} req/s, p50 {figures['p50_ms']:.1f} ms, "
        f"p99 {figures['p99_ms']:.1f} ms"
    )
