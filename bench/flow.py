"""A complete registration as a browser makes it, by 16 new visitors at once.

Each visitor GETs the form page (taking the session cookie and the CSRF
token), POSTs the form with a new email address, follows the redirect and GETs
the "received" page, which must name that address. wrk cannot keep cookies
per connection, so threads of this process drive the server with http.client.

The server's CPU time (gunicorn master and workers, from /proc) over each run
is divided by the registrations completed. Each run registers for a talk of
its own whose capacity is below what the run makes (judged from the runs
before it), so the waiting list is exercised; afterwards the seats, the order
of the waiting list and the emails in the outbox are checked.
"""

from __future__ import annotations

import html
import http.client
import re
import statistics
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import urlencode, urlsplit

from . import data, forms
from .client import LiveClient
from .load import USER_AGENT

VISITORS = 16
CPU_TARGET_MS = 4.0
# A run's talk has seats for this share of the registrations expected, so that
# most people get a seat, as on a real talk, and the rest join the waiting list.
SEATED_SHARE = 0.6
HIDDEN_INPUT = re.compile(r"<input\b[^>]*\btype=\"hidden\"[^>]*>")
ATTRIBUTE = re.compile(r"\b(name|value)=\"([^\"]*)\"")


@dataclass
class Talk:
    event_id: int
    slug: str
    label: str
    figures: dict = field(default_factory=dict)


@dataclass
class Flow:
    """The registration flow on one database: its talks (a warm-up, then one a round)."""

    base_url: str
    backend: str
    pairs: list[tuple[str, str]]
    talks: list[Talk]
    skip: str | None = None
    errors: list[str] = field(default_factory=list)

    def measure(self, app, server, seconds: float) -> dict:
        """Register for a new talk for `seconds`; it has fewer seats than the run should fill."""
        talk = new_talk(app, f"flow-{self.backend.lower()}-{len(self.talks)}")
        data.update_event(app, talk.event_id, capacity=self.next_capacity(seconds))
        self.talks.append(talk)
        return self.run(app, server, talk, seconds)

    def run(self, app, server, talk: Talk, seconds: float) -> dict:
        """Let the visitors register for `seconds`; record and return the run's figures.

        The talk is then taken off the public lists (a draft), so that the pages
        of the next round are measured as the demo shows them.
        """
        tally = {"completed": 0, "saved": 0, "errors": 0}
        lock = threading.Lock()
        deadline = time.monotonic() + seconds

        def visitor(number: int) -> None:
            count = 0
            while time.monotonic() < deadline:
                count += 1
                email = f"{talk.label}-{number}-{count}@bench.example.org"
                saved, error = self.register(talk.slug, email)
                with lock:
                    tally["saved"] += saved
                    tally["completed" if error is None else "errors"] += 1
                    if error is not None and len(self.errors) < 5:
                        self.errors.append(error)

        threads = [threading.Thread(target=visitor, args=(n,)) for n in range(VISITORS)]
        cpu_before, started = server.cpu_seconds(), time.monotonic()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - started
        talk.figures = {**tally, "seconds": elapsed, "cpu_s": server.cpu_seconds() - cpu_before}
        data.update_event(app, talk.event_id, status="draft")
        return talk.figures

    def register(self, slug: str, email: str) -> tuple[bool, str | None]:
        """Register once as a new visitor; return (POST saved, error or None)."""
        browser = Browser(self.base_url)
        path = f"/events/{slug}/register"
        status, _, page = browser.request("GET", path)
        if status != 200:
            return False, f"GET {path} answered {status}"
        fresh = hidden_values(page)
        pairs = [(name, email if value == forms.EMAIL_MARK else fresh.get(name, value))
                 for name, value in self.pairs]  # fmt: skip
        status, location, page = browser.request("POST", path, urlencode(pairs))
        if status != 303 or not location.endswith("/register/received"):
            return False, f"POST {path} answered {status} {location}".strip()
        status, _, page = browser.request("GET", location)
        if status != 200 or email not in page:
            return True, f"GET {urlsplit(location).path} answered {status} without the address"
        return True, None

    def summary(self) -> dict:
        """Return the median rate over the rounds and the CPU per completed registration."""
        runs = [talk.figures for talk in self.talks[1:] if talk.figures]
        completed = sum(run["completed"] for run in runs)
        return {
            "rate": statistics.median(run["completed"] / run["seconds"] for run in runs),
            "cpu_ms": 1000 * sum(run["cpu_s"] for run in runs) / max(completed, 1),
            "completed": completed,
            "errors": sum(run["errors"] for run in runs),
        }

    def next_capacity(self, seconds: float) -> int:
        """Return the seats for the next run's talk: fewer than the slowest run so far filled."""
        rates = [t.figures["saved"] / t.figures["seconds"] for t in self.talks if t.figures]
        return max(1, int(SEATED_SHARE * min(rates) * seconds))


