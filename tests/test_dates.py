"""How dates and times are written: zone labels across daylight-saving changes."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from webinar.dates import compact_utc, isoformat_utc, long_date, moment_in, span, zone_label

BRUSSELS = ZoneInfo("Europe/Brussels")


def test_winter_talk_in_brussels_is_cet():
    starts = datetime(2023, 12, 6, 7, 30, tzinfo=UTC)
    ends = datetime(2023, 12, 6, 8, 45, tzinfo=UTC)
    assert span(starts, ends, "Europe/Brussels") == "6 December 2023, 08:30 – 09:45 CET"


def test_summer_talk_in_brussels_is_cest():
    starts = datetime(2024, 7, 4, 7, 30, tzinfo=UTC)
    ends = datetime(2024, 7, 4, 8, 45, tzinfo=UTC)
    assert span(starts, ends, "Europe/Brussels") == "4 July 2024, 09:30 – 10:45 CEST"


def test_label_changes_on_the_night_of_the_clock_change():
    # Clocks went forward at 01:00 UTC on 31 March 2024.
    assert zone_label(datetime(2024, 3, 31, 0, 59, tzinfo=UTC).astimezone(BRUSSELS)) == "CET"
    assert zone_label(datetime(2024, 3, 31, 1, 0, tzinfo=UTC).astimezone(BRUSSELS)) == "CEST"


def test_zone_without_an_abbreviation_shows_its_offset():
    moment = datetime(2024, 1, 10, 6, 0, tzinfo=UTC).astimezone(ZoneInfo("Asia/Dubai"))
    assert zone_label(moment) == "UTC+04:00"


def test_talk_across_midnight_names_both_days():
    starts = datetime(2024, 1, 10, 22, 0, tzinfo=UTC)
    ends = datetime(2024, 1, 11, 0, 30, tzinfo=UTC)
    assert span(starts, ends, "Europe/Brussels") == (
        "10 January 2024, 23:00 – 11 January 2024, 01:30 CET"
    )


def test_one_moment_in_a_zone():
    assert moment_in(datetime(2030, 1, 10, 8, 0, tzinfo=UTC), "Europe/Brussels") == (
        "10 January 2030, 09:00 CET"
    )


def test_single_digit_days_have_no_leading_zero():
    assert long_date(datetime(2023, 12, 6, tzinfo=UTC)) == "6 December 2023"


def test_utc_forms_for_pages_and_calendars():
    moment = datetime(2023, 12, 6, 8, 30, tzinfo=BRUSSELS)
    assert isoformat_utc(moment) == "2023-12-06T07:30:00Z"
    assert compact_utc(moment) == "20231206T073000Z"


WINTER_TALK = (datetime(2023, 12, 6, 7, 30, tzinfo=UTC), datetime(2023, 12, 6, 8, 45, tzinfo=UTC))


def test_winter_talk_in_french_and_german():
    assert span(*WINTER_TALK, "Europe/Brussels", "fr") == "6 décembre 2023, 08:30 – 09:45 CET"
    assert span(*WINTER_TALK, "Europe/Brussels", "de") == "6. Dezember 2023, 08:30–09:45 MEZ"


def test_german_summer_time_is_mesz():
    starts = datetime(2024, 7, 4, 7, 30, tzinfo=UTC)
    assert moment_in(starts, "Europe/Brussels", "de") == "4. Juli 2024, 09:30 MESZ"
    assert moment_in(starts, "Europe/Brussels", "fr") == "4 juillet 2024, 09:30 CEST"


def test_zone_without_a_cldr_short_name_keeps_its_abbreviation():
    assert span(*WINTER_TALK, "America/New_York", "fr") == "6 décembre 2023, 02:30 – 03:45 EST"
    assert span(*WINTER_TALK, "America/New_York", "en") == "6 December 2023, 02:30 – 03:45 EST"


def test_talk_across_midnight_in_german():
    starts = datetime(2024, 1, 10, 22, 0, tzinfo=UTC)
    ends = datetime(2024, 1, 11, 0, 30, tzinfo=UTC)
    assert span(starts, ends, "Europe/Brussels", "de") == (
        "10. Januar 2024, 23:00 – 11. Januar 2024, 01:30 MEZ"
    )
