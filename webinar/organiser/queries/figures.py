"""How registrations for events are going: counts by status and email state, per day,
and where people came from."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Integer, case, cast, extract, func

from ...extensions import db
from ...models import Event, OutboxEmail, OutboxStatus, Registration, RegistrationStatus
from .answer_figures import answer_charts

TOP = 10
# Every time zone's offset is a multiple of 15 minutes, so counts per UTC
# quarter-hour fold exactly into the days of any zone.
BUCKET_SECONDS = 15 * 60
# Past this many days the chart shows the latest ones only.
MAX_DAYS = 120
MIN_SLOTS = 7

# The chart's drawing area, in SVG user units (the SVG scales to its box).
CHART_WIDTH, CHART_HEIGHT, AXIS_ROOM = 640, 200, 24
# Emails not sent that the Retry button sends: failed ones, and those held by
# the cap on emails per mailbox (webinar.notifications.caps), which an organiser may send.
NOT_SENT = (OutboxStatus.FAILED, OutboxStatus.HELD)


@dataclass
class EventFigures:
    """Registration and email counts of one event."""

    confirmed: int = 0
    waitlisted: int = 0
    cancelled: int = 0
    joined: int = 0
    # Attendance recorded by an organiser (imported from a video platform).
    attended: int = 0
    emails: dict[str, int] = field(default_factory=dict)

    @property
    def emails_pending(self) -> int:
        return self.emails.get(OutboxStatus.PENDING, 0) + self.emails.get(OutboxStatus.SENDING, 0)

    @property
    def emails_failed(self) -> int:
        return sum(self.emails.get(status, 0) for status in NOT_SENT)

    @property
    def attendance_rate(self) -> float | None:
        """Return the share of confirmed attendees who joined, None when nobody was confirmed."""
        return self.joined / self.confirmed if self.confirmed else None

    @property
    def registered(self) -> int:
        """Return how many people hold a seat or a place on the waiting list."""
        return self.confirmed + self.waitlisted


def figures_for(event_ids: list[int]) -> dict[int, EventFigures]:
    """Return the figures of these events, counted in two grouped queries."""
    figures: dict[int, EventFigures] = defaultdict(EventFigures)
    if not event_ids:
        return figures
    registrations = db.session.execute(
        db.select(
            Registration.event_id,
            Registration.status,
            func.count(),
            func.count(Registration.joined_at),
            func.count(Registration.attended_at),
        )
        .where(Registration.event_id.in_(event_ids))
        .group_by(Registration.event_id, Registration.status)
    )
    for event_id, status, count, joined, attended in registrations:
        if status in tuple(RegistrationStatus):
            setattr(figures[event_id], status, count)
        figures[event_id].joined += joined
        figures[event_id].attended += attended
    emails = db.session.execute(
        db.select(Registration.event_id, OutboxEmail.status, func.count())
        .join(Registration, OutboxEmail.registration_id == Registration.id)
        .where(
            Registration.event_id.in_(event_ids),
            OutboxEmail.status.in_((OutboxStatus.PENDING, OutboxStatus.SENDING, *NOT_SENT)),
        )
        .group_by(Registration.event_id, OutboxEmail.status)
    )
    for event_id, status, count in emails:
        figures[event_id].emails[status] = count
    return figures


def not_sent_email_ids(event: Event) -> list[int]:
    """Return the ids of the event's emails that failed or are held."""
    return list(
        db.session.scalars(
            db.select(OutboxEmail.id)
            .join(Registration, OutboxEmail.registration_id == Registration.id)
            .where(Registration.event_id == event.id, OutboxEmail.status.in_(NOT_SENT))
        )
    )


@dataclass(frozen=True)
class Bar:
    day: date
    count: int
    x: float
    y: float
    width: float
    height: float


@dataclass(frozen=True)
class Chart:
    """Registrations per day, with the geometry of their bars."""

    bars: list[Bar]
    peak: int
    total: int
    width: int = CHART_WIDTH
    height: int = CHART_HEIGHT
    axis_room: int = AXIS_ROOM

    @property
    def first(self) -> Bar:
        return self.bars[0]

    @property
    def last(self) -> Bar:
        return self.bars[-1]