class Browser:
    """One visitor: a cookie jar, and a new connection a request (sync workers close them)."""

    def __init__(self, base_url: str):
        parts = urlsplit(base_url)
        self.host, self.port = parts.hostname, parts.port
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: str | None = None) -> tuple[int, str, str]:
        """Send one request with the cookies kept so far; return (status, location, text)."""
        headers = {"User-Agent": USER_AGENT, "Accept-Language": "en"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection = http.client.HTTPConnection(self.host, self.port, timeout=30)
        try:
            connection.request(method, urlsplit(path).path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode("utf-8", errors="replace")
            for header in response.msg.get_all("Set-Cookie") or ():
                name, _, value = header.split(";", 1)[0].partition("=")
                self.cookies[name.strip()] = value.strip()
            return response.status, response.getheader("Location", ""), text
        except (OSError, http.client.HTTPException) as error:
            return 0, "", str(error)
        finally:
            connection.close()


def hidden_values(page: str) -> dict[str, str]:
    """Return the hidden fields of a page (the CSRF token among them), read with no parser."""
    values = {}
    for tag in HIDDEN_INPUT.findall(page):
        attributes = dict(ATTRIBUTE.findall(tag))
        if "name" in attributes:
            values[attributes["name"]] = html.unescape(attributes.get("value", ""))
    return values


def new_talk(app, label: str) -> Talk:
    """Create a published talk open for registration, with unlimited seats for now."""
    slug = data.unique_slug("bench-flow")
    return Talk(data.create_event(app, slug, capacity=None), slug, label)


def prepare(app, base_url: str, backend: str) -> Flow:
    """Create the warm-up run's talk and read its form; say why not when it cannot run."""
    warm_up = new_talk(app, f"flow-{backend.lower()}-warm")
    flow = Flow(base_url, backend, [], [warm_up])
    path = f"/events/{warm_up.slug}/register"
    status, _, page = LiveClient(base_url).request("GET", path)
    matching = [f for f in forms.post_forms(page, path) if f.action.endswith("/register")]
    if status != 200 or not matching:
        flow.skip = f"no registration form at {path} (status {status})"
    else:
        # Filled as a person in a hurry fills it: what is required, and the boxes ticked.
        flow.pairs = forms.fill(matching[0])
    return flow


def rows(flow: Flow, app, backend: str, bare: dict, section: str) -> dict:
    """Return the flow's row: rate, CPU per registration, and what the checks found."""
    target = CPU_TARGET_MS if backend == "SQLite" else None
    row = {
        "section": section,
        "measure": f"registration flow (GET form, POST, GET received; {VISITORS} visitors)",
        "ratio": "",
        "target": f"<= {target:g} ms CPU a registration" if target else "reported",
    }
    if flow.skip:
        return {**row, "result": "", "verdict": "skipped", "note": flow.skip}
    figures = flow.summary()
    problems = list(check(flow, app))
    if figures["errors"]:
        problems.insert(0, f"{figures['errors']} visits failed ({'; '.join(flow.errors[:2])})")
    seated = ", ".join(
        f"{t.figures['audit']['confirmed']}+{t.figures['audit']['waitlisted']}"
        for t in flow.talks[1:]
    )
    note = (
        f"{figures['completed']} completed; confirmed+waitlisted by round {seated}; "
        f"seats exact, waiting list in order, one email each: "
        + ("no" if problems else "yes")
        + f"; bare: {bare['cpu_ms']:.2f} ms CPU a request; app processes only"
        + (" (not the PostgreSQL server's)" if backend == "PostgreSQL" else "")
    )
    if problems:
        verdict = "FAILED: " + "; ".join(problems)
    elif target:
        verdict = "met" if figures["cpu_ms"] <= target else "MISSED"
    else:
        verdict = "ok"
    result = f"{figures['rate']:.0f} registrations/s, {figures['cpu_ms']:.1f} ms CPU each"
    return {**row, "result": result, "verdict": verdict, "note": note}


def check(flow: Flow, app):
    """Yield what is wrong with each run's talk: seats, waiting list order, emails."""
    for talk in flow.talks:
        if not talk.figures:
            continue
        audit = data.registration_audit(app, talk.event_id)
        talk.figures["audit"] = audit
        where = talk.label
        capacity = audit["capacity"]
        if audit["seats_taken"] != audit["confirmed"]:
            yield f"{where}: seat counter {audit['seats_taken']} for {audit['confirmed']} confirmed"
        if capacity is not None and audit["seats_taken"] > capacity:
            yield f"{where}: {audit['seats_taken']} seats taken of {capacity}"
        if audit["registrations"] != talk.figures["saved"]:
            saved = talk.figures["saved"]
            yield f"{where}: {audit['registrations']} registrations for {saved} POSTs"
        if audit["seated_after_waiting"]:
            yield f"{where}: {audit['seated_after_waiting']} seated after someone put on the list"
        if capacity is not None and audit["registrations"] > capacity:
            if audit["confirmed"] != capacity:
                yield f"{where}: {audit['confirmed']} confirmed of {capacity} seats, list not empty"
        if audit["without_email"] or audit["extra_emails"]:
            yield (f"{where}: {audit['without_email']} registrations without their email, "
                   f"{audit['extra_emails']} emails too many")  # fmt: skip
