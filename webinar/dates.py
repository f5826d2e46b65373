"""How dates and times are written on pages, in emails and in calendar files."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo


def zone_label(moment: datetime) -> str:
    """Return the zone abbreviation in force at that moment: CET in winter, CEST in summer."""
    name = moment.tzname() or "UTC"
    # Zones without a customary abbreviation give "+03" or "-0330": say so plainly.
    if name[0] in "+-":
        offset = moment.strftime("%z")
        return f"UTC{offset[:3]}:{offset[3:]}"
    return name


def long_date(moment: datetime) -> str:
    """Return '6 December 2023'."""
    return f"{moment.day} {moment:%B %Y}"


def span(starts_at: datetime, ends_at: datetime, zone: str | ZoneInfo) -> str:
    """Return '6 December 2023, 08:30 – 09:45 CET' for two instants shown in a zone."""
    tz = ZoneInfo(zone) if isinstance(zone, str) else zone
    start, end = starts_at.astimezone(tz), ends_at.astimezone(tz)
    if start.date() == end.date():
        return f"{long_date(start)}, {start:%H:%M} – {end:%H:%M} {zone_label(start)}"
    return f"{long_date(start)}, {start:%H:%M} – {long_date(end)}, {end:%H:%M} {zone_label(end)}"


def event_when(event) -> str:
    """Return the event's date and time in its own zone, with the zone label."""
    return span(event.starts_at, event.ends_at, event.timezone)


def event_date(event) -> str:
    """Return the event's date in its own zone: '6 December 2023'."""
    return long_date(event.starts_at.astimezone(ZoneInfo(event.timezone)))


def isoformat_utc(moment: datetime) -> str:
    """Return the instant as ISO 8601 in UTC: '2023-12-06T07:30:00Z'."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def moment_in(moment: datetime, zone: str | ZoneInfo) -> str:
    """Return one instant in a zone: '1 December 2023, 09:00 CET'."""
    local = moment.astimezone(ZoneInfo(zone) if isinstance(zone, str) else zone)
    return f"{long_date(local)}, {local:%H:%M} {zone_label(local)}"


def compact_utc(moment: datetime) -> str:
    """Return the instant in the compact UTC form calendars use: '20231206T073000Z'."""
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def local_minutes(moment: datetime | None, zone: str | ZoneInfo) -> str:
    """Return an instant as '2023-12-06 08:30' in a zone, for tables; empty for no instant."""
    if moment is None:
        return ""
    # isoformat() rather than strftime(): the attendee export formats five of these a row.
    local = moment.astimezone(ZoneInfo(zone) if isinstance(zone, str) else zone)
    return local.replace(tzinfo=None).isoformat(" ", "minutes")
