"""Database connection settings that make SQLite safe under concurrent writes.

And the answer when the database cannot take a request now (SQLite still
locked by another writer after the busy timeout, PostgreSQL restarting):
the site's "please try again" page, status 503 with Retry-After, and the
transaction rolled back, so nothing is half-written.
"""

import enum
import time
from collections import namedtuple

from flask import Flask, current_app, has_request_context, request
from sqlalchemy import Connection, Engine, Select, event
from sqlalchemy.exc import DBAPIError, DisconnectionError, OperationalError

from .api.problems import is_api_request, problem
from .errors import error_page, error_text
from .extensions import db

# SQLite's words for "another connection holds the lock".
SQLITE_BUSY_MESSAGES = ("database is locked", "database table is locked", "database is busy")
# An execution option: this connection runs one statement, which needs no transaction.
ONE_STATEMENT = "one_statement"


def init_app(app: Flask) -> None:
    """Set up SQLite's connections and answer a busy or unreachable database with a 503."""
    app.register_error_handler(OperationalError, database_unavailable)
    # Runs before Flask-SQLAlchemy's own teardown (they run in reverse order).
    app.teardown_appcontext(close_session)
    with app.app_context():
        engine = db.engine
    if engine.dialect.name != "sqlite":
        ping_idle_connections(engine, float(app.config["DATABASE_PING_AFTER_IDLE"]))
        return
    busy_timeout_ms = int(app.config["SQLITE_BUSY_TIMEOUT_MS"])

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, _record):
        # Let SQLAlchemy's "begin" event emit BEGIN instead of pysqlite.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={busy_timeout_ms}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection):
        # A deferred transaction that reads and then writes fails at once when
        # another writer got in between; IMMEDIATE takes the write lock up front
        # and waits for it. Pages that only read keep deferred transactions so
        # readers never queue behind each other.
        if connection.get_execution_options().get(ONE_STATEMENT):
            return  # pysqlite leaves the statement in a transaction of its own
        if has_request_context() and request.method in ("GET", "HEAD"):
            connection.exec_driver_sql("BEGIN")
        else:
            connection.exec_driver_sql("BEGIN IMMEDIATE")


def ping_idle_connections(engine: Engine, idle_seconds: float) -> None:
    """Check a pooled connection before use when it has been idle, and replace it if it died.

    The pool's pre-ping would cost a round trip on every request. A busy
    worker takes its connection back within milliseconds, when a database
    restart is unlikely to have come in between; one that was idle longer
    is checked first. A connection that dies anyway fails its request with
    the "please try again" page, and the pool then replaces every connection
    older than the failure.
    """

    @event.listens_for(engine, "checkin")
    def on_checkin(_dbapi_connection, record):
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def on_checkout(dbapi_connection, record, _proxy):
        idle_since = record.info.get("idle_since")
        if idle_since is None or time.monotonic() - idle_since < idle_seconds:
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except engine.dialect.loaded_dbapi.Error as error:
            # The pool discards this connection and checks out a fresh one.
            raise DisconnectionError(str(error)) from error


def one_statement(engine: Engine) -> Connection:
    """Return a connection for a single read, without a transaction around it.

    One statement sees one state of the database on its own. On PostgreSQL
    this saves the round trips of BEGIN and ROLLBACK, on SQLite the BEGIN.
    """
    connection = engine.connect()
    if engine.dialect.name == "postgresql":
        return connection.execution_options(isolation_level="AUTOCOMMIT")
    return connection.execution_options(**{ONE_STATEMENT: True})


