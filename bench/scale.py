"""How the organiser's attendee list and CSV export grow with the number of registrations.

Measured in this process with the Flask test client: the time of each request
(median of several, body read to the end), then one more request under
tracemalloc for the peak of memory allocated while it is served, above what
was allocated before it started. tracemalloc slows Python down, so times are
taken without it. The export's peak resident memory growth is read from the
kernel as well (VmHWM, reset before the request).

The talk has five questions, answered by nine people in ten, so the list
shows answer columns, and one more page is measured: the list filtered by
two answers plus a search.
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


def rss_growth_mb(client, path: str) -> float | None:
    """Return how far the resident memory peaked above its level before a request, in MB."""
    status = Path("/proc/self/status")
    try:
        # Writing 5 resets the peak (VmHWM) to the current resident size (Linux).
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return None

    def kilobytes(name: str) -> int:
        line = next(line for line in status.read_text().splitlines() if line.startswith(name))
        return int(line.split()[1])

    before = kilobytes("VmRSS:")
    fetch(client, path)
    return (kilobytes("VmHWM:") - before) / 1024


def answers_path(page: str, questions: dict, term: str) -> str:
    """Return the URL of the list filtered by two answers (two clusters; yes) and a search."""
    cluster = questions["single_choice"]
    energy, health = (option_id for option_id, _ in cluster["options"][:2])
    recorded = questions["yes_no"]["id"]
    pairs = [(f"a{cluster['id']}", energy), (f"a{cluster['id']}", health), (f"a{recorded}", "yes")]
    if term:
        pairs.append(("q", term))
    return f"{page}?{forms.encode(pairs)}"


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
        questions = data.add_questions(app, event_id)
        rows: list[dict] = []
        first: dict[str, float] = {}
        have = 0
        for size in sizes:
            data.add_registrations(app, event_id, size - have, start=have)
            answers = data.add_answers(app, event_id, questions, have, size - have)
            print(f"  scale {backend}: {size:,} registrations, {answers:,} more answers",
                  flush=True)  # fmt: skip
            have = size
            rows += measure(client.client, section, size, attendees, export_status, first,
                            questions)  # fmt: skip
            print(f"  scale {backend}: {size:,} registrations measured", flush=True)
        return rows
    finally:
        data.dispose(app)


def measure(client, section, size, attendees, export_status, first, questions) -> list[dict]:
    """Return the rows of one size: first page, searches, answer filters, last page, export."""
    html = client.get(attendees).text
    paths = {
        "attendee list, first page": attendees,
        "attendee list, a search": search_path(html, attendees, f"Last{size // 2}"),
        # "Last5" matches one person in nine: a broad search, as typing starts.
        "attendee list, two answers and a search": answers_path(attendees, questions, "Last5"),
        "attendee list, two answers": answers_path(attendees, questions, ""),
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
    resident = rss_growth_mb(client, f"{attendees}.csv")
    verdict = ""
    if at_target:
        ok = seconds < EXPORT_TARGET_S and memory < EXPORT_MEMORY_TARGET_MB
        verdict = "met" if ok else "MISSED"
    note = f"{lines - 1:,} rows; " + growth(first, "export", seconds, size)
    shown = f"{seconds:.2f} s" if seconds >= 1 else f"{seconds * 1000:.0f} ms"
    result = f"{shown}, peak +{memory:.1f} MB"
    if resident is not None:
        result += f", RSS peak +{resident:.1f} MB"
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
