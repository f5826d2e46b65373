"""A talk's data as submitted, and the rules it must meet before it is saved."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask_babel import gettext as _
from werkzeug.datastructures import FileStorage

from ...extensions import db
from ...models import Event


class TalkError(ValueError):
    """A change to a talk that cannot be made; the message says why."""


class TalkInvalid(TalkError):
    """Talk data that breaks rules: errors maps each field's name to its messages."""

    def __init__(self, errors: dict[str, list[str]]):
        self.errors = errors
        messages = [message for field_messages in errors.values() for message in field_messages]
        super().__init__(" ".join(messages) or _("Some fields were refused."))


class LocalTimeError(ValueError):
    """A wall-clock time that the time zone skips or repeats."""


@dataclass(frozen=True)
class TalkData:
    """A talk as submitted, in plain values named like the event form's fields.

    refused names the fields that the caller's own checks refused already: no
    rule reads them again (their message is said), and nothing is saved.
    """

    title: str | None = None
    slug: str | None = None
    series: str | None = None
    event_type: str | None = None
    target_audience: str | None = None
    organised_by: str | None = None
    summary: str | None = None
    description: str | None = None
    timezone: str | None = None
    location: str | None = None
    join_url: str | None = None
    capacity: int | None = None
    waitlist_enabled: bool = False
    recording_url: str | None = None
    post_summary: str | None = None
    reminder_24h: bool = True
    reminder_1h: bool = True
    banner_alt: str | None = None
    starts_on: date | None = None
    starts_time: time | None = None
    ends_on: date | None = None
    ends_time: time | None = None
    registration_opens_on: date | None = None
    registration_opens_time: time | None = None
    registration_closes_on: date | None = None
    registration_closes_time: time | None = None
    topics: list[int] = field(default_factory=list)
    new_topics: str | None = None
    banner: FileStorage | None = None
    remove_banner: bool = False
    refused: frozenset[str] = frozenset()


@dataclass(frozen=True)
class CheckedTalk:
    """What the checks worked out from the data: instants in UTC and the address."""

    starts_at: datetime | None
    ends_at: datetime | None
    registration_opens_at: datetime | None
    registration_closes_at: datetime | None
    slug: str


def slugify(text: str, max_length: int = 80) -> str:
    """Return a URL slug of lowercase a-z, 0-9 and single hyphens made from text."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:max_length].rstrip("-") or "talk"


def unique_slug(base: str, event_id: int | None) -> str:
    """Return base, or base-2, base-3, ... whichever no other event uses."""
    taken = set(
        db.session.scalars(
            db.select(Event.slug).where(
                (Event.slug == base) | Event.slug.like(f"{base}-%"),
                Event.id != (event_id or 0),
            )
        )
    )
    slug, number = base, 1
    while slug in taken:
        number += 1
        slug = f"{base}-{number}"
    return slug


def local_to_utc(day: date, clock: time, zone_name: str) -> datetime:
    """Return the UTC instant of a wall-clock time in a zone, refusing skipped or repeated times."""
    zone = ZoneInfo(zone_name)
    naive = datetime.combine(day, clock)
    first, second = naive.replace(tzinfo=zone, fold=0), naive.replace(tzinfo=zone, fold=1)
    if first.utcoffset() != second.utcoffset():
        when = f"{clock:%H:%M} on {day:%d %B %Y} in {zone_name}"
        if first.astimezone(UTC).astimezone(zone).replace(tzinfo=None) != naive:
            raise LocalTimeError(
                f"{when} does not exist: the clocks go forward that night. Choose another time."
            )
        raise LocalTimeError(
            f"{when} happens twice: the clocks go back that night. Choose another time."
        )
    return first.astimezone(UTC)


class _Findings:
    """The messages found so far, by field."""

    def __init__(self, data: TalkData):
        self.data = data
        self.errors: dict[str, list[str]] = {}

    def add(self, name: str, message: str) -> None:
        self.errors.setdefault(name, []).append(message)

    def usable(self, *names: str) -> bool:
        """Say whether none of these fields was refused already."""
        return not self.data.refused.intersection(names)


def check(data: TalkData, event: Event) -> CheckedTalk:
    """Check the data for a talk against the rules; raise TalkInvalid when any is broken."""
    findings = _Findings(data)
    zone_name = _zone_name(findings)
    starts_at = _moment(findings, "starts", zone_name, required=True)
    ends_at = _moment(findings, "ends", zone_name, required=True)
    if starts_at and ends_at and ends_at <= starts_at:
        findings.add("ends_time", _("The end must be after the start."))
    opens_at = _moment(findings, "registration_opens", zone_name, required=False)
    closes_at = _moment(findings, "registration_closes", zone_name, required=False)
    if opens_at and closes_at and closes_at <= opens_at:
        findings.add("registration_closes_time", _("Registration must close after it opens."))

    slug = (data.slug or "").strip()
    if slug and findings.usable("slug") and unique_slug(slug, event.id) != slug:
        findings.add("slug", _("Another talk already uses this address. Choose another one."))

    keeps_banner = data.banner is not None or (event.banner and not data.remove_banner)
    if keeps_banner and findings.usable("banner_alt") and not (data.banner_alt or "").strip():
        findings.add("banner_alt", _("Describe the banner for people who cannot see it."))
    if findings.errors or data.refused:
        raise TalkInvalid(findings.errors)
    return CheckedTalk(starts_at, ends_at, opens_at, closes_at, slug)


def _zone_name(findings: _Findings) -> str:
    """Return the talk's time zone; times are read in UTC when it is refused or unknown."""
    if not findings.usable("timezone"):
        return "UTC"
    name = findings.data.timezone or ""
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        findings.add("timezone", _("Choose a time zone from the list."))
        return "UTC"
    return name


def _moment(findings: _Findings, prefix: str, zone_name: str, required: bool) -> datetime | None:
    """Read a date + time pair as UTC, putting any error on the time field."""
    day_name, clock_name = f"{prefix}_on", f"{prefix}_time"
    if not findings.usable(day_name, clock_name):
        return None
    day, clock = getattr(findings.data, day_name), getattr(findings.data, clock_name)
    if day is None and clock is None and not required:
        return None
    if day is None or clock is None:
        findings.add(day_name if day is None else clock_name,
                     _("Enter both the date and the time, or neither."))  # fmt: skip
        return None
    try:
        return local_to_utc(day, clock, zone_name)
    except LocalTimeError as error:
        findings.add(clock_name, str(error))
        return None
