"""Database connection settings that make SQLite safe under concurrent writes."""

from flask import Flask, has_request_context, request
from sqlalchemy import event

from .extensions import db

SQLITE_BUSY_TIMEOUT_MS = 10_000


def init_app(app: Flask) -> None:
    """Turn on WAL, a busy timeout, foreign keys and immediate write transactions on SQLite."""
    with app.app_context():
        engine = db.engine
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, _record):
        # Let SQLAlchemy's "begin" event emit BEGIN instead of pysqlite.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection):
        # A deferred transaction that reads and then writes fails at once when
        # another writer got in between; IMMEDIATE takes the write lock up front
        # and waits for it. Pages that only read keep deferred transactions so
        # readers never queue behind each other.
        if has_request_context() and request.method in ("GET", "HEAD"):
            connection.exec_driver_sql("BEGIN")
        else:
            connection.exec_driver_sql("BEGIN IMMEDIATE")


def insert_new(model, rows: list[dict]) -> int:
    """Insert rows in one statement, skipping any a unique index already holds; return how many.

    INSERT ... ON CONFLICT DO NOTHING on both SQLite and PostgreSQL: two
    processes inserting the same once-only row never fail, one of them wins.
    """
    if not rows:
        return 0
    if db.session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    statement = (
        insert(model)
        .values(rows)
        .on_conflict_do_nothing()
        # Counted from RETURNING: psycopg reports no row count for this statement.
        .returning(*model.__table__.primary_key.columns)
    )
    return len(db.session.execute(statement).all())
