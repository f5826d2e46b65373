"""A series' followers as its organisers see them: counts, growth by week, the list, the CSV.

Only follows that were confirmed are listed: an address typed into the form
but never confirmed is nobody's consent yet, so organisers see its count only.
Anonymised followers count in the figures and are left out of the list.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import func

from ...dates import local_minutes
from ...extensions import db
from ...models import Follower, Series, utcnow
from .export import BYTE_ORDER_MARK, CHUNK_CHARACTERS, ROWS_PER_FETCH, inert

WEEKS = 12
PER_PAGE = 50


@dataclass(frozen=True)
class FollowerCounts:
    following: int
    unconfirmed: int
    stopped: int


@dataclass(frozen=True)
class Week:
    starts_on: date
    started: int
    stopped: int
    following: int


def follower_counts(series: Series) -> FollowerCounts:
    """Return how many follow the series now, have not confirmed yet, and stopped."""
    confirmed = Follower.confirmed_at.is_not(None)
    stopped = Follower.unsubscribed_at.is_not(None)
    row = db.session.execute(
        db.select(
            func.count().filter(confirmed, ~stopped),
            func.count().filter(~confirmed),
            func.count().filter(confirmed, stopped),
        ).where(Follower.series_id == series.id)
    ).one()
    return FollowerCounts(*row)


def growth(series: Series, now: datetime | None = None, weeks: int = WEEKS) -> list[Week]:
    """Return the last weeks (Monday to Sunday, UTC): follows started, stopped, and the total."""
    now = now or utcnow()
    this_monday = now.date() - timedelta(days=now.weekday())
    first_monday = this_monday - timedelta(weeks=weeks - 1)
    rows = db.session.execute(
        db.select(Follower.confirmed_at, Follower.unsubscribed_at).where(
            Follower.series_id == series.id, Follower.confirmed_at.is_not(None)
        )
    ).all()
    result = []
    for number in range(weeks):
        starts_on = first_monday + timedelta(weeks=number)
        ends_on = starts_on + timedelta(weeks=1)
        started = sum(starts_on <= confirmed.date() < ends_on for confirmed, _ in rows)
        stopped = sum(bool(left) and starts_on <= left.date() < ends_on for _, left in rows)
        following = sum(
            confirmed.date() < ends_on and (left is None or left.date() >= ends_on)
            for confirmed, left in rows
        )
        result.append(Week(starts_on, started, stopped, following))
    return result


def listed(series: Series):
    """Return the query of the followers an organiser sees, newest first."""
    return (
        db.select(Follower)
        .where(
            Follower.series_id == series.id,
            Follower.confirmed_at.is_not(None),
            Follower.anonymised_at.is_(None),
        )
        .order_by(Follower.confirmed_at.desc(), Follower.id.desc())
    )


def follower_page(series: Series, page: int):
    """Return one page of the series' followers."""
    return db.paginate(listed(series), page=page, per_page=PER_PAGE, error_out=False)


def header() -> list[str]:
    """Return the column titles in the organiser's language; times are in UTC."""
    return [_("Email"), _("Name"), _("Language"), _("Following since (%(zone)s)", zone="UTC"),
            _("Stopped (%(zone)s)", zone="UTC"), _("Privacy consent at (%(zone)s)", zone="UTC"),
            _("Privacy notice version")]  # fmt: skip


def csv_lines(series: Series) -> Iterator[str]:
    """Yield the CSV file of the series' followers; text a person typed is made inert."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write(BYTE_ORDER_MARK)
    writer.writerow(header())
    rows = db.session.scalars(listed(series).execution_options(yield_per=ROWS_PER_FETCH))
    for follower in rows:
        writer.writerow([
            inert(follower.email), inert(follower.name), inert(follower.language),
            local_minutes(follower.confirmed_at, "UTC"),
            local_minutes(follower.unsubscribed_at, "UTC"),
            local_minutes(follower.privacy_consent_at, "UTC"),
            inert(follower.privacy_notice_version),
        ])  # fmt: skip
        if buffer.tell() >= CHUNK_CHARACTERS:
            yield _taken(buffer)
    yield _taken(buffer)


def _taken(buffer: io.StringIO) -> str:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text


def file_name(series: Series) -> str:
    """Return '<slug>-followers-<YYYY-MM-DD>.csv', dated today (UTC)."""
    return f"{series.slug}-followers-{utcnow():%Y-%m-%d}.csv"
