"""Drive HTTP servers with wrk and read back its figures.

Each run gets a generated Lua script that sets the headers, counts 4xx, 5xx
and unexpected answers per thread, and prints one machine-readable line with
the request count and the latency percentiles.
"""

from __future__ import annotations

import json
import shutil
import statistics
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

USER_AGENT = "webinar-bench"
COUNTS = ("n4xx", "n5xx", "nwrong", "socket_errors")

COMMON_LUA = r"""
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  n4xx = 0
  n5xx = 0
  nwrong = 0
end

function response(status, headers, body)
  if status >= 500 then
    n5xx = n5xx + 1
  elseif status >= 400 then
    n4xx = n4xx + 1
  end
  if math.floor(status / 100) ~= expected_class then
    nwrong = nwrong + 1
  end
end

function done(summary, latency, requests)
  local c4, c5, cw = 0, 0, 0
  for _, thread in ipairs(threads) do
    c4 = c4 + thread:get("n4xx")
    c5 = c5 + thread:get("n5xx")
    cw = cw + thread:get("nwrong")
  end
  local errors = summary.errors
  io.write(string.format(
    'BENCH-RESULT {"requests": %d, "duration_us": %d, "p50_us": %.1f, "p99_us": %.1f, '
    .. '"n4xx": %d, "n5xx": %d, "nwrong": %d, "socket_errors": %d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    c4, c5, cw, errors.connect + errors.read + errors.write + errors.timeout))
end
"""


def lua_string(value: str) -> str:
    """Return value as a Lua string literal (ASCII only: headers)."""
    value.encode("ascii")
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


@dataclass
class Scenario:
    """One page to load with GET requests, and what its answers must be.

    `expect` is the class of the answer that counts as success: 2 (a page) or
    3 (a redirect, which wrk does not follow); any other answer is an error.
    """

    name: str
    path: str
    cookie: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    expect: int = 2
    target: float | None = None
    # The same page in the default language, when this one is in another.
    english: Scenario | None = None
    skip: str | None = None
    runs: list[dict] = field(default_factory=list)

    def script(self) -> str:
        """Return the Lua script that makes this scenario's requests."""
        lines = [COMMON_LUA, f"expected_class = {self.expect}"]
        headers = {"User-Agent": USER_AGENT, **self.headers}
        if self.cookie:
            headers["Cookie"] = self.cookie
        for name, value in headers.items():
            lines.append(f"wrk.headers[{lua_string(name)}] = {lua_string(value)}")
        return "\n".join(lines) + "\n"

    def summary(self) -> dict:
        """Return the medians over the rounds run so far, and the server CPU per request."""
        if not self.runs:
            return {}
        requests = sum(run["requests"] for run in self.runs)
        return {
            "rps": statistics.median(run["rps"] for run in self.runs),
            "p50_ms": statistics.median(run["p50_us"] for run in self.runs) / 1000,
            "p99_ms": statistics.median(run["p99_us"] for run in self.runs) / 1000,
            "requests": requests,
            "cpu_ms": 1000 * sum(run["cpu_s"] for run in self.runs) / max(requests, 1),
            **{key: sum(run[key] for run in self.runs) for key in COUNTS},
        }


def wrk_missing() -> str | None:
    """Return how to get wrk when it is not installed, else None."""
    if shutil.which("wrk"):
        return None
    return "wrk is not installed: install it with `apt-get install wrk` (Debian, Ubuntu)."


@dataclass
class Load:
    """How hard and how long to drive each run."""

    duration: float
    rounds: int
    threads: int
    connections: int
    workdir: Path

    def run(self, scenario: Scenario, server, label: str) -> dict:
        """Drive the server at scenario.path with wrk once; record and return the figures.

        The server's CPU time (master and workers) over the run is recorded too.
        """
        script = self.workdir / f"{label}.lua"
        script.write_text(scenario.script())
        command = [
            "wrk",
            "--threads",
            str(self.threads),
            "--connections",
            str(self.connections),
            "--duration",
            f"{max(int(round(self.duration)), 1)}s",
            "--timeout",
            "10s",
            "--latency",
            "--script",
            str(script),
            server.url + scenario.path,
        ]
        cpu_before = server.cpu_seconds()
        result = subprocess.run(command, capture_output=True, text=True, timeout=self.duration + 60)
        for line in result.stdout.splitlines():
            if line.startswith("BENCH-RESULT "):
                figures = json.loads(line.removeprefix("BENCH-RESULT "))
                break
        else:
            raise RuntimeError(f"wrk gave no result:\n{result.stdout}\n{result.stderr}")
        figures["cpu_s"] = server.cpu_seconds() - cpu_before
        figures["rps"] = figures["requests"] / (figures["duration_us"] / 1e6)
        scenario.runs.append(figures)
        return figures
