"""How the organiser's attendee list and CSV export grow with the number of registrations.

Measured in this process with the Flask test client: the time of each request
(median of several, body read to the end), then one more request under
tracemalloc for the peak of memory allocated while it is served, above what
was allocated before it started. tracemalloc slows Python down, so times are
taken without it.
"""

from __future__ import annotations

import re
import statistics
import time
import tracemalloc
from pathlib import Path

from . import data, forms, servers
from .client import AppClient, sign_in

PAGE_TARGET_MS = 50
EXPORT_TARGET_S = 3
EXPORT_MEMORY_TARGET_MB = 50
TARGET_SIZE = 100_000


def fetch(client, path: str) -> tuple[int, int]:
    """Request path and read the body to the end in chunks; return (status, body lines)."""
    response = client.get(path)
    lines = 0
    try:
        for chunk in response.iter_encoded():
            lines += chunk.count(b"\n")
    finally:
        response.close()
    return response.status_code, lines


def timed(client, path: str, repeats: int) -> tuple[float, float, int]:
    """Return the median seconds, the peak memory growth in MB, and the body lines of path."""
    fetch(client, path)
    durations = []
    for _ in range(repeats):
        started = time.perf_counter()
        status, lines = fetch(client, path)
        durations.append(time.perf_counter() - started)
        if status != 200:
            raise RuntimeError(f"{path} answered {status}")
    tracemalloc.start()
    try:
        before, _ = tracemalloc.get_traced_memory()
        fetch(client, path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return statistics.median(durations), (peak - before) / 2**20, lines


def search_path(html: str, page: str, term: str) -> str:
    """Return the URL of the attendee search, from the page's own search form."""
    for form in forms.parse_forms(html, page):
        name = form.field_of_type("search", "text")
        if form.method == "get" and name:
            return f"{form.action}?{forms.encode([(name, term)])}"
    return f"{page}?{forms.encode([('q', term)])}"


def last_page_path(html: str, page: str) -> str | None:
    """Return the URL of the last page, from the page's own pagination links."""
    numbers = [int(n) for n in re.findall(r"[?&](?:amp;)?page=(\d+)", html)]
    return f"{page}?page={max(numbers)}" if numbers else None


def run(backend: str, database_url: str, workdir: Path, sizes: list[int]) -> list[dict]:
    """Measure the attendee list and the export at each size; return the report rows."""
    section = f"Scale, {backend} (in-process)"
    app = data.make_app(database_url, workdir, servers.new_secret())
    try:
        data.migrate(app)
        event_id = data.create_event(app, data.unique_slug("bench-scale"), capacity=None)
        data.create_organiser(app, [event_id])
        client = AppClient(app)
        attendees = f"/organiser/events/{event_id}/attendees"
        reason = sign_in(client, attendees, data.ORGANISER_EMAIL, data.ORGANISER_PASSWORD)
        if reason:
            return [skipped(section, "attendee list and CSV export", reason)]
        export = f"{attendees}.csv"
        export_status, _ = fetch(client.client, export)
        rows: list[dict] = []
        first: dict[str, float] = {}
        have = 0
        for size in sizes:
            data.add_registrations(app, event_id, size - have, start=have)
            have = size
            rows += measure(client.client, section, size, attendees, export_status, first)
            print(f"  scale {backend}: {size:,} registrations measured", flush=True)
        return rows
    finally:
        data.dispose(app)


def measure(client, section, size, attendees, export_status, first) -> list[dict]:
    """Return the rows of one size: first page, a search, the last page, the export."""
    html = client.get(attendees).text
    paths = {
        "attendee list, first page": attendees,
        "attendee list, a search": search_path(html, attendees, f"Last{size // 2}"),
        "attendee list, last page": last_page_path(html, attendees),
    }
    rows = []
    at_target = size == TARGET_SIZE
    for name, path in paths.items():
        measure_name = f"{name} @ {size:,}"
        target = f"< {PAGE_TARGET_MS} ms, flat" if at_target else "flat"
        if path is None:
            rows.append(skipped(section, measure_name, "no pagination links on the first page"))
            continue
        seconds, memory, _ = timed(client, path, repeats=5)
        verdict = ""
        if at_target:
            verdict = "met" if seconds * 1000 < PAGE_TARGET_MS else "MISSED"
        rows.append(
            row(
                section,
                measure_name,
                f"{seconds * 1000:.1f} ms, peak +{memory:.1f} MB",
                target,
                verdict,
                growth(first, name, seconds, size),
            )
        )
    name = f"CSV export @ {size:,}"
    target = (
        f"< {EXPORT_TARGET_S} s, memory < {EXPORT_MEMORY_TARGET_MB} MB" if at_target else "linear"
    )
    if export_status == 404:
        rows.append(skipped(section, name, "the CSV export answers 404 (not built yet)"))
        return rows
    seconds, memory, lines = timed(client, f"{attendees}.csv", repeats=3 if size < 50_000 else 1)
    verdict = ""
    if at_target:
        ok = seconds < EXPORT_TARGET_S and memory < EXPORT_MEMORY_TARGET_MB
        verdict = "met" if ok else "MISSED"
    note = f"{lines - 1:,} rows; " + growth(first, "export", seconds, size)
    shown = f"{seconds:.2f} s" if seconds >= 1 else f"{seconds * 1000:.0f} ms"
    result = f"{shown}, peak +{memory:.1f} MB"
    rows.append(row(section, name, result, target, verdict, note))
    return rows


def growth(first: dict, key: str, seconds: float, size: int) -> str:
    """Say how the time compares with the smallest size measured."""
    if key not in first:
        first[key] = (seconds, size)
        return "smallest size"
    base_seconds, base_size = first[key]
    return f"x{seconds / base_seconds:.1f} time for x{size / base_size:.0f} rows"


def row(section, measure, result, target, verdict, note) -> dict:
    return {
        "section": section,
        "measure": measure,
        "result": result,
        "ratio": "",
        "target": target,
        "verdict": verdict,
        "note": note,
    }


def skipped(section: str, measure: str, reason: str) -> dict:
    return row(section, measure, "", "", "skipped", reason)
