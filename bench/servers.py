"""Start and stop what the benchmark measures: gunicorn servers and their databases.

Everything listens on 127.0.0.1 only, and every process runs in a process
group of its own so that stopping it stops its workers too.
"""

from __future__ import annotations

import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
HOST = "127.0.0.1"
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
POSTGRES_ADMIN_URL = os.environ.get(
    "WEBINAR_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)


def free_port() -> int:
    """Return a TCP port on the loopback interface that nothing listens on."""
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def app_env(database_url: str, workdir: Path, port: int, secret_key: str) -> dict[str, str]:
    """Return the environment of the app: its own database, folders, secret and address."""
    env = dict(os.environ)
    env.update(
        FLASK_APP="app",
        FLASK_SQLALCHEMY_DATABASE_URI=database_url,
        FLASK_SECRET_KEY=secret_key,
        FLASK_UPLOAD_FOLDER=str(workdir / "uploads"),
        FLASK_MAILBOX_FOLDER=str(workdir / "mailbox"),
        # Production settings are checked at start-up (https PUBLIC_URL); the
        # benchmark requests the server directly and follows no absolute link.
        FLASK_PUBLIC_URL="https://bench.webinar.test",
        # One load generator on one address would meet the per-address limits at
        # once and measure 429 answers; the limiter's own cost stays out of scope.
        FLASK_RATELIMIT_ENABLED="false",
        FLASK_OUTBOX_THREAD="false",
        # Plain HTTP on the loopback interface: a Secure cookie would never come back.
        FLASK_SESSION_COOKIE_SECURE="false",
    )
    return env


def flask_command(env: dict[str, str], *args: str, timeout: float = 600) -> str:
    """Run `flask --app app ...` in the project and return its output; fail loudly."""
    result = subprocess.run(
        [str(BIN / "flask"), "--app", "app", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if result.returncode != 0:
        raise RuntimeError(f"flask {' '.join(args)} failed:\n{result.stdout}{result.stderr}")
    return result.stdout


class Server:
    """A gunicorn server (2 sync workers by default) in a process group of its own."""

    def __init__(
        self,
        target: str,
        env: dict[str, str],
        log_dir: Path,
        workers: int = 2,
        pythonpath=None,
        port: int | None = None,
    ):
        self.port = port or free_port()
        self.url = f"http://{HOST}:{self.port}"
        command = [
            str(BIN / "gunicorn"),
            "--workers",
            str(workers),
            "--worker-class",
            "sync",
            "--bind",
            f"{HOST}:{self.port}",
            "--log-level",
            "warning",
            "--timeout",
            "60",
        ]
        if pythonpath:
            command += ["--pythonpath", str(pythonpath)]
        self.log = open(log_dir / f"gunicorn-{self.port}.log", "w")
        self.process = subprocess.Popen(
            [*command, target],
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def wait_ready(self, path: str = "/", timeout: float = 30) -> None:
        """Wait until the server answers, or fail with its log."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            try:
                with urllib.request.urlopen(self.url + path, timeout=2):
                    return
            except urllib.error.HTTPError:
                return
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"gunicorn did not start on {self.url}:\n{self.read_log()}")

    def read_log(self) -> str:
        self.log.flush()
        return Path(self.log.name).read_text(errors="replace")[-4000:]

    def pids(self) -> list[int]:
        """Return the ids of the gunicorn master and its workers (the master first)."""
        master = self.process.pid
        workers = []
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                stat = _stat(int(entry.name))
                if stat and int(stat[1]) == master:
                    workers.append(int(entry.name))
        return [master, *sorted(workers)]

    def cpu_seconds(self) -> float:
        """Return the CPU time (user and system) the master and its workers have used so far."""
        ticks = 0
        for pid in self.pids():
            stat = _stat(pid)
            if stat:
                ticks += int(stat[11]) + int(stat[12])  # utime, stime
        return ticks / CLOCK_TICKS

    def worker_rss_mb(self) -> dict[int, float]:
        """Return the resident memory (VmRSS) of each worker, in MB."""
        sizes = {}
        for pid in self.pids()[1:]:
            try:
                status = Path(f"/proc/{pid}/status").read_text()
            except OSError:
                continue
            kilobytes = re.search(r"^VmRSS:\s+(\d+)", status, re.MULTILINE)
            if kilobytes:
                sizes[pid] = int(kilobytes.group(1)) / 1024
        return sizes

    def stop(self) -> None:
        """Stop gunicorn and its workers: TERM to the group, KILL if it lingers."""
        if self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGTERM)
                self.process.wait(timeout=15)
            except ProcessLookupError:
                pass
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=5)
        self.log.close()


def _stat(pid: int) -> list[str] | None:
    """Return the fields of /proc/<pid>/stat after the command name (state is [0], ppid [1])."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # The command name is in parentheses and may itself hold spaces or parentheses.
    return text[text.rindex(")") + 2 :].split()


@contextmanager
def serving(target: str, env: dict[str, str], log_dir: Path, ready_path="/", **options):
    """Run a gunicorn server for the duration of a with block."""
    server = Server(target, env, log_dir, **options)
    try:
        server.wait_ready(ready_path)
        yield server
    finally:
        server.stop()


def new_secret() -> str:
    return secrets.token_hex(32)


def postgres_reachable() -> str | None:
    """Return None when PostgreSQL answers, otherwise the reason it does not."""
    import sqlalchemy as sa

    engine = sa.create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
        return None
    except sa.exc.OperationalError as error:
        return f"PostgreSQL is not reachable at {POSTGRES_ADMIN_URL}: {str(error).splitlines()[0]}"
    finally:
        engine.dispose()


@contextmanager
def postgres_database():
    """Create a database of this run on the PostgreSQL server, and drop it afterwards."""
    import sqlalchemy as sa

    admin = sa.create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    name = f"webinar_bench_{uuid.uuid4().hex[:12]}"
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield sa.make_url(POSTGRES_ADMIN_URL).set(database=name).render_as_string(False)
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@contextmanager
def scratch_database(postgres: bool):
    """Yield (URL, folder) of a new database and a temporary folder, both removed afterwards.

    SQLite in the folder, or a PostgreSQL database of its own (postgres_database).
    """
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        if not postgres:
            yield f"sqlite:///{tmp}/webinar.sqlite3", Path(tmp)
            return
        with postgres_database() as url:
            yield url, Path(tmp)
