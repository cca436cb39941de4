"""Wall-clock times read in a timezone: DST gaps ("does not exist") and overlaps ("is
ambiguous") in zones north and south, whole-hour and half-hour, with the valid times offered."""

from __future__ import annotations

import zoneinfo
from datetime import UTC, date, datetime, timedelta

import pytest

from mentor_tui.core.timezones import (
    AMBIGUOUS_ABBREVIATIONS,
    AmbiguousLocalTime,
    NonexistentLocalTime,
    day_bounds,
    format_span,
    localize,
    parse_day,
    parse_local,
    parse_wall,
    wall_in_zone,
    zone_label,
)
from mentor_tui.errors import UserError


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)  # type: ignore[misc]


# zone, a wall time in the spring-forward gap, the suggested times, where the clocks jump
GAPS = [
    (
        "Europe/Berlin",
        "2025-03-30 02:30",
        ("2025-03-30 01:30", "2025-03-30 03:30"),
        ("02:00", "03:00"),
    ),
    (
        "America/New_York",
        "2025-03-09 02:15",
        ("2025-03-09 01:15", "2025-03-09 03:15"),
        ("02:00", "03:00"),
    ),
    (
        "Australia/Lord_Howe",
        "2025-10-05 02:10",
        ("2025-10-05 01:40", "2025-10-05 02:40"),
        ("02:00", "02:30"),
    ),
    (
        "Australia/Sydney",
        "2025-10-05 02:30",
        ("2025-10-05 01:30", "2025-10-05 03:30"),
        ("02:00", "03:00"),
    ),
    (
        "America/Santiago",
        "2025-09-07 00:30",
        ("2025-09-06 23:30", "2025-09-07 01:30"),
        ("00:00", "01:00"),
    ),
]

# zone, a wall time that happens twice, its first and second UTC moments
OVERLAPS = [
    ("Europe/Berlin", "2025-10-26 02:30", utc(2025, 10, 26, 0, 30), utc(2025, 10, 26, 1, 30)),
    ("America/New_York", "2025-11-02 01:30", utc(2025, 11, 2, 5, 30), utc(2025, 11, 2, 6, 30)),
    ("Australia/Lord_Howe", "2025-04-06 01:45", utc(2025, 4, 5, 14, 45), utc(2025, 4, 5, 15, 15)),
    ("Australia/Sydney", "2025-04-06 02:30", utc(2025, 4, 5, 15, 30), utc(2025, 4, 5, 16, 30)),
    ("America/Santiago", "2025-04-05 23:30", utc(2025, 4, 6, 2, 30), utc(2025, 4, 6, 3, 30)),
]


@pytest.mark.parametrize(("tz", "wall", "suggested", "jump"), GAPS)
def test_a_time_in_the_gap_does_not_exist_and_the_times_around_it_are_offered(
    tz: str, wall: str, suggested: tuple[str, str], jump: tuple[str, str]
) -> None:
    with pytest.raises(NonexistentLocalTime) as caught:
        parse_local(wall, tz)
    message = str(caught.value)
    assert message.startswith(f"{wall} does not exist in {tz}:")
    assert f"from {jump[0]} to {jump[1]}" in message
    assert f"try {suggested[0]} or {suggested[1]}." in message
    assert message.count(".") == 1, "one sentence"
    offered = [f"{m:%Y-%m-%d %H:%M}" for m in caught.value.suggestions]
    assert offered == list(suggested)
    for text in suggested:  # each suggestion is itself a valid, unambiguous time
        parse_local(text, tz)


@pytest.mark.parametrize(("tz", "wall", "first", "second"), OVERLAPS)
def test_a_repeated_time_is_ambiguous_until_an_offset_says_which(
    tz: str, wall: str, first: datetime, second: datetime
) -> None:
    with pytest.raises(AmbiguousLocalTime) as caught:
        parse_local(wall, tz)
    message = str(caught.value)
    assert message.startswith(f"{wall} is ambiguous in {tz}: it happens twice")
    one, two = caught.value.choices
    assert (one.astimezone(UTC), two.astimezone(UTC)) == (first, second)
    # The sentence names both spellings, and each is accepted back as the moment it names.
    early, late = (c.strftime("%Y-%m-%d %H:%M") + _offset(c) for c in (one, two))
    assert early in message and late in message
    assert parse_local(early, tz) == first
    assert parse_local(late, tz) == second
    assert localize(parse_wall(wall)[0], tz, fold=1).astimezone(UTC) == second


