"""The webinar application: find online talks, register, get the join details."""

import os
from functools import lru_cache
from inspect import iscoroutinefunction
from pathlib import Path

from flask import Flask

from .routing import LazyRule

PACKAGE = Path(__file__).resolve().parent
ROOT = PACKAGE.parent


class Webinar(Flask):
    """Flask, with URL builders compiled at first use and the async check made once a function."""

    url_rule_class = LazyRule

    def ensure_sync(self, func):
        # Flask asks for every view and hook of every request; the answer never changes.
        return self.async_to_sync(func) if is_coroutine(func) else func


@lru_cache(maxsize=1024)
def is_coroutine(func) -> bool:
    """Say whether a view or hook is an async function."""
    return iscoroutinefunction(func)


def create_app(test_config: dict | None = None) -> Flask:
    """Create and configure the application."""
    app = Webinar(
        __name__,
        instance_path=instance_folder(),
        instance_relative_config=True,
        template_folder=shipped_folder("templates"),
        static_folder=shipped_folder("static"),
    )
    configure(app, test_config)
    register_extensions(app)
    register_blueprints(app)
    register_templates_and_errors(app)

    from . import cli

    cli.init_app(app)

    from .jobs import start_development_thread

    start_development_thread(app)
    return app


def installed_from_a_wheel() -> bool:
    """Say whether this copy was installed from a wheel rather than run from a checkout."""
    # The wheel carries templates/ inside the package (setup.py maps it);
    # a checkout, editable install included, keeps it beside the package.
    return (PACKAGE / "templates").is_dir()


def shipped_folder(name: str) -> str:
    """Return the templates/ or static/ folder of this copy of the app."""
    return str((PACKAGE if installed_from_a_wheel() else ROOT) / name)


def instance_folder() -> str | None:
    """Return the folder of run-time data: WEBINAR_INSTANCE_PATH, or instance/ of a checkout."""
    if chosen := os.environ.get("WEBINAR_INSTANCE_PATH"):
        return str(Path(chosen).resolve())
    if installed_from_a_wheel():
        return None  # Flask's choice: <prefix>/var/webinar-instance, outside site-packages
    return str(ROOT / "instance")


def configure(app: Flask, test_config: dict | None) -> None:
    """Load defaults, then instance/config.py, then FLASK_* variables (or the test mapping)."""
    app.config.from_object("webinar.config")
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
        app.config.from_prefixed_env()
    else:
        app.config.from_mapping(test_config)

    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    if not app.config["SQLALCHEMY_DATABASE_URI"]:
        db_path = Path(app.instance_path) / "webinar.sqlite3"
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{db_path}"
    for key, folder in (("UPLOAD_FOLDER", "uploads"), ("MAILBOX_FOLDER", "mailbox")):
        app.config[key] = app.config[key] or str(Path(app.instance_path) / folder)

    from .checks import is_development, refuse_unsafe_production

    if is_development(app):
        # Development serves plain http://127.0.0.1, where a Secure cookie is never sent back.
        app.config["SESSION_COOKIE_SECURE"] = False
        if not app.config["SECRET_KEY"]:
            import secrets

            app.config["SECRET_KEY"] = secrets.token_hex(32)
            app.logger.warning("No SECRET_KEY set: using a random one (sessions end on restart).")
    # Outside tests, debug mode and a development checkout: no development
    # secret, no debug, a real PUBLIC_URL.
    refuse_unsafe_production(app)


def register_extensions(app: Flask) -> None:
    """Bind the extension objects to this app."""
    from . import database, languages, security, session_cookie
    from .extensions import Migrations, babel, csrf, db, limiter, login_manager, mail

    db.init_app(app)
    database.init_app(app)
    migrations = str(Path(__file__).parent / "migrations")
    app.extensions["migrate"] = Migrations(app, migrations)
    mail.init_app(app)
    csrf.init_app(app)
    login_manager.init_app(app)
    limiter.init_app(app)
    security.init_app(app)
    session_cookie.init_app(app)
    babel.init_app(
        app,
        default_locale=app.config["DEFAULT_LANGUAGE"],
        locale_selector=languages.select_locale,
    )


def register_blueprints(app: Flask) -> None:
    """Attach the feature blueprints."""
    from . import api
    from .events import bp as events_bp
    from .following import bp as following_bp
    from .languages import bp as languages_bp
    from .organiser import bp as organiser_bp
    from .registration import bp as registration_bp
    from .series import bp as series_bp

    app.register_blueprint(events_bp)
    app.register_blueprint(registration_bp)
    app.register_blueprint(series_bp)
    app.register_blueprint(organiser_bp)
    app.register_blueprint(following_bp)
    app.register_blueprint(languages_bp)
    api.init_app(app)


def register_templates_and_errors(app: Flask) -> None:
    """Give templates their filters and globals, and errors their pages."""
    from . import errors, languages, templating

    templating.init_app(app)
    languages.init_app(app)
    errors.init_app(app)