class PreparedRead:
    """A SELECT of at most one row, compiled once per database and run on the driver's cursor.

    Cached pages read their key on every request. Through SQLAlchemy's
    Connection that costs about four times what the driver itself does (its
    execution context, result and events); this keeps the pool (and its
    check of idle connections), the column types and SQLAlchemy's errors,
    so a lost connection still gives the "please try again" page. While
    anything listens to the engine's statements (a test counting them), the
    statement goes through the Connection, where they see it.
    """

    def __init__(self, statement: Select) -> None:
        self.statement = statement
        self._compiled: dict[tuple[str, str], tuple] = {}

    def one_or_none(self, engine: Engine, **params):
        """Return the row, with its columns as attributes, or None."""
        dialect = engine.dialect
        sql, bind, make_row, row_class = self._compiled_for(dialect)
        if engine.dispatch.before_cursor_execute or engine.dispatch.after_cursor_execute:
            with one_statement(engine) as connection:
                row = connection.execute(self.statement, params).one_or_none()
            # The same kind of row either way: page keys are made of its repr().
            return None if row is None else row_class._make(row)
        arguments = bind(params)
        error_class = dialect.loaded_dbapi.Error
        try:
            raw = engine.raw_connection()
        except error_class as error:  # the server is down or restarting
            lost = dialect.is_disconnect(error, None, None)
            raise DBAPIError.instance(
                None, None, error, error_class, connection_invalidated=lost, dialect=dialect
            ) from error
        driver = raw.driver_connection
        postgresql = dialect.name == "postgresql"
        cursor = None
        try:
            if postgresql:
                # One statement sees one state of the database: no BEGIN, no ROLLBACK.
                driver.autocommit = True
            cursor = raw.cursor()
            cursor.execute(sql, arguments)
            row = cursor.fetchone()
            cursor.close()
            if postgresql:
                driver.autocommit = False
        except Exception as error:
            # Rare, and the connection may be gone or left in autocommit: never
            # back to the pool, which opens a new one next time.
            lost = isinstance(error, error_class) and dialect.is_disconnect(
                error, raw.dbapi_connection, cursor
            )
            raw.invalidate(error)
            if not isinstance(error, error_class):
                raise
            raise DBAPIError.instance(
                sql, arguments, error, error_class, connection_invalidated=lost, dialect=dialect
            ) from error
        finally:
            raw.close()
        return None if row is None else make_row(row)

    def _compiled_for(self, dialect) -> tuple:
        name = (dialect.name, dialect.driver)
        if name not in self._compiled:
            self._compiled[name] = self._compile(dialect)
        return self._compiled[name]

    def _compile(self, dialect) -> tuple:
        compiled = self.statement.compile(dialect=dialect)
        # By the name each parameter has in the SQL: the value the statement
        # holds, the name a caller gives it by (the bindparam's key), its type's
        # conversion for the driver.
        constants = {
            name: value.value if isinstance(value, enum.Enum) else value
            for name, value in compiled.params.items()
        }
        keys, processors = {}, {}
        for bound, name in compiled.bind_names.items():
            keys[name] = bound.key
            processor = bound.type.dialect_impl(dialect).bind_processor(dialect)
            if processor is not None:
                processors[name] = processor

        def value(name: str, params: dict):
            given = params.get(keys[name], constants[name])
            return processors[name](given) if name in processors else given

        if compiled.positional:
            order = list(compiled.positiontup)

            def bind(params: dict):
                return tuple(value(name, params) for name in order)
        else:

            def bind(params: dict):
                return {name: value(name, params) for name in keys}

        columns = self.statement.selected_columns
        row_class = namedtuple("Row", columns.keys(), rename=True)
        results = [
            column.type.dialect_impl(dialect).result_processor(dialect, None)
            for column in columns
        ]
        if any(results):

            def make_row(values):
                pairs = zip(results, values, strict=True)
                return row_class._make(read(item) if read else item for read, item in pairs)
        else:
            make_row = row_class._make
        return str(compiled), bind, make_row, row_class


def insert_new(model, rows: list[dict]) -> int:
    """Insert rows in one statement, skipping any a unique index already holds; return how many.

    INSERT ... ON CONFLICT DO NOTHING on both SQLite and PostgreSQL: two
    processes inserting the same once-only row never fail, one of them wins.
    """
    # Counted from RETURNING: psycopg reports no row count for this statement.
    return len(inserted(model, rows, *model.__table__.primary_key.columns))


def inserted(model, rows: list[dict], *returning) -> list:
    """Insert rows as insert_new() does; return the `returning` columns of those inserted."""
    if not rows:
        return []
    if db.session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    statement = insert(model).values(rows).on_conflict_do_nothing().returning(*returning)
    return db.session.execute(statement).all()


def close_session(_error=None) -> None:
    """End the request's session even when its connection died under it (a database restart)."""
    try:
        db.session.remove()
    except OperationalError:
        # The rollback found the connection gone; SQLAlchemy has invalidated
        # it, the pool opens a fresh one next time, and there is nothing to undo.
        current_app.logger.warning("Database connection lost at the end of a request")
        db.session.remove()


def is_unavailable(error: OperationalError) -> bool:
    """Say whether the error means "try again later" rather than a fault in the app."""
    if error.connection_invalidated:
        return True
    if db.engine.dialect.name == "sqlite":
        message = str(error.orig).lower()
        return any(busy in message for busy in SQLITE_BUSY_MESSAGES)
    # PostgreSQL raises OperationalError for connections refused, closed or
    # shut down by a restart; errors in the SQL itself are ProgrammingError.
    return True


def database_unavailable(error: OperationalError):
    """Answer with the "please try again" page (503, Retry-After) and roll back."""
    try:
        db.session.rollback()
    except Exception:  # the connection may be gone already; the pool replaces it
        current_app.logger.debug("Rollback after a database error failed", exc_info=True)
    if not is_unavailable(error):
        raise error
    current_app.logger.warning("Database unavailable, answered 503: %s", error.orig)
    retry_after = {"Retry-After": str(current_app.config["BUSY_RETRY_AFTER"])}
    if is_api_request():
        return problem(503, headers=retry_after)
    try:
        page = error_page(503)
    except OperationalError:  # the layout itself needed the database
        page = error_text(503)
    return page, 503, retry_after