def _offset(moment: datetime) -> str:
    minutes = int(moment.utcoffset().total_seconds()) // 60  # type: ignore[union-attr]
    sign = "-" if minutes < 0 else "+"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def test_ordinary_times_read_in_their_zone() -> None:
    assert parse_local("2025-07-01 09:00", "Europe/Berlin") == utc(2025, 7, 1, 7)
    assert parse_local("2025-07-01 09:00", "Australia/Lord_Howe") == utc(2025, 6, 30, 22, 30)
    assert parse_local("2025-01-15 09:00", "Australia/Lord_Howe") == utc(2025, 1, 14, 22)
    assert parse_local("2025-07-01T09:00", "America/Santiago") == utc(2025, 7, 1, 13)
    # just before and just after a gap are fine
    assert parse_local("2025-03-30 01:59", "Europe/Berlin") == utc(2025, 3, 30, 0, 59)
    assert parse_local("2025-03-30 03:00", "Europe/Berlin") == utc(2025, 3, 30, 1, 0)


def test_an_offset_the_zone_does_not_use_is_refused() -> None:
    with pytest.raises(
        UserError,
        match=r"is not a time in America/New_York, whose offset then "
        r"is -04:00 or -05:00\.$",
    ):
        parse_local("2025-11-02 01:30+01:00", "America/New_York")
    with pytest.raises(UserError, match=r"whose offset then is \+02:00\.$"):
        parse_local("2025-07-01 10:00-05:00", "Europe/Berlin")


@pytest.mark.parametrize(
    ("text", "what"),
    [
        ("tomorrow 10am", ""),
        ("2025-02-30 10:00", " (February 2025 has no day 30)"),
        ("2025-00-10 10:00", " (there is no month 0)"),
        ("2025-01-01", ""),
        ("2025-01-01 25:00", " (the hour 25 is past 23)"),
        ("2025-01-01 10:60", " (the minute 60 is past 59)"),
        ("2025-01-01 10:00+25:00", " (the offset is not a UTC offset)"),
        ("", ""),
        ("2025-1-1 9", ""),
    ],
)
def test_a_bad_date_is_one_sentence_naming_the_wrong_part(text: str, what: str) -> None:
    with pytest.raises(UserError) as caught:
        parse_local(text, "UTC")
    assert str(caught.value) == (
        f"'{text}' is not a date and time{what}; use YYYY-MM-DD HH:MM, for example 2025-03-04 14:30."
    )


def test_control_characters_in_bad_input_do_not_reach_the_message() -> None:
    with pytest.raises(UserError) as caught:
        parse_local("\x1b[31m2025\x07", "UTC")
    assert "\x1b" not in str(caught.value) and "\x07" not in str(caught.value)


def test_an_unknown_timezone_is_named_before_the_time_is_read() -> None:
    with pytest.raises(UserError, match=r"^Unknown timezone 'Mars/Olympus'"):
        parse_local("not even a date", "Mars/Olympus")


def test_days_and_their_bounds_across_dst() -> None:
    assert parse_day("2025-03-04") == date(2025, 3, 4)
    with pytest.raises(UserError, match=r"^'2025-13-01' is not a date; use YYYY-MM-DD"):
        parse_day("2025-13-01")
    start, end = day_bounds(date(2025, 3, 30), date(2025, 3, 30), "Europe/Berlin")
    assert end - start == timedelta(hours=23)  # the short day
    start, end = day_bounds(date(2025, 10, 26), date(2025, 10, 26), "Europe/Berlin")
    assert end - start == timedelta(hours=25)  # the long day
    # In Santiago midnight itself is skipped in September: the day starts at 01:00 -03.
    start, _ = day_bounds(date(2025, 9, 7), date(2025, 9, 7), "America/Santiago")
    assert start == utc(2025, 9, 7, 4)
    with pytest.raises(UserError, match="ends"):
        day_bounds(date(2025, 3, 5), date(2025, 3, 4), "UTC")


