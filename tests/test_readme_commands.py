"""Every command the README shows works as typed in a checkout that `make run` prepared.

The checkout is a copy of the tracked files in a temporary folder, prepared
as `make run` prepares one: `make dev-config` (instance/config.py), `flask db
upgrade`, `flask demo --if-empty`. Its .venv links to the project's own, and
make finds it installed (it is never reinstalled). Each command of the
README's code blocks then runs as typed in a second terminal: a fresh shell
in the checkout, .venv/bin on PATH, no FLASK_* variables. Commands that serve
(make run, gunicorn, outbox work) are started, seen to work and stopped.
"""

from __future__ import annotations

import os
import re
import secrets
import shlex
import shutil
import signal
import subprocess
from pathlib import Path

import pytest
from support.processes import (
    Started,
    answers,
    copy_tracked_files,
    free_port,
    terminal_environment,
    wait_for,
)

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"

# Commands shown but not run here, and why.
NOT_RUN = {
    "make test": "runs the whole suite, this test included",
    'make test PYTEST_ARGS="--backend sqlite"': "runs the whole suite, this test included",
    "make test PYTEST_ARGS=\"-m 'not slow'\"": "runs the suite but for the slow tests",
    "WEBINAR_TEST_POSTGRES_URL=postgresql+psycopg://me:secret@db-host:5432/postgres make test":
        "runs the whole suite, on an example server that does not exist",
    'make test PYTEST_ARGS="-x tests/test_demo.py"':
        "runs tests/test_demo.py, which the suite runs anyway",
    ".venv/bin/python tests/screenshots.py":
        "photographs every page with Chromium for 20 s; the app it serves is built below",
    "pip install 'webinar-0.1.0-py3-none-any.whl[redis]'":
        "installs into a server's environment; tests/test_wheel.py installs it in a fresh one",
}  # fmt: skip

# The production example names servers this machine does not have: these
# stand in for them. The database is the checkout's own SQLite file.
PRODUCTION_STAND_INS = {
    "FLASK_SECRET_KEY": secrets.token_hex(32),  # the README shows "..."
    "FLASK_SQLALCHEMY_DATABASE_URI": None,  # filled in with the checkout's SQLite file
    "FLASK_RATELIMIT_STORAGE_URI": "memory://",  # no redis-host here
    # The test asks the server at 127.0.0.1, not at talks.example.org.
    "FLASK_TRUSTED_HOSTS": '["talks.example.org", "127.0.0.1"]',
}

# What a person types at a prompt: set-password asks twice.
ANSWERS = {"set-password": "a fresh password for the talks\n" * 2}

COMMAND_START = re.compile(
    r"^(\. |source |\.venv/|make\b|flask\b|gunicorn\b|pip\b|export\b|python3?\b|[A-Z][A-Z0-9_]*=)"
)
SERVES = re.compile(r"\bmake run\b|\bgunicorn\b|\bflask\b.* run\b|\boutbox work$")


def code_blocks(text: str) -> list[list[str]]:
    """Return the lines of each code block of a Markdown text (indented or fenced)."""
    blocks: list[list[str]] = []
    block: list[str] | None = None
    fenced = False
    previous = ""
    for line in text.splitlines():
        if line.startswith("```"):
            if fenced:
                blocks.append(block)
                block, fenced = None, False
            else:
                if block is not None:
                    blocks.append(block)
                block, fenced = [], True
        elif fenced:
            block.append(line)
        elif line.startswith("    ") and (block is not None or not previous.strip()):
            block = block if block is not None else []
            block.append(line[4:])
        elif not line.strip() and block is not None:
            block.append("")
        elif block is not None:
            blocks.append(block)
            block = None
        previous = line
    if block is not None:
        blocks.append(block)
    return blocks


def commands(block: list[str]) -> list[str]:
    """Return the commands of a block as typed: continued lines joined, comments dropped."""
    text = "\n".join(block).replace("\\\n", " ")
    found = []
    for line in text.splitlines():
        command = re.sub(r"\s+#\s.*$", "", line).strip()
        if command:
            found.append(command)
    return found


def readme_commands() -> list[tuple[str, bool]]:
    """Return each command of the README's shell blocks, and whether it is production's."""
    found = []
    for block in code_blocks(README.read_text()):
        typed = commands(block)
        if typed and COMMAND_START.match(typed[0]):
            production = any(command.startswith("export ") for command in typed)
            found += [(command, production) for command in typed]
    return found


def exported(commands_of_block: list[str]) -> dict[str, str]:
    """Return the variables that a block's `export` lines set."""
    settings = {}
    for command in commands_of_block:
        if command.startswith("export "):
            for word in shlex.split(command)[1:]:
                name, _, value = word.partition("=")
                settings[name] = value
    return settings


COMMANDS = readme_commands()
PRODUCTION_SETTINGS = exported([command for command, production in COMMANDS if production])


@pytest.fixture(scope="module")
def checkout(tmp_path_factory) -> Path:
    """A copy of the tracked files, prepared as `make run` prepares it."""
    folder = tmp_path_factory.mktemp("checkout")
    copy_tracked_files(folder)
    venv = folder / ".venv"
    venv.mkdir()
    for entry in (ROOT / ".venv").iterdir():
        if not entry.name.startswith("."):
            (venv / entry.name).symlink_to(entry)
    # Newer than pyproject.toml: make sees the environment installed.
    (venv / ".installed").touch()
    (venv / ".installed-test").touch()
    # What `make run` does before it serves.
    steps = ("make dev-config", "flask --app app db upgrade", "flask --app app demo --if-empty")
    for step in steps:
        done = run(step, folder)
        assert done.returncode == 0, f"{step}:\n{done.stdout}{done.stderr}"
    return folder


