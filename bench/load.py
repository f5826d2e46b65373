"""Drive HTTP servers with wrk and read back its figures.

Each run gets a generated Lua script that sets the method, headers and body,
counts 4xx and 5xx answers per thread, and prints one machine-readable line
with the request count and the latency percentiles.
"""

from __future__ import annotations

import json
import shutil
import statistics
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

USER_AGENT = "webinar-bench"

COMMON_LUA = r"""
local threads = {}

function setup(thread)
  thread:set("tid", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  prefix = args[1] or "run"
  counter = 0
  n4xx = 0
  n5xx = 0
end

function response(status, headers, body)
  if status >= 500 then
    n5xx = n5xx + 1
  elseif status >= 400 then
    n4xx = n4xx + 1
  end
end

function done(summary, latency, requests)
  local c4, c5 = 0, 0
  for _, thread in ipairs(threads) do
    c4 = c4 + thread:get("n4xx")
    c5 = c5 + thread:get("n5xx")
  end
  local errors = summary.errors
  io.write(string.format(
    'BENCH-RESULT {"requests": %d, "duration_us": %d, "p50_us": %.1f, "p99_us": %.1f, '
    .. '"n4xx": %d, "n5xx": %d, "socket_errors": %d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    c4, c5, errors.connect + errors.read + errors.write + errors.timeout))
end
"""


def lua_string(value: str) -> str:
    """Return value as a Lua string literal (ASCII only: headers and urlencoded bodies)."""
    value.encode("ascii")
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


@dataclass
class Scenario:
    """One thing to load: a path, and for a POST a body with a new email in each request."""

    name: str
    path: str
    method: str = "GET"
    cookie: str = ""
    body_parts: list[str] | None = None
    target: float | None = None
    skip: str | None = None
    runs: list[dict] = field(default_factory=list)

    def script(self) -> str:
        """Return the Lua script that makes this scenario's requests."""
        lines = [COMMON_LUA, f'wrk.method = "{self.method}"']
        lines.append(f'wrk.headers["User-Agent"] = {lua_string(USER_AGENT)}')
        if self.cookie:
            lines.append(f'wrk.headers["Cookie"] = {lua_string(self.cookie)}')
        if self.body_parts is not None:
            parts = ", ".join(lua_string(part) for part in self.body_parts)
            lines += [
                'wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"',
                f"local parts = {{{parts}}}",
                "function request()",
                "  counter = counter + 1",
                '  local email = prefix .. "-" .. tid .. "-" .. counter .. "%40bench.example.org"',
                "  return wrk.format(nil, nil, nil, table.concat(parts, email))",
                "end",
            ]
        return "\n".join(lines) + "\n"

    def summary(self) -> dict:
        """Return the medians over the rounds run so far."""
        if not self.runs:
            return {}
        return {
            "rps": statistics.median(run["rps"] for run in self.runs),
            "p50_ms": statistics.median(run["p50_us"] for run in self.runs) / 1000,
            "p99_ms": statistics.median(run["p99_us"] for run in self.runs) / 1000,
            "requests": sum(run["requests"] for run in self.runs),
            "n4xx": sum(run["n4xx"] for run in self.runs),
            "n5xx": sum(run["n5xx"] for run in self.runs),
            "socket_errors": sum(run["socket_errors"] for run in self.runs),
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

    def run(self, scenario: Scenario, base_url: str, label: str) -> dict:
        """Drive base_url + scenario.path with wrk once; record and return the figures."""
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
            base_url + scenario.path,
            "--",
            label,
        ]
        result = subprocess.run(command, capture_output=True, text=True, timeout=self.duration + 60)
        for line in result.stdout.splitlines():
            if line.startswith("BENCH-RESULT "):
                figures = json.loads(line.removeprefix("BENCH-RESULT "))
                break
        else:
            raise RuntimeError(f"wrk gave no result:\n{result.stdout}\n{result.stderr}")
        figures["rps"] = figures["requests"] / (figures["duration_us"] / 1e6)
        scenario.runs.append(figures)
        return figures
