"""Run the benchmarks, print one table and write it to bench/results.md.

    .venv/bin/python bench/run.py            # the full run (what `make bench` does)
    .venv/bin/python bench/run.py --quick    # a smoke run of a minute or two

See bench/README.md for what each figure means.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import sys
import tempfile
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Run as a script, Python puts bench/ first on the path; the package lives one level up.
sys.path[0] = str(ROOT)

from bench import load, outbox, report, scale, servers, web  # noqa: E402

FULL_SIZES = [1_000, 10_000, 100_000]
QUICK_SIZES = [1_000, 10_000]


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick",
        action="store_true",
        help="smoke run: 1 round of 2 s, scale up to 10,000, 1,000 emails",
    )
    parser.add_argument(
        "--duration",
        type=float,
        help="seconds of each wrk run and of each registration flow run (default 10)",
    )
    parser.add_argument(
        "--rounds",
        type=int,
        help="rounds of the bare app, every page and the registration flow (default 3)",
    )
    parser.add_argument("--threads", type=int, default=1, help="wrk threads (default 1)")
    parser.add_argument("--connections", type=int, default=16, help="wrk connections (default 16)")
    parser.add_argument(
        "--sizes",
        type=lambda s: [int(n) for n in s.split(",")],
        help="registrations for the scale runs, e.g. 1000,10000,100000",
    )
    parser.add_argument("--emails", type=int, help="queued emails for the outbox (default 10000)")
    parser.add_argument(
        "--only",
        choices=("http", "flow", "scale", "outbox"),
        action="append",
        help="run only these parts (repeatable; flow: the HTTP part's registration flow alone)",
    )
    parser.add_argument("--no-postgres", action="store_true", help="SQLite only")
    parser.add_argument(
        "--output",
        type=Path,
        default=ROOT / "bench" / "results.md",
        help="where to write the table (default bench/results.md)",
    )
    args = parser.parse_args(argv)
    args.duration = args.duration or (2 if args.quick else 10)
    args.rounds = args.rounds or (1 if args.quick else 3)
    args.sizes = args.sizes or (QUICK_SIZES if args.quick else FULL_SIZES)
    args.emails = args.emails or (1_000 if args.quick else 10_000)
    args.only = set(args.only or ("http", "scale", "outbox"))
    return args


def main(argv: list[str]) -> int:
    """Run the parts asked for and report; return the exit status."""
    args = parse_args(argv)
    missing = load.wrk_missing()
    if missing and args.only & {"http", "flow"}:
        print(missing, file=sys.stderr)
        return 2
    # A TERM (from a CI timeout, say) unwinds like an exception, so every server stops.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    postgres_reason = "--no-postgres given" if args.no_postgres else servers.postgres_reachable()
    workdir = Path(tempfile.mkdtemp(prefix="webinar-bench-"))
    rows: list[dict] = []
    try:
        if "http" in args.only:
            wrk = load.Load(args.duration, args.rounds, args.threads, args.connections, workdir)
            rows += run_on_each_database("http", workdir, postgres_reason, wrk=wrk)
        elif "flow" in args.only:
            wrk = load.Load(args.duration, args.rounds, args.threads, args.connections, workdir)
            rows += run_on_each_database("flow", workdir, postgres_reason, wrk=wrk)
        if "scale" in args.only:
            rows += run_on_each_database("scale", workdir, postgres_reason, sizes=args.sizes)
        if "outbox" in args.only:
            print("Outbox delivery", flush=True)
            (workdir / "outbox").mkdir()
            try:
                rows += outbox.run(workdir / "outbox", args.emails, budget_seconds=600)
            except Exception as error:
                traceback.print_exc()
                rows.append(report.failed_part("outbox", "SQLite", error))
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    text = report.render(rows, args, postgres_reason)
    print(text)
    args.output.write_text(text)
    print(f"Written to {os.path.relpath(args.output)}")
    return 0


def run_on_each_database(part: str, workdir: Path, postgres_reason: str | None, **options):
    """Run one part on SQLite and, when reachable, on a PostgreSQL database of its own."""
    rows = []
    for backend in ("SQLite", "PostgreSQL"):
        where = workdir / f"{part}-{backend.lower()}"
        where.mkdir()
        if backend == "PostgreSQL" and postgres_reason:
            rows.append(report.skipped_backend(part, backend, postgres_reason))
            continue
        print(f"{part}: {backend}", flush=True)
        try:
            if backend == "SQLite":
                url = f"sqlite:///{where / 'webinar.sqlite3'}"
                rows += run_part(part, backend, url, where, options)
            else:
                with servers.postgres_database() as url:
                    rows += run_part(part, backend, url, where, options)
        except Exception as error:  # one broken part must not hide the figures of the others
            traceback.print_exc()
            rows.append(report.failed_part(part, backend, error))
    return rows


def run_part(part: str, backend: str, url: str, where: Path, options: dict) -> list[dict]:
    if part in ("http", "flow"):
        return web.run(backend, url, where, options["wrk"], pages_too=part == "http")
    return scale.run(backend, url, where, options["sizes"])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