def test_recurring_wall_times_never_refuse() -> None:
    from datetime import time

    # 02:30 does not exist in Berlin on 30 March: it moves forward by the gap, as calendars do
    assert wall_in_zone(date(2025, 3, 30), time(2, 30), "Europe/Berlin") == utc(2025, 3, 30, 1, 30)
    # 02:30 happens twice on 26 October: the first occurrence
    assert wall_in_zone(date(2025, 10, 26), time(2, 30), "Europe/Berlin") == utc(
        2025, 10, 26, 0, 30
    )


def test_spans_read_in_the_viewers_zone() -> None:
    start = utc(2025, 3, 4, 9)
    assert format_span(start, 60, "Europe/Berlin") == "Tue 2025-03-04 10:00-11:00 CET"
    # IST is also Jerusalem's and Dublin's, PST also California's: the offset says which
    assert format_span(start, 60, "Asia/Kolkata") == "Tue 2025-03-04 14:30-15:30 UTC+5:30"
    assert format_span(start, 60, "Asia/Manila") == "Tue 2025-03-04 17:00-18:00 UTC+8"
    assert format_span(start, 60, "America/Los_Angeles") == "Tue 2025-03-04 01:00-02:00 UTC-8"
    # where the database has no abbreviation ('-03'), the offset too; 'JST' names one offset
    assert format_span(start, 60, "America/Sao_Paulo") == "Tue 2025-03-04 06:00-07:00 UTC-3"
    assert format_span(start, 60, "Asia/Tokyo") == "Tue 2025-03-04 18:00-19:00 JST"
    assert format_span(start, 60, "UTC") == "Tue 2025-03-04 09:00-10:00 UTC"
    # a zone pulled from elsewhere that this machine does not know: shown in UTC, and said so
    assert format_span(start, 60, "Mars/Olympus\x1b") == (
        "Tue 2025-03-04 09:00-10:00 UTC (unknown time zone 'Mars/Olympus\ufffd')"
    )
    assert (
        format_span(utc(2025, 3, 4, 22, 30), 60, "Europe/Berlin")
        == "Tue 2025-03-04 23:30 CET - Wed 2025-03-05 00:30 CET"
    )
    # a session across the spring-forward change shows both offsets
    assert (
        format_span(utc(2025, 3, 30, 0, 30), 60, "Europe/Berlin")
        == "Sun 2025-03-30 01:30 CET - Sun 2025-03-30 03:30 CEST"
    )


def test_the_ambiguous_abbreviations_are_those_of_the_installed_zone_database() -> None:
    """Every abbreviation the database gives, at the same moment, to zones of different offsets
    (in January and in July, so both hemispheres' summer and winter names are seen)."""
    offsets: dict[str, set[timedelta | None]] = {}
    for name in zoneinfo.available_timezones():
        try:
            tz = zoneinfo.ZoneInfo(name)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            continue
        for month in (1, 7):
            local = utc(2026, month, 15, 12).astimezone(tz)
            offsets.setdefault(local.tzname() or "", set()).add(local.utcoffset())
    clashing = {abbreviation for abbreviation, seen in offsets.items() if len(seen) > 1}
    assert clashing == AMBIGUOUS_ABBREVIATIONS


def test_zone_label_names_the_offset_when_the_abbreviation_would_not() -> None:
    assert zone_label(utc(2026, 7, 1, 12).astimezone(zoneinfo.ZoneInfo("Europe/Berlin"))) == "CEST"
    assert zone_label(utc(2026, 7, 1, 12).astimezone(zoneinfo.ZoneInfo("America/Chicago"))) == (
        "UTC-5"
    )
    assert zone_label(utc(2026, 7, 1, 12).astimezone(zoneinfo.ZoneInfo("Asia/Kathmandu"))) == (
        "UTC+5:45"
    )
