"""A wheel of the project, installed into a fresh environment, serves the site as the README says.

The wheel is built from a copy of the tracked files (what a clone holds) and
installed with pip into a new virtual environment in an empty folder, far
from any checkout. The dependencies it needs come from the project's own
.venv through a path file placed after the environment's own site-packages,
so no network is needed and the installed `webinar` is the one imported.
Every command then runs there with production settings, as on a server.
"""

from __future__ import annotations

import secrets
import subprocess
import sys
import sysconfig
import urllib.request
import zipfile
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

ROOT = Path(__file__).resolve().parent.parent
TALK = "/events/step-strategic-technologies-for-europe-platform"

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """Build a wheel, as the README does, from a copy of the tracked files."""
    clone = tmp_path_factory.mktemp("clone")
    copy_tracked_files(clone)
    dist = tmp_path_factory.mktemp("dist")
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(dist), "."],
        cwd=clone, capture_output=True, text=True, timeout=180,
    )  # fmt: skip
    assert built.returncode == 0, built.stdout + built.stderr
    (found,) = dist.glob("webinar-*.whl")
    return found


@pytest.fixture(scope="module")
def server(tmp_path_factory, wheel) -> dict:
    """A fresh virtual environment in an empty folder, with the wheel installed into it."""
    server = tmp_path_factory.mktemp("server")
    venv = server / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    installed = subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps",
         "--no-index", "--quiet", str(wheel)],
        capture_output=True, text=True, timeout=180,
    )  # fmt: skip
    assert installed.returncode == 0, installed.stdout + installed.stderr
    site_packages = Path(
        subprocess.run(
            [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            capture_output=True, text=True, check=True,
        ).stdout.strip()
    )
    # The dependencies: after the environment's own packages, and without the
    # .venv's path files, which put the checkout's editable `webinar` first.
    (site_packages / "zz-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    here = server / "here"  # the empty folder every command runs in
    here.mkdir()
    env = terminal_environment(
        FLASK_SECRET_KEY=secrets.token_hex(32),
        FLASK_PUBLIC_URL="https://talks.example.org",
        FLASK_SQLALCHEMY_DATABASE_URI=f"sqlite:///{server / 'webinar.sqlite3'}",
        FLASK_RATELIMIT_STORAGE_URI="memory://",
    )
    for name in ("PYTHONPATH", "WEBINAR_INSTANCE_PATH"):
        env.pop(name, None)
    return {"python": python, "venv": venv, "site": site_packages, "cwd": here, "env": env}


def run(server: dict, *args: str) -> subprocess.CompletedProcess:
    """Run `python args...` of the fresh environment in its empty folder."""
    return subprocess.run(
        [server["python"], *args], cwd=server["cwd"], env=server["env"],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def test_the_wheel_carries_the_templates_the_styles_and_every_file_of_the_package(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for folder in ("templates", "static"):
        for file in (ROOT / folder).rglob("*"):
            if file.is_file() and "screenshots" not in file.parts:
                assert f"webinar/{file.relative_to(ROOT).as_posix()}" in names
    # Every file of the package: code, migrations, demo data, the common-password list.
    for file in (ROOT / "webinar").rglob("*"):
        if file.is_file() and "__pycache__" not in file.parts:
            assert f"{file.relative_to(ROOT).as_posix()}" in names
    assert not any("screenshots" in name for name in names)  # pictures of the README only


def test_the_installed_copy_is_the_one_imported_not_the_checkout(server):
    imported = run(server, "-c", "import webinar; print(webinar.__file__)")
    assert imported.returncode == 0, imported.stderr
    assert Path(imported.stdout.strip()).is_relative_to(server["site"])


def test_an_installed_wheel_migrates_and_serves_the_talk_page_with_its_styles(server, tmp_path):
    for command in (["db", "upgrade"], ["demo", "--if-empty"]):
        done = run(server, "-m", "flask", "--app", "webinar", *command)
        assert done.returncode == 0, done.stdout + done.stderr
    # Run-time data of an installed copy goes under the environment, not site-packages.
    assert (server["venv"] / "var" / "webinar-instance" / "uploads").is_dir()
    assert not (server["site"] / "instance").exists()

    port = free_port()
    gunicorn = Started(
        [server["python"], "-m", "gunicorn", "-w", "1", "-b", f"127.0.0.1:{port}",
         "--no-control-socket", "webinar.wsgi:app"],
        cwd=server["cwd"], env=server["env"], log=tmp_path / "gunicorn.log",
    )  # fmt: skip
    try:
        assert wait_for(lambda: answers(f"http://127.0.0.1:{port}/healthz")), gunicorn.output()
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{TALK}", timeout=10) as page:
            html = page.read().decode()
            assert page.status == 200
        assert "STEP: Strategic Technologies for Europe Platform" in html
        assert 'rel="stylesheet" href="/static/css/app.css' in html
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/static/css/app.css") as css:
            assert css.status == 200
            assert css.read() == (ROOT / "static" / "css" / "app.css").read_bytes()
    finally:
        output = gunicorn.stop()
    assert "Traceback" not in output, output


def test_an_installed_copy_reads_its_settings_from_the_chosen_instance_folder(server, tmp_path):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "config.py").write_text("SITE_NAME = 'Talks of the test'\n")
    server["env"]["WEBINAR_INSTANCE_PATH"] = str(tmp_path / "data")
    try:
        done = run(server, "-c", "import webinar; print(webinar.create_app().config['SITE_NAME'])")
    finally:
        del server["env"]["WEBINAR_INSTANCE_PATH"]
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "Talks of the test"
