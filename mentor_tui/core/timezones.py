"""Wall-clock times people type, read in a named timezone, with daylight-saving changes handled
honestly: a local time skipped when the clocks go forward "does not exist", one that happens
twice when they go back "is ambiguous", and either refusal names valid times to use instead.
"""

from __future__ import annotations

import calendar
import re
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from mentor_tui.core.clock import shown_zone, zone
from mentor_tui.core.text import clean_line
from mentor_tui.errors import UserError

WALL_FORMAT = "%Y-%m-%d %H:%M"
DATE_FORMAT = "%Y-%m-%d"

_WALL = re.compile(
    r"^\s*(?P<day>\d{4}-\d{1,2}-\d{1,2})[ T]+(?P<clock>\d{1,2}:\d{2})"
    r"\s*(?P<offset>Z|[+-]\d{1,2}:?\d{2})?\s*$",
    re.IGNORECASE,
)


class NonexistentLocalTime(UserError):
    """A wall-clock time skipped by a daylight-saving change (the clocks went forward)."""

    def __init__(
        self,
        wall: datetime,
        tz_name: str,
        suggestions: tuple[datetime, datetime],
        jump: tuple[datetime, datetime],
    ) -> None:
        self.wall = wall
        self.tz_name = tz_name
        self.suggestions = suggestions  # aware, in the zone: just before and just after the gap
        before, after = jump
        super().__init__(
            f"{wall:{WALL_FORMAT}} does not exist in {tz_name}: the clocks go forward from "
            f"{before:%H:%M} to {after:%H:%M} that day; try {suggestions[0]:{WALL_FORMAT}} or "
            f"{suggestions[1]:{WALL_FORMAT}}."
        )


class AmbiguousLocalTime(UserError):
    """A wall-clock time that happens twice because the clocks went back."""

    def __init__(
        self,
        wall: datetime,
        tz_name: str,
        choices: tuple[datetime, datetime],
        jump: tuple[datetime, datetime],
    ) -> None:
        self.wall = wall
        self.tz_name = tz_name
        self.choices = choices  # aware, in the zone: the first and the second occurrence
        first, second = choices
        before, after = jump
        super().__init__(
            f"{wall:{WALL_FORMAT}} is ambiguous in {tz_name}: it happens twice as the clocks go "
            f"back from {before:%H:%M} to {after:%H:%M}; say {with_offset(first)} "
            f"({zone_label(first)}, the first) or {with_offset(second)} "
            f"({zone_label(second)}, the second)."
        )


AMBIGUOUS_ABBREVIATIONS = frozenset({"CDT", "CST", "IST", "PST"})
"""Abbreviations the time zone database gives to zones of different offsets at the same time
(PST: Los Angeles in winter and Manila; IST: Kolkata, Jerusalem and Dublin; CST: Chicago,
Shanghai and Havana). A test recomputes the set from the installed database."""


def zone_label(local: datetime) -> str:
    """How a time zone is named beside a wall time: its abbreviation where that names one
    offset only ('CET', 'JST', 'EDT'), else the offset ('UTC+8' for Manila, whose 'PST' is also
    California's; 'UTC-3' where the database has only '-03'; 'UTC+5:30' for Kolkata)."""
    name = local.tzname() or ""
    if name.isalpha() and name.isupper() and name not in AMBIGUOUS_ABBREVIATIONS:
        return name
    minutes = int((local.utcoffset() or timedelta(0)).total_seconds()) // 60
    if not minutes:
        return "UTC"
    hours, mins = divmod(abs(minutes), 60)
    return f"UTC{'-' if minutes < 0 else '+'}{hours}" + (f":{mins:02d}" if mins else "")


def with_offset(moment: datetime) -> str:
    """'2025-10-26 02:30+02:00': a wall time that names its own offset, so it is never
    ambiguous; ``parse_local`` accepts it back."""
    return f"{moment:{WALL_FORMAT}}{format_offset(moment.utcoffset() or timedelta(0))}"


def format_offset(offset: timedelta) -> str:
    minutes = int(offset.total_seconds()) // 60
    sign = "-" if minutes < 0 else "+"
    hours, mins = divmod(abs(minutes), 60)
    return f"{sign}{hours:02d}:{mins:02d}"


