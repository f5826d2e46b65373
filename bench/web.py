"""The HTTP benchmark: the app and a bare Flask app under the same gunicorn, driven by wrk.

Rounds alternate: in each, the bare app, then every page, then the
registration flow, each for the round's duration; the table shows the
medians of the rounds. After the rounds, the resident memory of the app's
workers is read.
"""

from __future__ import annotations

import re
from pathlib import Path

from . import data, flow, pages, servers
from .load import Load, Scenario

BARE_TARGET = "bare:app"
MEMORY_TARGET_MB = 100


def run(
    backend: str, database_url: str, workdir: Path, load: Load, pages_too: bool = True
) -> list[dict]:
    """Benchmark every scenario (or, without pages_too, the flow) on one database; return rows."""
    port = servers.free_port()
    secret = servers.new_secret()
    env = servers.app_env(database_url, workdir, port, secret)
    app = data.make_app(database_url, workdir, secret)
    try:
        site = pages.prepare(env, app)
        with (
            servers.serving("app:app", env, workdir, port=port) as server,
            servers.serving(BARE_TARGET, env, workdir, pythonpath=Path(__file__).parent) as bare,
        ):
            reference = Scenario("bare Flask app (hello)", "/")
            scenarios = pages.scenarios(site, server.url, backend)
            active = [s for s in scenarios if not s.skip and pages_too]
            registrations = flow.prepare(app, server.url, backend)
            if not registrations.skip:
                # A short first run warms the workers and says how many seats a run fills.
                warm_up = min(load.duration / 2, 3)
                registrations.run(app, server, registrations.talks[0], warm_up)
            for number in range(load.rounds):
                load.run(reference, bare, f"{backend}-bare-{number}")
                for scenario in active:
                    label = re.sub(r"\W+", "-", f"{backend}-{scenario.name}-{number}")
                    load.run(scenario, server, label)
                if not registrations.skip:
                    registrations.measure(app, server, load.duration)
                print(f"  {backend}: round {number + 1}/{load.rounds} done", flush=True)
            memory = server.worker_rss_mb()
        section = f"HTTP, {backend}"
        result = rows(section, reference, scenarios if pages_too else [])
        result.append(flow.rows(registrations, app, backend, reference.summary(), section))
        result.append(memory_row(section, memory))
    finally:
        data.dispose(app)
    return result


def rows(section: str, reference: Scenario, scenarios: list[Scenario]) -> list[dict]:
    """Turn the scenarios' medians into report rows, each beside the bare app's."""
    bare = reference.summary()
    result = [
        {
            "section": section,
            "measure": reference.name,
            "result": describe(bare),
            "ratio": "1 / 1 / 1",
            "target": "reference",
            "verdict": "",
            "note": f"{bare['requests']} requests, {bare['cpu_ms']:.2f} ms CPU each",
        }
    ]
    for scenario in scenarios:
        row = {"section": section, "measure": scenario.name, "result": "", "ratio": ""}
        row["target"] = target_text(scenario)
        if scenario.skip:
            result.append({**row, "verdict": "skipped", "note": scenario.skip})
            continue
        figures = scenario.summary()
        rps_ratio = figures["rps"] / bare["rps"]
        p99_ratio = figures["p99_ms"] / bare["p99_ms"]
        row["result"] = describe(figures)
        row["ratio"] = (
            f"{rps_ratio:.2f} / {figures['p50_ms'] / bare['p50_ms']:.1f} / {p99_ratio:.1f}"
        )
        note = f"{figures['requests']} requests, {figures['cpu_ms']:.2f} ms CPU each"
        misses = []
        if scenario.target and rps_ratio < scenario.target:
            misses.append("req/s")
        if scenario.target and p99_ratio > pages.P99_LIMIT:
            misses.append("p99")
        if scenario.english is not None and not scenario.english.skip:
            english = scenario.english.summary()
            share = figures["rps"] / english["rps"]
            # CPU time, unlike req/s, does not move with whatever else the machine runs.
            note += (f"; {share:.2f} of the English page's req/s, "
                     f"{figures['cpu_ms'] / english['cpu_ms']:.2f}x its CPU a request")  # fmt: skip
            if share < pages.LANGUAGE_SHARE:
                misses.append("vs English")
        wrong = figures["nwrong"] + figures["socket_errors"]
        if wrong:
            expected = "3xx" if scenario.expect == 3 else "2xx"
            verdict = (
                f"FAILED: {figures['nwrong']} answers not {expected} "
                f"({figures['n4xx']} 4xx, {figures['n5xx']} 5xx), "
                f"{figures['socket_errors']} socket errors"
            )
        elif misses:
            verdict = "MISSED (" + ", ".join(misses) + ")"
        else:
            verdict = "met" if scenario.target else "ok"
        result.append({**row, "verdict": verdict, "note": note})
    return result


def target_text(scenario: Scenario) -> str:
    """Say what a scenario's row must reach."""
    if not scenario.target:
        return ""
    text = f">= {scenario.target} of bare req/s, p99 <= {pages.P99_LIMIT:g}x bare"
    if scenario.english is not None:
        text += f", >= {pages.LANGUAGE_SHARE} of English"
    return text


def memory_row(section: str, sizes: dict[int, float]) -> dict:
    """Return the row of the largest worker's resident memory after the HTTP runs."""
    row = {"section": section, "measure": "worker memory (VmRSS) after the run", "ratio": "",
           "target": f"< {MEMORY_TARGET_MB} MB"}  # fmt: skip
    if not sizes:
        return {**row, "result": "", "verdict": "skipped", "note": "no worker found in /proc"}
    largest = max(sizes.values())
    return {
        **row,
        "result": f"{largest:.0f} MB (largest worker)",
        "verdict": "met" if largest < MEMORY_TARGET_MB else "MISSED",
        "note": "workers: " + ", ".join(f"{size:.0f} MB" for size in sorted(sizes.values())),
    }


def describe(figures: dict) -> str:
    """Return req/s and latency percentiles as one short cell."""
    return (
        f"{figures['rps']:.0f} req/s, p50 {figures['p50_ms']:.1f} ms, "
        f"p99 {figures['p99_ms']:.1f} ms"
    )
