"""Measure the CPU time of one request to each public page, in-process, beside the bare app.

    .venv/bin/python bench/cpu.py                      # SQLite, 2,000 requests a page
    .venv/bin/python bench/cpu.py --postgres --requests 1000
    .venv/bin/python bench/cpu.py --profile /events/<slug>   # pyinstrument's tree of one page

A `flask demo` database is made in a temporary folder (on PostgreSQL, a
database of its own, dropped at the end) with the HTTP benchmark's own
additions (bench/pages.py). Each request is a WSGI call of the app with a
fresh environ and no cookie, as wrk sends them; the figure is
time.process_time() over the calls divided by their number, and the bare
app (bench/bare.py) is measured the same way in the same run. CPU time moves
much less than wall time on a shared machine; compare runs by the ratio.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Run as a script, Python puts bench/ first on the path; the package lives one level up.
sys.path[0] = str(ROOT)

from werkzeug.test import EnvironBuilder  # noqa: E402

from bench import data, pages, servers  # noqa: E402


def environ(path: str, headers: dict[str, str] | None = None) -> dict:
    """Return the WSGI environ of a GET of path, as wrk sends it (no cookie)."""
    builder = EnvironBuilder(path=path, base_url="http://127.0.0.1:8000", headers=headers)
    try:
        return builder.get_environ()
    finally:
        builder.close()


def call(app, env: dict) -> int:
    """Call the WSGI app once with a copy of env; return the status code."""
    status = []
    body = app(dict(env, **{"wsgi.input": io.BytesIO()}), lambda s, h, e=None: status.append(s))
    for _ in body:
        pass
    if hasattr(body, "close"):
        body.close()
    return int(status[0].split()[0])


def cpu_per_request(app, env: dict, requests: int) -> float:
    """Return the CPU time of one request in microseconds, after a few to warm up."""
    for _ in range(20):
        call(app, env)
    start = time.process_time()
    for _ in range(requests):
        call(app, env)
    return (time.process_time() - start) / requests * 1e6


def targets(site: pages.Site) -> list[tuple[str, str, dict | None]]:
    """Return (name, path, headers) of every page measured."""
    upcoming = f"/events/{site.upcoming}"
    return [
        ("home page", "/", None),
        ("home page (French)", "/", {"Accept-Language": "fr"}),
        ("home page (German)", "/", {"Accept-Language": "de"}),
        ("past list", "/events/past", None),
        ("series page", f"/series/{site.series}", None),
        ("upcoming talk page", upcoming, None),
        ("upcoming talk page (French)", upcoming, {"Accept-Language": "fr"}),
        ("past talk page", f"/events/{site.past}", None),
        ("registration form page", f"{upcoming}/register", None),
        ("personal page", f"/registrations/{site.token}", None),
        ("join redirect", f"/join/{site.join_token}", None),
    ]


def main(argv: list[str]) -> int:
    """Measure every page (or profile one) and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--postgres", action="store_true", help="on PostgreSQL, not SQLite")
    parser.add_argument("--only", help="measure only the pages whose name contains this")
    parser.add_argument(
        "--profile", metavar="PATH", help="profile this page (a path or its name) with pyinstrument"
    )
    parser.add_argument(
        "--cprofile", metavar="PATH", help="the same with cProfile, in CPU time"
    )
    args = parser.parse_args(argv)
    from bench.bare import app as bare_app

    with servers.scratch_database(args.postgres) as (url, workdir):
        secret = servers.new_secret()
        env = servers.app_env(url, workdir, servers.free_port(), secret)
        app = data.make_app(url, workdir, secret)
        try:
            site = pages.prepare(env, app)
            wsgi = app.wsgi_app
            named = {name: path for name, path, _ in targets(site)}
            if args.profile:
                return profile(app, named.get(args.profile, args.profile), args.requests)
            if args.cprofile:
                return cprofile(app, named.get(args.cprofile, args.cprofile), args.requests)
            bare = environ("/")
            print(f"{'page':32} {'us/request':>10} {'bare us':>8} {'ratio':>6}")
            for name, path, headers in targets(site):
                if args.only and args.only not in name:
                    continue
                page_env = environ(path, headers)
                status = call(wsgi, page_env)
                page = cpu_per_request(wsgi, page_env, args.requests)
                reference = cpu_per_request(bare_app.wsgi_app, bare, args.requests)
                print(f"{name:32} {page:10.0f} {reference:8.0f} {reference / page:6.2f}"
                      f"  ({status})")  # fmt: skip
        finally:
            data.dispose(app)
    return 0


def profile(app, path: str, requests: int) -> int:
    """Print pyinstrument's call tree of requests to one page."""
    from pyinstrument import Profiler

    page_env = environ(path)
    wsgi = app.wsgi_app
    call(wsgi, page_env)
    profiler = Profiler(interval=0.0002)
    profiler.start()
    for _ in range(requests):
        call(wsgi, page_env)
    profiler.stop()
    print(profiler.output_text(unicode=True, color=False))
    return 0


def cprofile(app, path: str, requests: int) -> int:
    """Print cProfile's functions of requests to one page by cumulative CPU time."""
    import cProfile
    import pstats

    page_env = environ(path)
    wsgi = app.wsgi_app
    call(wsgi, page_env)
    profiler = cProfile.Profile(time.process_time)
    profiler.enable()
    for _ in range(requests):
        call(wsgi, page_env)
    profiler.disable()
    if os.environ.get("DUMP"):
        profiler.dump_stats(os.environ["DUMP"])
    pstats.Stats(profiler).sort_stats(os.environ.get("SORT", "cumulative")).print_stats(60)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