def _dialect() -> str:
    return db.session.get_bind().dialect.name


def _quarter_hour(column: ColumnElement) -> ColumnElement:
    """Return the number of the UTC quarter-hour a stored time falls in, as SQL."""
    if _dialect() == "postgresql":
        return func.floor(extract("epoch", column) / BUCKET_SECONDS)
    # SQLite stores naive UTC; integer division floors for every time after 1970.
    return cast(func.strftime("%s", column), Integer) / BUCKET_SECONDS


def _referrer_host(column: ColumnElement) -> ColumnElement:
    """Return the host part of a URL stored in column, as SQL."""
    if _dialect() == "postgresql":
        return func.lower(func.split_part(column, "/", 3))
    rest = func.substr(column, func.instr(column, "://") + 3)
    slash = func.instr(rest, "/")
    return func.lower(case((slash > 0, func.substr(rest, 1, slash - 1)), else_=rest))


def registrations_per_day(event: Event) -> list[tuple[date, int]]:
    """Return (day, registrations) in the event's zone, every day from the first to the last."""
    bucket = _quarter_hour(Registration.created_at)
    rows = db.session.execute(
        db.select(bucket, func.count())
        .where(Registration.event_id == event.id)
        .group_by(bucket)
    )
    zone = ZoneInfo(event.timezone)
    per_day: Counter[date] = Counter()
    for quarter, count in rows:
        moment = datetime.fromtimestamp(int(quarter) * BUCKET_SECONDS, UTC)
        per_day[moment.astimezone(zone).date()] += count
    if not per_day:
        return []
    last = max(per_day)
    first = max(min(per_day), last - timedelta(days=MAX_DAYS - 1))
    days = (first + timedelta(days=n) for n in range((last - first).days + 1))
    return [(day, per_day[day]) for day in days]


def bar_chart(per_day: list[tuple[date, int]]) -> Chart | None:
    """Return the bars of a chart of registrations per day, or None when there are none."""
    if not per_day:
        return None
    peak = max(count for _, count in per_day)
    # A week's room at least, so one or two days do not make giant bars.
    slot = CHART_WIDTH / max(len(per_day), MIN_SLOTS)
    room = CHART_HEIGHT - AXIS_ROOM
    bars = []
    for number, (day, count) in enumerate(per_day):
        height = room * count / peak if peak else 0
        bars.append(Bar(day=day, count=count, x=round(number * slot + slot * 0.1, 2),
                        y=round(room - height, 2), width=round(slot * 0.8, 2),
                        height=round(height, 2)))  # fmt: skip
    return Chart(bars=bars, peak=peak, total=sum(count for _, count in per_day))


def top_sources(event: Event) -> list[tuple[str, int]]:
    """Return the ten most frequent utm_source values with their counts."""
    count = func.count().label("n")
    rows = db.session.execute(
        db.select(Registration.utm_source, count)
        .where(Registration.event_id == event.id, Registration.utm_source != "")
        .group_by(Registration.utm_source)
        .order_by(count.desc(), Registration.utm_source)
        .limit(TOP)
    )
    return [(source, n) for source, n in rows]


def top_referrer_domains(event: Event) -> list[tuple[str, int]]:
    """Return the ten most frequent referring domains with their counts."""
    host = _referrer_host(Registration.referrer).label("host")
    count = func.count().label("n")
    rows = db.session.execute(
        db.select(host, count)
        .where(Registration.event_id == event.id, Registration.referrer.like("%://%"))
        .group_by(host)
        .order_by(count.desc(), host)
        .limit(TOP)
    )
    return [(domain, n) for domain, n in rows if domain]


def event_figures(event: Event) -> dict:
    """Return what the figures section of an event's page shows."""
    return {
        "chart": bar_chart(registrations_per_day(event)),
        "sources": top_sources(event),
        "referrers": top_referrer_domains(event),
        "answers": answer_charts(event.id),
    }
