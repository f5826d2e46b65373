"""The attendee list as a CSV file, streamed row by row.

The rows come from a server-side cursor (yield_per: psycopg streams them on
PostgreSQL, sqlite3 fetches as it goes), so an export of 100,000 people
never holds the whole list in memory, neither in the database driver nor here.
"""

import csv
import io
from collections.abc import Iterator
from zoneinfo import ZoneInfo

from ...dates import local_minutes
from ...extensions import db
from ...models import Event, Registration, utcnow
from .attendee_list import (
    EMAIL_SUMMARIES,
    ListParams,
    matching,
    ordering,
    worst_email_state,
)

BYTE_ORDER_MARK = "\ufeff"
# A spreadsheet takes a cell that begins with one of these for a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
ROWS_PER_FETCH = 500
CHUNK_CHARACTERS = 16 * 1024

COLUMNS = (
    Registration.first_name,
    Registration.last_name,
    Registration.email,
    Registration.organisation,
    Registration.country,
    Registration.status,
    Registration.created_at,
    Registration.joined_at,
    worst_email_state().label("emails"),
    Registration.marketing_consent,
    Registration.marketing_consent_at,
    Registration.unsubscribed_at,
    Registration.privacy_consent_at,
    Registration.privacy_notice_version,
    Registration.utm_source,
)


def inert(value: str) -> str:
    """Return a cell value that no spreadsheet runs as a formula."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def header(event: Event) -> list[str]:
    """Return the column titles; times are in the event's zone."""
    zone = event.timezone
    return [
        "First name", "Last name", "Email", "Organisation", "Country", "Status",
        f"Registered ({zone})", "Joined", f"Joined at ({zone})", "Emails",
        "Marketing consent", f"Marketing consent at ({zone})", f"Unsubscribed at ({zone})",
        f"Privacy consent at ({zone})",
        "Privacy notice version", "utm_source",
    ]  # fmt: skip


def cells(row, zone: ZoneInfo) -> list[str]:
    """Return the CSV cells of one registration row; text a person typed is made inert."""
    (
        first_name, last_name, email, organisation, country, status, created_at, joined_at,
        emails, marketing_consent, marketing_consent_at, unsubscribed_at, privacy_consent_at,
        notice_version, utm_source,
    ) = row
    return [
        inert(first_name or ""), inert(last_name or ""), inert(email or ""),
        inert(organisation or ""), inert(country or ""), inert(status or ""),
        local_minutes(created_at, zone),
        "yes" if joined_at else "no",
        local_minutes(joined_at, zone),
        EMAIL_SUMMARIES.get(emails, ""),
        "yes" if marketing_consent else "no",
        local_minutes(marketing_consent_at, zone),
        local_minutes(unsubscribed_at, zone),
        local_minutes(privacy_consent_at, zone),
        inert(notice_version or ""), inert(utm_source or ""),
    ]  # fmt: skip


def csv_lines(event: Event, params: ListParams) -> Iterator[str]:
    """Yield the CSV file: the byte-order mark and header, then the registrations' lines."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)  # RFC 4180 quoting, CRLF line ends

    def taken() -> str:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    buffer.write(BYTE_ORDER_MARK)
    writer.writerow(header(event))
    yield taken()
    rows = db.session.execute(
        db.select(*COLUMNS)
        .where(*matching(event.id, params))
        .order_by(*ordering(params))
        .execution_options(yield_per=ROWS_PER_FETCH)
    )
    zone = ZoneInfo(event.timezone)
    for row in rows:
        writer.writerow(cells(row, zone))
        # Lines go out in chunks of a few kilobytes rather than one write each.
        if buffer.tell() >= CHUNK_CHARACTERS:
            yield taken()
    yield taken()


def file_name(event: Event) -> str:
    """Return '<slug>-attendees-<YYYY-MM-DD>.csv', dated today (UTC)."""
    return f"{event.slug}-attendees-{utcnow():%Y-%m-%d}.csv"