def _offset_from_text(text: str) -> timedelta:
    if text.upper() == "Z":
        return timedelta(0)
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    hours, mins = int(digits[:-2]), int(digits[-2:])
    if hours > 23 or mins > 59:
        raise ValueError(text)
    return sign * timedelta(hours=hours, minutes=mins)


def parse_wall(text: str) -> tuple[datetime, timedelta | None]:
    """'YYYY-MM-DD HH:MM' with an optional offset ('+02:00', 'Z') -> (naive wall time, offset)."""
    match = _WALL.match(text or "")
    try:
        if match is None:
            raise ValueError(text)
        wall = datetime.strptime(f"{match['day']} {match['clock']}", WALL_FORMAT)
        offset = _offset_from_text(match["offset"]) if match["offset"] else None
    except ValueError:
        wrong = _wrong_part(match["day"], match["clock"]) if match else ""
        raise UserError(
            f"'{clean_line(text)}' is not a date and time{wrong}; use YYYY-MM-DD HH:MM, "
            f"for example 2025-03-04 14:30."
        ) from None
    return wall, offset


def _wrong_part(day: str, clock: str) -> str:
    """Which part of a well-shaped 'YYYY-MM-DD HH:MM' is out of range, as a clause."""
    year, month, dom = (int(x) for x in day.split("-"))
    hour, minute = (int(x) for x in clock.split(":"))
    if not 1 <= month <= 12:
        return f" (there is no month {month})"
    if dom < 1 or dom > calendar.monthrange(max(year, 1), month)[1]:
        return f" ({calendar.month_name[month]} {year} has no day {dom})"
    if hour > 23:
        return f" (the hour {hour} is past 23)"
    if minute > 59:
        return f" (the minute {minute} is past 59)"
    return " (the offset is not a UTC offset)"


def parse_day(text: str) -> date:
    """'YYYY-MM-DD' -> a date, or one clear sentence."""
    try:
        if not re.fullmatch(r"\s*\d{4}-\d{1,2}-\d{1,2}\s*", text or ""):
            raise ValueError(text)
        return datetime.strptime(text.strip(), DATE_FORMAT).date()
    except ValueError:
        raise UserError(
            f"'{clean_line(text)}' is not a date; use YYYY-MM-DD, for example 2025-03-04."
        ) from None


def _round_trips(candidate: datetime) -> bool:
    back = candidate.astimezone(UTC).astimezone(candidate.tzinfo)
    return back.replace(tzinfo=None) == candidate.replace(tzinfo=None)


def _transition(tz: tzinfo, lo: datetime, hi: datetime) -> datetime:
    """The first UTC instant in (lo, hi] whose offset in ``tz`` is hi's (offsets differ)."""
    target = hi.astimezone(tz).utcoffset()
    while hi - lo > timedelta(seconds=1):
        mid = lo + (hi - lo) / 2
        if mid.astimezone(tz).utcoffset() == target:
            hi = mid
        else:
            lo = mid
    return hi.replace(microsecond=0)


def localize(
    wall: datetime, tz_name: str, *, offset: timedelta | None = None, fold: int | None = None
) -> datetime:
    """The aware moment a naive wall time means in ``tz_name``.

    Refuses a time skipped by a DST change (``NonexistentLocalTime``) and, unless ``offset`` or
    ``fold`` (0 the first, 1 the second) picks one, a time that happens twice
    (``AmbiguousLocalTime``). An ``offset`` the zone does not use at that time is refused too.
    """
    tz = zone(tz_name)
    wall = wall.replace(tzinfo=None)
    first = wall.replace(tzinfo=tz, fold=0)
    second = wall.replace(tzinfo=tz, fold=1)
    first_ok, second_ok = _round_trips(first), _round_trips(second)
    if not first_ok and not second_ok:
        earlier, later = sorted(
            (first.astimezone(UTC), second.astimezone(UTC))
        )  # the gap lies between these two instants
        moment = _transition(tz, earlier, later)
        old = earlier.astimezone(tz).utcoffset() or timedelta(0)
        new = moment.astimezone(tz).utcoffset() or timedelta(0)
        jump = ((moment + old).replace(tzinfo=None), (moment + new).replace(tzinfo=None))
        suggestions = (earlier.astimezone(tz), later.astimezone(tz))
        raise NonexistentLocalTime(wall, tz_name, suggestions, jump)
    ambiguous = first.utcoffset() != second.utcoffset() and first_ok and second_ok
    if offset is not None:
        for candidate in (first, second):
            if candidate.utcoffset() == offset and _round_trips(candidate):
                return candidate
        used = sorted({format_offset(c.utcoffset() or timedelta(0)) for c in (first, second)})
        raise UserError(
            f"{wall:{WALL_FORMAT}}{format_offset(offset)} is not a time in {tz_name}, "
            f"whose offset then is {' or '.join(used)}."
        )
    if not ambiguous:
        return first
    if fold is not None:
        return second if fold else first
    earlier_utc, later_utc = first.astimezone(UTC), second.astimezone(UTC)
    moment = _transition(tz, earlier_utc, later_utc)
    old = first.utcoffset() or timedelta(0)
    new = second.utcoffset() or timedelta(0)
    jump = ((moment + old).replace(tzinfo=None), (moment + new).replace(tzinfo=None))
    raise AmbiguousLocalTime(wall, tz_name, (first, second), jump)


