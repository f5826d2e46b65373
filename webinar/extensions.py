"""Extension objects, created unbound and bound to the app in the factory."""

from flask_babel import Babel
from flask_limiter import Limiter
from flask_login import LoginManager
from flask_mail import Mail
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

from .clients import client_address


class Base(DeclarativeBase):
    # Named constraints keep Alembic migrations identical on SQLite and PostgreSQL.
    metadata = MetaData(
        naming_convention={
            "ix": "ix_%(column_0_label)s",
            "uq": "uq_%(table_name)s_%(column_0_name)s",
            "ck": "ck_%(table_name)s_%(constraint_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
            "pk": "pk_%(table_name)s",
        }
    )


class Migrations:
    """Flask-Migrate's settings of an app (its extensions["migrate"]), made at first use.

    Flask-Migrate imports Alembic and Mako: about 10 MB, a tenth of a web
    worker, which never migrates. `flask db ...` (a plugin command, see
    pyproject.toml) and code that calls flask_migrate.upgrade() read this
    object, which then binds Flask-Migrate to the app and stands aside.
    """

    def __init__(self, app, directory: str) -> None:
        self._app = app
        self._directory = directory

    def __getattr__(self, name: str):
        from flask_migrate import Migrate

        # Replaces this object with Flask-Migrate's own in app.extensions.
        Migrate(self._app, db, directory=self._directory, render_as_batch=True)
        return getattr(self._app.extensions["migrate"], name)


db = SQLAlchemy(model_class=Base)
mail = Mail()
csrf = CSRFProtect()
login_manager = LoginManager()
limiter = Limiter(key_func=client_address)
babel = Babel()
