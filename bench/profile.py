"""Profile requests to one page in-process with pyinstrument.

    .venv/bin/python bench/profile.py /events/eu-clusters-talk --requests 300
    .venv/bin/python bench/profile.py /organiser/events/1/attendees --organiser demo@example.org

The app is configured as `flask run` configures it (instance/config.py, then
FLASK_* variables), so it profiles the database you point it at.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Run as a script, Python puts bench/ first on the path; the package lives one level up.
sys.path[0] = str(ROOT)

from bench.client import AppClient, sign_in  # noqa: E402


def main(argv: list[str]) -> int:
    """Profile the requests asked for; print the call tree and write an HTML report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", help="the page to request, e.g. /events/<slug>")
    parser.add_argument("--requests", type=int, default=200, help="how many (default 200)")
    parser.add_argument("--organiser", metavar="EMAIL", help="sign in first (asks the password)")
    parser.add_argument("--output", type=Path, default=ROOT / "bench" / "out" / "profile.html")
    args = parser.parse_args(argv)
    try:
        from pyinstrument import Profiler
    except ImportError:
        print("pyinstrument is not installed: .venv/bin/pip install -e '.[bench]'", file=sys.stderr)
        return 2
    from webinar import create_app

    app = create_app()
    # The test client speaks plain HTTP: a Secure cookie would not come back.
    app.config["SESSION_COOKIE_SECURE"] = False
    client = AppClient(app)
    if args.organiser:
        password = getpass.getpass(f"Password of {args.organiser}: ")
        reason = sign_in(client, args.path, args.organiser, password)
        if reason:
            print(reason, file=sys.stderr)
            return 1
    status, _, _ = client.request("GET", args.path)
    if status != 200:
        print(f"{args.path} answers {status}", file=sys.stderr)
        return 1
    profiler = Profiler()
    profiler.start()
    for _ in range(args.requests):
        client.request("GET", args.path)
    profiler.stop()
    print(profiler.output_text(unicode=True, color=False))
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(profiler.output_html())
    print(f"Written to {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
