"""Plugin: an app on a fresh database (SQLite file and PostgreSQL), its clients and CLI runner.

Every test that takes `app` runs twice, once on a SQLite file and once on
PostgreSQL. `--backend sqlite` (or postgresql) runs one of them. PostgreSQL is
reached at WEBINAR_TEST_POSTGRES_URL (default: the local server, database
`test`); each test session works in a database of its own that it creates and
drops. When PostgreSQL is unreachable its tests skip with the reason, except
in CI (CI=true), where that is a failure.
"""

from __future__ import annotations

import os
import shutil
import uuid

import pytest
import sqlalchemy as sa
from jinja2 import BytecodeCache

from webinar import create_app
from webinar.extensions import db

IN_CI = os.environ.get("CI") == "true"
POSTGRES_ADMIN_URL = os.environ.get(
    "WEBINAR_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


def pytest_addoption(parser):
    parser.addoption(
        "--backend",
        choices=("all", "sqlite", "postgresql"),
        default="all",
        help="database backends to run the database tests on (default: all)",
    )


def pytest_generate_tests(metafunc):
    if "database" in metafunc.fixturenames:
        chosen = metafunc.config.getoption("backend")
        backends = ["sqlite", "postgresql"] if chosen == "all" else [chosen]
        for only in ("sqlite", "postgresql"):
            if metafunc.definition.get_closest_marker(f"{only}_only"):
                backends = [name for name in backends if name == only]
        if "live_server" in metafunc.fixturenames:
            from support.browser import BROWSER_BACKENDS

            backends = [name for name in backends if name in BROWSER_BACKENDS]
        metafunc.parametrize("database", backends, indirect=True, scope="session")


def unavailable(reason: str):
    """Skip outside CI; in CI a missing service is a failure, not a skip."""
    if IN_CI:
        pytest.fail(f"{reason} (CI=true: this must run here)", pytrace=False)
    pytest.skip(reason)


def base_config(**overrides) -> dict:
    """Return the settings every test app starts from."""
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key",
        "PUBLIC_URL": "http://webinar.test",
        "RATELIMIT_ENABLED": False,
        "MAIL_SERVER": None,
        # Many tests move the app's clock by days or months while an organiser
        # is signed in; test_organiser_sessions.py tests the idle time itself.
        "LOGIN_IDLE_MINUTES": 366 * 24 * 60,
        # A cheap scrypt: the tests sign in thousands of times; test_organiser_auth
        # checks the production cost.
        "PASSWORD_HASH_METHOD": "scrypt:1024:8:1",
    }
    config.update(overrides)
    return config


class CompiledTemplates(BytecodeCache):
    """Templates compiled once per test process, for the apps of all its tests.

    Each test builds an app of its own, whose Jinja environment would compile
    every template it renders anew: about 6 ms each, more than most requests.
    Jinja checks each entry against the template's source, so a changed
    template is compiled again.
    """

    def __init__(self) -> None:
        self.compiled: dict[str, bytes] = {}

    def load_bytecode(self, bucket) -> None:
        code = self.compiled.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket) -> None:
        self.compiled[bucket.key] = bucket.bytecode_to_string()


COMPILED_TEMPLATES = CompiledTemplates()


def make_app(config: dict):
    """Return an app made by create_app(config) that shares the process's compiled templates."""
    app = create_app(config)
    app.jinja_env.bytecode_cache = COMPILED_TEMPLATES
    return app


def migrate_to_head(url: str, tmp_path) -> None:
    """Apply the Alembic migrations to the database at url."""
    from flask_migrate import upgrade

    app = create_app(base_config(SQLALCHEMY_DATABASE_URI=url, UPLOAD_FOLDER=str(tmp_path)))
    with app.app_context():
        upgrade()
        db.engine.dispose()


class SQLiteDatabase:
    """A migrated SQLite file, copied afresh for each test."""

    def __init__(self, template_dir):
        self.template = template_dir / "template.sqlite3"
        migrate_to_head(f"sqlite:///{self.template}", template_dir)

    def fresh_url(self, tmp_path) -> str:
        target = tmp_path / "webinar.sqlite3"
        shutil.copyfile(self.template, target)
        return f"sqlite:///{target}"

    def close(self) -> None:
        pass


class PostgresDatabase:
    """A database of this test session on the PostgreSQL server, emptied before each test."""

    def __init__(self, template_dir):
        self.admin = sa.create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
        try:
            with self.admin.connect() as conn:
                conn.execute(sa.text("SELECT 1"))
        except sa.exc.OperationalError as error:
            self.admin.dispose()
            first_line = str(error).splitlines()[0]
            unavailable(f"PostgreSQL is not reachable at {POSTGRES_ADMIN_URL}: {first_line}")
        # Each session (each pytest-xdist worker too) has a database of its own.
        worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
        self.name = f"webinar_test_{worker}_{uuid.uuid4().hex[:12]}"
        with self.admin.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{self.name}"'))
            # A commit need not wait for the disk in a database dropped at the end:
            # 0.3 ms instead of 6 ms, and the tests make many thousands of them. Only a
            # crash of the server could lose a commit; a restart (test_faults) cannot.
            conn.execute(sa.text(f'ALTER DATABASE "{self.name}" SET synchronous_commit = off'))
        self.url = str(
            sa.make_url(POSTGRES_ADMIN_URL).set(database=self.name).render_as_string(False)
        )
        migrate_to_head(self.url, template_dir)
        engine = sa.create_engine(self.url)
        schema = sa.MetaData()
        schema.reflect(engine)
        # DELETE is ten times faster than TRUNCATE on small tables.
        self.tables = [
            table for table in reversed(schema.sorted_tables) if table.name != "alembic_version"
        ]
        with engine.connect() as conn:
            self.sequences = conn.execute(
                sa.text("SELECT sequencename FROM pg_sequences WHERE schemaname = 'public'")
            ).scalars().all()
        # Children before parents, then the sequences so that ids start at 1 in
        # every test; sent as one script, in one round trip to the server.
        # setval() is twenty times cheaper than ALTER SEQUENCE ... RESTART.
        restarts = ", ".join(f"setval('\"{sequence}\"', 1, false)" for sequence in self.sequences)
        self.emptying = "; ".join(
            [f'DELETE FROM "{table.name}"' for table in self.tables] + [f"SELECT {restarts}"]
        )
        self.engine = engine

    def fresh_url(self, tmp_path) -> str:
        with self.engine.begin() as conn:
            conn.exec_driver_sql(self.emptying)
        return self.url

    def close(self) -> None:
        self.engine.dispose()
        with self.admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)'))
        self.admin.dispose()


@pytest.fixture(scope="session")
def database(request, tmp_path_factory):
    """A migrated database of the backend this test runs on."""
    template_dir = tmp_path_factory.mktemp(f"db-{request.param}")
    kind = SQLiteDatabase if request.param == "sqlite" else PostgresDatabase
    database = kind(template_dir)
    database.backend = request.param
    yield database
    database.close()


@pytest.fixture
def app_config(database, tmp_path) -> dict:
    """The settings of the test app; a test may change them before asking for `app`."""
    return base_config(
        SQLALCHEMY_DATABASE_URI=database.fresh_url(tmp_path),
        UPLOAD_FOLDER=str(tmp_path / "uploads"),
        MAILBOX_FOLDER=str(tmp_path / "mailbox"),
    )


@pytest.fixture
def app(app_config):
    """An app on an empty, migrated database."""
    app = make_app(app_config)
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app):
    """A test client of the app."""
    return app.test_client()


@pytest.fixture
def runner(app):
    """A runner of the app's flask commands."""
    return app.test_cli_runner()
