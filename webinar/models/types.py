"""Column types shared by the models."""

from datetime import UTC, datetime

from sqlalchemy import DateTime, Index
from sqlalchemy.types import TypeDecorator

from .. import clock


class UTCDateTime(TypeDecorator):
    """A timezone-aware datetime, stored in UTC on every database.

    SQLite keeps no offset, so values are written as naive UTC and read back
    with UTC attached; PostgreSQL stores timestamptz. Naive values are refused:
    a time without a zone is a bug waiting for a daylight-saving change.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: attach a time zone")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def utcnow() -> datetime:
    """Return the current time, aware, in UTC, from the app's clock (webinar.clock)."""
    return clock.now()


def only_on(dialect: str, index: Index) -> Index:
    """Return the index, created on that database only (a trigram index needs PostgreSQL)."""
    index.info["only_on"] = dialect
    return index.ddl_if(dialect=dialect)


# SQLite's full-text index of the registrations (FTS5) and the tables FTS5 keeps
# for it: made and filled by a migration and its triggers, not by the models.
SEARCH_TABLE = "registration_search"


def kept_on(dialect: str):
    """Return Alembic's include_object filter that leaves out other databases' indexes."""

    def include(item, name, type_, reflected, compare_to) -> bool:
        if type_ == "table" and reflected and (name or "").startswith(SEARCH_TABLE):
            return False
        # Objects read from the database carry no info: always kept.
        return item.info.get("only_on", dialect) == dialect

    return include
