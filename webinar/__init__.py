"""The webinar application: find online talks, register, get the join details."""

import os
from pathlib import Path

from flask import Flask

PACKAGE = Path(__file__).resolve().parent
ROOT = PACKAGE.parent


def create_app(test_config: dict | None = None) -> Flask:
    """Create and configure the application."""
    app = Flask(
        __name__,
        instance_path=instance_folder(),
        instance_relative_config=True,
        template_folder=shipped_folder("templates"),
        static_folder=shipped_folder("static"),
    )
    configure(app, test_config)
    register_extensions(app)
    register_blueprints(app)
    register_template_helpers(app)
    register_error_handlers(app)

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
    from . import database, security
    from .extensions import csrf, db, limiter, login_manager, mail, migrate

    db.init_app(app)
    database.init_app(app)
    migrations = str(Path(__file__).parent / "migrations")
    migrate.init_app(app, db, directory=migrations, render_as_batch=True)
    mail.init_app(app)
    csrf.init_app(app)
    login_manager.init_app(app)
    limiter.init_app(app)
    security.init_app(app)


def register_blueprints(app: Flask) -> None:
    """Attach the feature blueprints."""
    from .events import bp as events_bp
    from .organiser import bp as organiser_bp
    from .registration import bp as registration_bp

    app.register_blueprint(events_bp)
    app.register_blueprint(registration_bp)
    app.register_blueprint(organiser_bp)


def register_template_helpers(app: Flask) -> None:
    """Make date formatting and Markdown rendering available to templates."""
    from . import dates, markup

    app.jinja_env.filters["markdown"] = markup.render_markdown
    app.jinja_env.filters["event_when"] = dates.event_when
    app.jinja_env.filters["event_date"] = dates.event_date
    app.jinja_env.filters["isoformat"] = dates.isoformat_utc
    app.jinja_env.globals["site_name"] = app.config["SITE_NAME"]


ERROR_PAGES = {
    400: ("Bad request", "The request could not be understood. If you sent a form, "
          "reload the page and try again."),
    403: ("Not allowed", "You do not have access to this page."),
    404: ("Page not found", "There is no page at this address. The talk may have moved "
          "or been removed."),
    405: ("Not allowed", "This page cannot be used that way."),
    413: ("File too large", "The file you sent is larger than we accept. Please choose "
          "a smaller file and try again."),
    429: ("Too many requests", "You have sent too many requests in a short time. Please "
          "wait a minute and try again."),
    500: ("Something went wrong", "An error on our side stopped this page. Nothing you "
          "did caused it; please try again in a moment."),
    503: ("Please try again", "The site is busy right now. Nothing was saved; please try "
          "again in a few seconds."),
}


def register_error_handlers(app: Flask) -> None:
    """Answer errors with pages in the site's style."""
    from flask import render_template

    def handler(error):
        code = getattr(error, "code", 500) or 500
        title, message = ERROR_PAGES.get(code, ERROR_PAGES[500])
        response = render_template("errors/error.html", title=title, message=message)
        return response, code

    for code in ERROR_PAGES:
        app.register_error_handler(code, handler)