def second_terminal(checkout: Path, production: bool = False) -> dict[str, str]:
    """Return the environment of a new terminal in the checkout (with the production exports)."""
    env = terminal_environment(
        PATH=f"{checkout / '.venv' / 'bin'}:{os.environ['PATH']}",
        # The shared .venv's editable install points at the project's code;
        # this checkout's own `make run` install would point here.
        PYTHONPATH=str(checkout),
    )
    if production:
        env.update(PRODUCTION_SETTINGS)
        env.update(PRODUCTION_STAND_INS)
        database = checkout / "instance" / "webinar.sqlite3"
        env["FLASK_SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{database}"
    return env


def run(command: str, checkout: Path, production: bool = False) -> subprocess.CompletedProcess:
    """Run a command to its end in a shell of the checkout, as typed."""
    answer = next((text for word, text in ANSWERS.items() if word in command), "")
    return subprocess.run(
        ["bash", "-c", command], cwd=checkout, env=second_terminal(checkout, production),
        input=answer, capture_output=True, text=True, timeout=120, start_new_session=True,
    )  # fmt: skip


def serve(command: str, checkout: Path, production: bool, log: Path) -> str:
    """Start a serving command, see it work, stop it; return what it printed."""
    port = free_port()
    # The README's ports (5000, 8000) may be taken on this machine.
    if command.startswith("make run") or re.search(r"\bflask\b.* run\b", command):
        command = f"{command} PORT={port}" if "make" in command else f"{command} --port {port}"
    command = re.sub(r"-b \S+", f"-b 127.0.0.1:{port}", command)
    started = Started(
        ["bash", "-c", command], cwd=checkout, env=second_terminal(checkout, production), log=log
    )
    try:
        if "outbox work" in command:
            assert wait_for(lambda: "Outbox worker started" in started.output()), started.output()
        else:
            url = f"http://127.0.0.1:{port}/healthz"
            assert wait_for(lambda: answers(url) or not started.is_running(), 60), started.output()
            assert answers(url), started.output()
    finally:
        output = started.stop(signal.SIGTERM)
    return output


RUN = [(command, production) for command, production in COMMANDS if command not in NOT_RUN]


def test_every_command_not_run_here_is_still_in_the_readme():
    typed = {command for command, _ in COMMANDS}
    assert set(NOT_RUN) <= typed, "a command left the README: drop it from NOT_RUN"


@pytest.mark.parametrize("command, production", RUN, ids=[c for c, _ in RUN])
def test_a_readme_command_works_as_typed_in_a_make_run_checkout(
    checkout, tmp_path, command, production
):
    if SERVES.search(command):
        output = serve(command, checkout, production, tmp_path / "output.log")
        assert "Traceback" not in output, output
        if "outbox work" in command:
            assert "Outbox worker stopped." in output, output
        return
    done = run(command, checkout, production)
    assert "Traceback" not in done.stderr, done.stderr
    if command == "flask --app app check" and not production:
        # In development it lists what production would refuse, and says so.
        assert done.returncode == 1, f"{command}:\n{done.stdout}{done.stderr}"
        assert "error: PUBLIC_URL 'http://127.0.0.1:5000' is not an https URL" in done.stdout
        return
    assert done.returncode == 0, f"{command}:\n{done.stdout}{done.stderr}"


def test_the_readme_commands_include_the_second_terminal_and_production_ones():
    typed = [command for command, _ in COMMANDS]
    assert "flask --app app organiser set-password demo@example.org" in typed
    assert "flask --app app outbox status" in typed
    assert "make run" in typed
    assert ("gunicorn -w 4 -b 0.0.0.0:8000 webinar.wsgi:app", True) in COMMANDS
    assert set(NOT_RUN) <= set(typed), "a command listed as not run is no longer in the README"


def test_make_run_marks_an_older_checkout_as_development_and_keeps_its_secret(tmp_path):
    shutil.copy2(ROOT / "Makefile", tmp_path / "Makefile")
    (tmp_path / "instance").mkdir()
    config = tmp_path / "instance" / "config.py"
    config.write_text("SECRET_KEY = 'the-secret-of-an-older-make-run'")  # no final line end

    for _ in range(2):
        subprocess.run(["make", "-s", "dev-config"], cwd=tmp_path, check=True, timeout=30)

    settings: dict = {}
    exec(config.read_text(), settings)
    assert settings["SECRET_KEY"] == "the-secret-of-an-older-make-run"
    assert settings["DEVELOPMENT"] is True
    assert config.read_text().count("DEVELOPMENT =") == 1  # added once


def test_make_run_writes_a_secret_and_the_development_marker_into_a_new_checkout(tmp_path):
    shutil.copy2(ROOT / "Makefile", tmp_path / "Makefile")

    subprocess.run(["make", "-s", "dev-config"], cwd=tmp_path, check=True, timeout=30)

    settings: dict = {}
    exec((tmp_path / "instance" / "config.py").read_text(), settings)
    assert len(settings["SECRET_KEY"]) == 64
    assert settings["DEVELOPMENT"] is True


def test_the_screenshot_script_builds_the_app_it_photographs(tmp_path):
    from screenshots import build_app

    from webinar.extensions import db

    app, _password, paths = build_app(tmp_path)

    assert app.test_client().get(paths["talk"]).status_code == 200
    with app.app_context():
        db.engine.dispose()
