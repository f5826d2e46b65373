"""Start the app's own processes (flask, make, gunicorn) on free ports, and wait for them."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def free_port(host: str = "127.0.0.1") -> int:
    """Return a TCP port of host that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]


def copy_tracked_files(folder: Path) -> None:
    """Copy the files git tracks in the checkout into folder, as a fresh clone has them."""
    tracked = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True
    ).stdout.decode().split("\0")
    for name in filter(None, tracked):
        if (ROOT / name).is_file():
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, folder / name)


def wait_for(condition, seconds: float = 30) -> bool:
    """Poll condition() until it holds or the time is up; return whether it held."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return condition()


def answers(url: str) -> bool:
    """Tell whether a GET of url answers 200."""
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def terminal_environment(**settings: str) -> dict[str, str]:
    """Return the environment of a fresh terminal: no FLASK_* settings, plus these."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("FLASK_") and key not in ("SERVER_SOFTWARE", "VIRTUAL_ENV")
    }
    env.update(settings)
    return env


class Started:
    """A long-running command in a session of its own, its output (both streams) in a file."""

    def __init__(self, args, *, cwd: Path, env: dict[str, str], log: Path, shell=False):
        self.log = log
        with open(log, "wb") as output:
            self.process = subprocess.Popen(
                args, cwd=cwd, env=env, shell=shell, stdin=subprocess.DEVNULL,
                stdout=output, stderr=subprocess.STDOUT, start_new_session=True,
            )  # fmt: skip

    def output(self) -> str:
        """Return what the command printed so far."""
        return self.log.read_text(errors="replace")

    def is_running(self) -> bool:
        return self.process.poll() is None

    def stop(self, signum: int = signal.SIGTERM) -> str:
        """Stop the command and every process it started; return all it printed."""
        try:
            os.killpg(self.process.pid, signum)
            self.process.wait(timeout=15)
        except ProcessLookupError:
            pass
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=15)
        return self.output()
