"""How dates and times are written on pages, in emails and in calendar files.

Dates and zone names come from Babel (the CLDR) in the reader's language:
"6 December 2023, 08:30 – 09:45 CET", "6 décembre 2023, 08:30 – 09:45 CET",
"6. Dezember 2023, 08:30–09:45 MEZ". Without a language the current one is
used: the page's, or the one an email is rendered in (flask_babel.force_locale).
"""

import re
from datetime import UTC, datetime
from functools import cache
from zoneinfo import ZoneInfo, available_timezones

from babel.dates import format_date, get_timezone_name
from flask import has_app_context

from .languages import current_language

# The CLDR locale of each language's dates: English as written in Europe
# ("6 December 2023"), not the United States' "December 6, 2023".
DATE_LOCALES = {"en": "en_GB", "fr": "fr", "de": "de"}
# Between two times, as the CLDR's hour-and-minute interval writes it.
RANGE_SEPARATORS = {"de": "–"}
# A short zone name the CLDR has for the language (MEZ, EST); otherwise it
# answers with a bare offset such as "+0100" or a long name.
_SHORT_NAME = re.compile(r"[A-Za-z]{2,6}")


def reading_language(language: str | None = None) -> str:
    """Return the language asked for, else the current one; English outside the app."""
    return language or (current_language() if has_app_context() else "en")


def zone_label(moment: datetime, language: str | None = None) -> str:
    """Return the zone's short name at that moment: CET in winter, CEST in summer.

    The CLDR's own short name in the language where it has one (MEZ, MESZ in
    German); otherwise the time zone database's abbreviation (CET), and for
    zones without one the plain offset ("UTC+04:00").
    """
    language = reading_language(language)
    if moment.tzinfo is not UTC and str(moment.tzinfo) != "UTC":
        named = get_timezone_name(moment, "short", locale=language)
        if _SHORT_NAME.fullmatch(named):
            return named
    name = moment.tzname() or "UTC"
    # Zones without a customary abbreviation give "+03" or "-0330": say so plainly.
    if name[0] in "+-":
        offset = moment.strftime("%z")
        return f"UTC{offset[:3]}:{offset[3:]}"
    return name


def long_date(moment: datetime, language: str | None = None) -> str:
    """Return '6 December 2023', '6 décembre 2023' or '6. Dezember 2023'."""
    locale = DATE_LOCALES.get(reading_language(language), "en_GB")
    return format_date(moment, "long", locale=locale)


def span(
    starts_at: datetime, ends_at: datetime, zone: str | ZoneInfo, language: str | None = None
) -> str:
    """Return '6 December 2023, 08:30 – 09:45 CET' for two instants shown in a zone."""
    language = reading_language(language)
    tz = ZoneInfo(zone) if isinstance(zone, str) else zone
    start, end = starts_at.astimezone(tz), ends_at.astimezone(tz)
    dash = RANGE_SEPARATORS.get(language, " – ")
    opening = f"{long_date(start, language)}, {start:%H:%M}"
    if start.date() == end.date():
        return f"{opening}{dash}{end:%H:%M} {zone_label(end, language)}"
    closing = f"{long_date(end, language)}, {end:%H:%M}"
    return f"{opening} – {closing} {zone_label(end, language)}"


def event_when(event, language: str | None = None) -> str:
    """Return the event's date and time in its own zone, with the zone label."""
    return span(event.starts_at, event.ends_at, event.timezone, language)


def event_date(event, language: str | None = None) -> str:
    """Return the event's date in its own zone: '6 December 2023'."""
    return long_date(event.starts_at.astimezone(ZoneInfo(event.timezone)), language)


def isoformat_utc(moment: datetime) -> str:
    """Return the instant as ISO 8601 in UTC: '2023-12-06T07:30:00Z'."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def moment_in(moment: datetime, zone: str | ZoneInfo, language: str | None = None) -> str:
    """Return one instant in a zone: '1 December 2023, 09:00 CET'."""
    local = moment.astimezone(ZoneInfo(zone) if isinstance(zone, str) else zone)
    return f"{long_date(local, language)}, {local:%H:%M} {zone_label(local, language)}"


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


@cache
def zone_names() -> frozenset[str]:
    """Return the IANA time zone names this machine knows (read from disk once, not per call)."""
    return frozenset(available_timezones())
