"""Time a complete registration in-process: the form page, the POST, the "received" page.

    .venv/bin/python bench/flow_cpu.py --flows 300
    .venv/bin/python bench/flow_cpu.py --postgres --profile post

Each flow is a new visitor with a new address, through the Flask test client,
as bench/flow.py's visitors make it over HTTP: GET the form page (its hidden
fields read), POST it filled as a person in a hurry fills it, GET the page
the redirect names. The figure is CPU time (time.process_time) of each step,
the client's own reading of the page left out; on a shared machine it moves
less than wall time. The talk's seats are 0.6 of the flows, so the waiting
list is used; at the end the seats, its order and the emails are checked as
the HTTP run checks them. `--profile form|post|received|flow` prints
pyinstrument's tree of that step over the flows.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Run as a script, Python puts bench/ first on the path; the package lives one level up.
sys.path[0] = str(ROOT)

from bench import data, forms, servers  # noqa: E402
from bench.client import AppClient  # noqa: E402
from bench.flow import hidden_values  # noqa: E402

STEPS = ("form", "post", "received")


def flow(client: AppClient, slug: str, pairs, email: str, clock) -> None:
    """Register once as a new visitor; clock(step) brackets each request."""
    client.client._cookies.clear()
    path = f"/events/{slug}/register"
    with clock("form"):
        status, _, page = client.request("GET", path)
    assert status == 200, (path, status)
    fresh = hidden_values(page)
    filled = [(name, email if value == forms.EMAIL_MARK else fresh.get(name, value))
              for name, value in pairs]  # fmt: skip
    with clock("post"):
        status, location, _ = client.request("POST", path, filled)
    assert status == 303 and location.endswith("/register/received"), (status, location)
    with clock("received"):
        status, _, page = client.request("GET", location)
    assert status == 200 and email in page, status


class Clock:
    """CPU seconds per step, and pyinstrument around one step (or the whole flow) if asked."""

    def __init__(self, profile: str | None, cprofile: bool = False):
        self.seconds = dict.fromkeys(STEPS, 0.0)
        self.profile = profile
        self.profiler = None
        if profile and cprofile:
            import cProfile

            # CPU time, not wall time: on a shared machine waiting for a core is not cost.
            self.profiler = cProfile.Profile(time.process_time)
            self.profiler.is_running = False
        elif profile:
            from pyinstrument import Profiler

            self.profiler = Profiler(interval=0.0005)

    def __call__(self, step: str):
        clock = self

        class _Step:
            def __enter__(self):
                if clock.profile in (step, "flow") and not clock.running:
                    clock.start()
                self.started = time.process_time()

            def __exit__(self, *exc):
                clock.seconds[step] += time.process_time() - self.started
                if clock.running and clock.profile in (step, "flow" if step == STEPS[-1] else ""):
                    clock.stop()

        return _Step()

    running = False

    def start(self) -> None:
        self.running = True
        self.profiler.enable() if hasattr(self.profiler, "enable") else self.profiler.start()

    def stop(self) -> None:
        self.running = False
        self.profiler.disable() if hasattr(self.profiler, "disable") else self.profiler.stop()

    def print(self) -> None:
        if hasattr(self.profiler, "output_text"):
            every_frame = bool(os.environ.get("SHOW_ALL"))
            print(self.profiler.output_text(unicode=True, color=False, show_all=every_frame))
            return
        import pstats

        stats = pstats.Stats(self.profiler).sort_stats("cumulative")
        stats.print_stats(60)


def measure(url: str, workdir: Path, args) -> bool:
    """Run the flows on one database; print the CPU per step and the checks; True if exact."""
    app = data.make_app(url, workdir, servers.new_secret())
    data.migrate(app)
    slug = data.unique_slug("flow-cpu")
    event_id = data.create_event(app, slug, capacity=None)
    client = AppClient(app)
    path = f"/events/{slug}/register"
    _, _, page = client.request("GET", path)
    form = [f for f in forms.post_forms(page, path) if f.action.endswith("/register")][0]
    pairs = forms.fill(form)
    warm = Clock(None)
    for n in range(20):
        flow(client, slug, pairs, f"warm-{n}@bench.example.org", warm)
    # Seats for 0.6 of the measured flows: the rest go to the waiting list.
    data.update_event(app, event_id, capacity=20 + int(0.6 * args.flows))
    clock = Clock(args.profile, args.cprofile)
    for n in range(args.flows):
        flow(client, slug, pairs, f"flow-{n}@bench.example.org", clock)
    total = sum(clock.seconds.values())
    parts = ", ".join(f"{s} {1000 * clock.seconds[s] / args.flows:.2f}" for s in STEPS)
    print(f"{url.split(':')[0]}: {1000 * total / args.flows:.2f} ms CPU a registration ({parts})")
    audit = data.registration_audit(app, event_id)
    exact = (
        audit["seats_taken"] == audit["confirmed"] <= audit["capacity"]
        and audit["registrations"] == args.flows + 20
        and audit["confirmed"] == audit["capacity"]
        and not audit["seated_after_waiting"]
        and not audit["without_email"]
        and not audit["extra_emails"]
    )
    print(f"  {audit}: {'exact' if exact else 'WRONG'}")
    if clock.profiler:
        clock.print()
    data.dispose(app)
    return exact


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--flows", type=int, default=300, help="registrations timed (300)")
    parser.add_argument("--postgres", action="store_true", help="on a PostgreSQL database")
    parser.add_argument("--profile", choices=(*STEPS, "flow"), help="profile this step")
    parser.add_argument("--cprofile", action="store_true", help="with cProfile in CPU time")
    args = parser.parse_args(argv)
    with servers.scratch_database(args.postgres) as (url, workdir):
        return 0 if measure(url, workdir, args) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
