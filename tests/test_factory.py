"""The app factory and its configuration."""

import pytest
from werkzeug.routing import Map, Rule

from webinar import create_app


@pytest.fixture(autouse=True)
def empty_instance_folder(monkeypatch, tmp_path):
    """Read no instance/config.py but the test's own: `make run` writes one into the checkout."""
    import webinar

    monkeypatch.setattr(webinar, "ROOT", tmp_path)
    monkeypatch.delenv("SERVER_SOFTWARE", raising=False)
    monkeypatch.delenv("WEBINAR_INSTANCE_PATH", raising=False)


def test_testing_config_is_used(app):
    assert app.testing
    assert app.config["PUBLIC_URL"] == "http://webinar.test"


def test_every_url_is_built_as_werkzeug_builds_it(app):
    # The app's rules compile their URL builders lazily (webinar.routing).
    rules = list(app.url_map.iter_rules())
    plain = Map(
        [Rule(rule.rule, endpoint=rule.endpoint, defaults=rule.defaults, methods=rule.methods)
         for rule in rules],
        converters=app.url_map.converters,
    )  # fmt: skip
    ours, theirs = app.url_map.bind("webinar.test"), plain.bind("webinar.test")
    for rule in rules:
        # 7 fits every converter the app uses; the unknown argument goes in the query string.
        values = {name: 7 for name in rule.arguments} | {"utm_source": "a b&c"}
        for external in (False, True):
            url = ours.build(rule.endpoint, values, force_external=external)
            assert url == theirs.build(rule.endpoint, values, force_external=external)
    assert ours.build("events.detail", {"slug": "x"}) == "/events/x"
    assert ours.build("events.detail", {"slug": "x", "ref": "a b"}) == "/events/x?ref=a+b"


def test_missing_secret_key_outside_debug_is_a_clear_error(monkeypatch, tmp_path):
    monkeypatch.delenv("FLASK_SECRET_KEY", raising=False)
    monkeypatch.delenv("FLASK_DEBUG", raising=False)
    monkeypatch.setenv("FLASK_SQLALCHEMY_DATABASE_URI", f"sqlite:///{tmp_path}/x.sqlite3")
    with pytest.raises(RuntimeError, match="SECRET_KEY is not set"):
        create_app()


def test_environment_variables_override_defaults(monkeypatch, tmp_path):
    monkeypatch.setenv("FLASK_SECRET_KEY", "from-the-environment")
    monkeypatch.setenv("FLASK_PUBLIC_URL", "https://talks.example.org")
    monkeypatch.setenv("FLASK_SQLALCHEMY_DATABASE_URI", f"sqlite:///{tmp_path}/x.sqlite3")
    monkeypatch.setenv("FLASK_EVENTS_PER_PAGE", "7")
    app = create_app()
    assert app.config["SECRET_KEY"] == "from-the-environment"
    assert app.config["EVENTS_PER_PAGE"] == 7


def test_debug_without_secret_key_starts_with_a_random_one(monkeypatch, tmp_path):
    monkeypatch.delenv("FLASK_SECRET_KEY", raising=False)
    monkeypatch.setenv("FLASK_DEBUG", "1")
    monkeypatch.setenv("FLASK_SQLALCHEMY_DATABASE_URI", f"sqlite:///{tmp_path}/x.sqlite3")
    app = create_app()
    assert len(app.config["SECRET_KEY"]) == 64


def test_a_development_checkout_starts_with_development_settings(monkeypatch, tmp_path):
    """DEVELOPMENT = True, as `make run` writes it: no refusal, and a cookie for http."""
    monkeypatch.delenv("FLASK_SECRET_KEY", raising=False)
    monkeypatch.delenv("FLASK_DEBUG", raising=False)
    monkeypatch.setenv("FLASK_SQLALCHEMY_DATABASE_URI", f"sqlite:///{tmp_path}/x.sqlite3")
    (tmp_path / "instance").mkdir()
    (tmp_path / "instance" / "config.py").write_text("SECRET_KEY = 'a'\nDEVELOPMENT = True\n")
    app = create_app()
    assert app.config["PUBLIC_URL"] == "http://127.0.0.1:5000"
    assert app.config["SESSION_COOKIE_SECURE"] is False


def test_session_cookie_is_secure_outside_debug_and_testing(monkeypatch, tmp_path):
    monkeypatch.setenv("FLASK_SECRET_KEY", "a-production-secret")
    monkeypatch.setenv("FLASK_PUBLIC_URL", "https://talks.example.org")
    monkeypatch.setenv("FLASK_SQLALCHEMY_DATABASE_URI", f"sqlite:///{tmp_path}/x.sqlite3")
    app = create_app()
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"


# SQLite cannot compare the PostgreSQL-only trigram index (an expression
# index); Alembic says so before the comparison leaves it out.
@pytest.mark.filterwarnings("ignore:autogenerate skipping metadata-specified expression-based")
def test_migrations_match_the_models(app):
    """Autogenerate finds nothing to add: the migrations describe the models exactly."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from webinar.extensions import db
    from webinar.models.types import kept_on

    with app.app_context(), db.engine.connect() as conn:
        include = kept_on(conn.dialect.name)
        context = MigrationContext.configure(conn, opts={"include_object": include})
        diff = compare_metadata(context, db.metadata)
    assert diff == []


def test_instance_config_file_is_read(monkeypatch, tmp_path):
    """instance/config.py (here, a temporary instance folder) overrides the defaults."""
    monkeypatch.delenv("FLASK_SECRET_KEY", raising=False)
    (tmp_path / "instance").mkdir()
    (tmp_path / "instance" / "config.py").write_text(
        "SECRET_KEY = 'from-the-instance-folder'\nPUBLIC_URL = 'https://talks.example.org'\n"
        f"SQLALCHEMY_DATABASE_URI = 'sqlite:///{tmp_path}/i.db'\n"
    )
    app = create_app()
    assert app.config["SECRET_KEY"] == "from-the-instance-folder"
    assert app.instance_path == str(tmp_path / "instance")


def test_the_instance_folder_can_be_chosen_with_an_environment_variable(monkeypatch, tmp_path):
    """WEBINAR_INSTANCE_PATH: config.py and the run-time data live in the folder it names."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "config.py").write_text("SITE_NAME = 'Talks elsewhere'\n")
    monkeypatch.setenv("WEBINAR_INSTANCE_PATH", str(elsewhere))
    monkeypatch.setenv("FLASK_SECRET_KEY", "a-production-secret")
    monkeypatch.setenv("FLASK_PUBLIC_URL", "https://talks.example.org")
    monkeypatch.delenv("FLASK_SQLALCHEMY_DATABASE_URI", raising=False)
    app = create_app()
    assert app.config["SITE_NAME"] == "Talks elsewhere"
    assert app.config["UPLOAD_FOLDER"] == str(elsewhere / "uploads")
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{elsewhere / 'webinar.sqlite3'}"
