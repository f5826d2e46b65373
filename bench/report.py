"""The report: one table of every figure beside its target, with the machine and the commit."""

from __future__ import annotations

import os
import platform
import subprocess
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COLUMNS = [
    ("section", "Part"),
    ("measure", "Measure"),
    ("result", "Result"),
    ("ratio", "vs bare (req/s / p50 / p99)"),
    ("target", "Target"),
    ("verdict", "Verdict"),
    ("note", "Note"),
]


SECTIONS = {"http": "HTTP, {}", "scale": "Scale, {} (in-process)", "outbox": "Outbox, {}"}


def whole_part(part: str, backend: str, verdict: str, note: str) -> dict:
    """Return the row that says what became of a whole part on a backend."""
    return {
        "section": SECTIONS[part].format(backend),
        "measure": "all",
        "result": "",
        "ratio": "",
        "target": "",
        "verdict": verdict,
        "note": note,
    }


def skipped_backend(part: str, backend: str, reason: str) -> dict:
    """Return the row that says a whole part did not run on a backend."""
    return whole_part(part, backend, "skipped", reason)


def failed_part(part: str, backend: str, error: Exception) -> dict:
    """Return the row that says a part stopped on an error (the traceback is printed above)."""
    message = str(error).splitlines()[0] if str(error) else ""
    return whole_part(part, backend, "ERROR", f"{type(error).__name__}: {message}"[:200])


def machine() -> str:
    """Describe the CPU, its cores and the Python version."""
    model = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{os.cpu_count()} cores, {model}, Python {platform.python_version()}"


def commit() -> str:
    """Return the short commit hash, marked when the working tree has changes."""
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=ROOT,
            capture_output=True,
            text=True,
        ).stdout.strip()
    except OSError:
        return "unknown"
    if not head:
        return "unknown (not a git checkout)"
    return f"{head} (with uncommitted changes)" if dirty else head


def table(rows: list[dict]) -> str:
    """Return the rows as a Markdown table."""
    lines = [
        "| " + " | ".join(title for _, title in COLUMNS) + " |",
        "|" + "|".join("---" for _ in COLUMNS) + "|",
    ]
    for row in rows:
        cells = [str(row.get(key, "")).replace("|", "/") for key, _ in COLUMNS]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def render(rows: list[dict], args, postgres_reason: str | None) -> str:
    """Return the whole report: when, where, how, the table and how to read it."""
    settings = (
        f"wrk {args.threads} thread(s), {args.connections} connections, "
        f"{args.rounds} round(s) x {args.duration:g} s per scenario, medians of the rounds; "
        f"gunicorn 2 sync workers on 127.0.0.1 for both the app and the bare app; "
        f"scale sizes {', '.join(f'{n:,}' for n in args.sizes)}; {args.emails:,} emails"
        + ("; quick mode" if args.quick else "")
    )
    return "\n".join(
        [
            "# Benchmark results",
            "",
            f"- Date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
            f"- Machine: {machine()}",
            f"- Commit: {commit()}",
            f"- Settings: {settings}",
            f"- PostgreSQL: {postgres_reason or 'reachable; a database of its own, dropped after'}",
            "",
            table(rows),
            "",
            "Ratios are the app's median over the bare Flask app's median in the same run: "
            "for req/s higher is better, for latency lower is better. Scale times are medians "
            "of several requests through the Flask test client; memory is the peak traced by "
            "tracemalloc while one request is served, above what was allocated before it. "
            "See bench/README.md.",
            "",
        ]
    )