def parse_local(text: str, tz_name: str) -> datetime:
    """A typed 'YYYY-MM-DD HH:MM' (optionally with an offset) in ``tz_name`` as an aware UTC
    moment; DST gaps and overlaps are refused with the valid alternatives."""
    zone(tz_name)  # an unknown zone is the first thing to say
    wall, offset = parse_wall(text)
    return localize(wall, tz_name, offset=offset).astimezone(UTC)


def wall_in_zone(day: date, clock: time, tz_name: str) -> datetime:
    """Where a recurring wall time (an availability window edge) lands on ``day``, in UTC.

    Never refuses: a skipped time moves forward by the gap (02:30 -> 03:30), a repeated time
    takes its first occurrence, as calendars do for recurring events."""
    tz = zone(tz_name)
    return datetime.combine(day, clock).replace(tzinfo=tz, fold=0).astimezone(UTC)


def day_bounds(first: date, last: date, tz_name: str) -> tuple[datetime, datetime]:
    """[start of ``first``, start of the day after ``last``) in ``tz_name``, as UTC instants;
    a midnight skipped by DST starts the day at the first instant that exists."""
    if last < first:
        raise UserError(f"The range ends ({last}) before it starts ({first}).")
    return wall_in_zone(first, time(0), tz_name), wall_in_zone(
        last + timedelta(days=1), time(0), tz_name
    )


def format_moment(moment: datetime, tz_name: str) -> str:
    """'Tue 2025-03-04 10:00 CET': a moment as wall time in ``tz_name``."""
    local = moment.astimezone(zone(tz_name))
    return f"{local:%a %Y-%m-%d %H:%M} {zone_label(local)}"


def format_span(start: datetime, minutes: int, tz_name: str) -> str:
    """'Tue 2025-03-04 10:00-11:00 CET', or both ends in full when the span crosses midnight
    or a change of offset. A zone this machine does not know shows UTC."""
    tz = shown_zone(tz_name)
    begin = start.astimezone(tz)
    end = (start.astimezone(UTC) + timedelta(minutes=minutes)).astimezone(tz)
    unknown = ""
    if tz is UTC and zone_or_none(tz_name) is None:
        unknown = f" (unknown time zone {clean_line(tz_name)!r})"
    if begin.date() == end.date() and begin.utcoffset() == end.utcoffset():
        return f"{begin:%a %Y-%m-%d %H:%M}-{end:%H:%M} {zone_label(begin)}{unknown}"
    return (
        f"{begin:%a %Y-%m-%d %H:%M} {zone_label(begin)} - "
        f"{end:%a %Y-%m-%d %H:%M} {zone_label(end)}{unknown}"
    )


def zone_or_none(tz_name: str) -> tzinfo | None:
    """``tz_name``'s zone, or None when this machine does not know it."""
    try:
        return zone(tz_name)
    except (UserError, TypeError, OSError):
        return None


__all__ = [
    "AMBIGUOUS_ABBREVIATIONS",
    "DATE_FORMAT",
    "WALL_FORMAT",
    "AmbiguousLocalTime",
    "NonexistentLocalTime",
    "day_bounds",
    "format_moment",
    "format_offset",
    "format_span",
    "localize",
    "parse_day",
    "parse_local",
    "parse_wall",
    "wall_in_zone",
    "with_offset",
    "zone_label",
    "zone_or_none",
]
