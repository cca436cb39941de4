"""Days as a mentor types them: due dates of action items (issue 6).

``parse_day`` reads a calendar day relative to ``today`` (the mentor's today, in their own
timezone: ``today_in``). It takes

- ``YYYY-MM-DD`` (``2026-03-31``; one-digit months and days too);
- ``today``, ``tomorrow`` (``tmr``, ``tmrw``);
- ``+3d``, ``+2w``, ``+1m`` (days, weeks, months), also ``3 days``, ``in 2 weeks``;
  a month on from 31 January is the last day of February;
- a weekday, ``fri`` or ``friday``: the next one after today (``fri`` on a Friday is a week
  on; ``today`` is today);
- a day and month, ``13 mar`` or ``mar 13`` (optionally with a year): the next such day from
  today on.

``parse_due`` is the same, except that empty text, ``none``, ``clear`` or ``-`` mean "no due
date". Anything else is one sentence (``UserError``) naming the forms.
"""

from __future__ import annotations

import calendar
import re
from datetime import date, datetime, timedelta

from mentor_tui.core import clock
from mentor_tui.core.text import clean_line
from mentor_tui.errors import UserError

CLEAR_WORDS = frozenset({"", "none", "clear", "-"})
FORMS = "2026-03-31, today, tomorrow, +3d, +2w, fri or 13 mar"
SHOWN_CHARS = 40

WEEKDAYS = {
    name: number
    for number, names in enumerate(
        (
            ("mon", "monday"),
            ("tue", "tues", "tuesday"),
            ("wed", "weds", "wednesday"),
            ("thu", "thur", "thurs", "thursday"),
            ("fri", "friday"),
            ("sat", "saturday"),
            ("sun", "sunday"),
        )
    )
    for name in names
}
MONTHS = {
    **{calendar.month_abbr[number].lower(): number for number in range(1, 13)},
    **{calendar.month_name[number].lower(): number for number in range(1, 13)},
    "sept": 9,
}
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_OFFSET = re.compile(
    r"(?P<plus>\+|in\s+)?(?P<count>\d{1,6})\s*"
    r"(?P<unit>d|days?|w|wks?|weeks?|m|mos?|months?)?"
)
_DAY_MONTH = re.compile(r"(?P<day>\d{1,2})\s+(?P<month>[a-z]+)\.?(?:\s+(?P<year>\d{4}))?")
_MONTH_DAY = re.compile(r"(?P<month>[a-z]+)\.?\s+(?P<day>\d{1,2})(?:,?\s+(?P<year>\d{4}))?")
_LEAP_SEARCH_YEARS = 8  # 29 February comes round within eight years (2096 -> 2104)


def today_in(tz_name: str, now: datetime | None = None) -> date:
    """The calendar day it is in ``tz_name`` at ``now`` (default: this moment)."""
    return clock.to_local(now or clock.now(), tz_name).date()


def _shown(text: str) -> str:
    line = clean_line(text.strip())
    return line if len(line) <= SHOWN_CHARS else line[: SHOWN_CHARS - 1] + "…"


def _not_a_day(text: str) -> UserError:
    return UserError(f"A due date looks like {FORMS}, not {_shown(text)!r}.")


def _calendar_day(year: int, month: int, day: int) -> date:
    """The day, or one sentence saying why there is no such day."""
    if not 1 <= month <= 12:
        raise UserError(f"There is no month {month}; months run from 1 to 12.")
    if not 1 <= year <= 9999:
        raise UserError(f"The year {year} is out of range; use a year from 1 to 9999.")
    last = calendar.monthrange(year, month)[1]
    if not 1 <= day <= last:
        raise UserError(
            f"There is no {day} {calendar.month_name[month]} {year}; "
            f"{calendar.month_name[month]} {year} has {last} days."
        )
    return date(year, month, day)


def add_months(day: date, months: int) -> date:
    """``months`` calendar months after ``day``, on the last day of a shorter month."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    if not 1 <= year <= 9999:
        raise OverflowError(year)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def _offset(count: int, unit: str, today: date) -> date:
    if unit.startswith("m"):
        return add_months(today, count)
    return today + timedelta(days=count * (7 if unit.startswith("w") else 1))


def _day_of_month(day: int, month: int, year: int | None, today: date) -> date:
    if year is not None:
        return _calendar_day(year, month, day)
    if not 1 <= day <= calendar.monthrange(2000, month)[1]:  # 2000: a leap year
        raise UserError(
            f"There is no {day} {calendar.month_name[month]}; "
            f"{calendar.month_name[month]} has at most "
            f"{calendar.monthrange(2000, month)[1]} days."
        )
    for candidate_year in range(today.year, today.year + _LEAP_SEARCH_YEARS + 1):
        if candidate_year > 9999:
            break
        if day <= calendar.monthrange(candidate_year, month)[1]:
            candidate = date(candidate_year, month, day)
            if candidate >= today:
                return candidate
    raise OverflowError(day)


def parse_day(text: str, today: date) -> date:
    """The day ``text`` names, counted from ``today``; one sentence if it names none."""
    if not isinstance(text, str):
        raise UserError("A due date must be text such as 2026-03-31.")
    phrase = " ".join(text.strip().lower().split())
    try:
        return _parse(phrase, today, text)
    except OverflowError:
        raise UserError(
            f"{_shown(text)!r} is too far away; a due date must fall before the year 10000."
        ) from None


def _parse(phrase: str, today: date, text: str) -> date:
    if match := _ISO.fullmatch(phrase):
        year, month, day = (int(part) for part in match.groups())
        return _calendar_day(year, month, day)
    if phrase == "today":
        return today
    if phrase in {"tomorrow", "tmr", "tmrw"}:
        return today + timedelta(days=1)
    if phrase.rstrip(".") in WEEKDAYS:
        ahead = (WEEKDAYS[phrase.rstrip(".")] - today.weekday() - 1) % 7 + 1
        return today + timedelta(days=ahead)
    if (match := _OFFSET.fullmatch(phrase)) and (match["plus"] or match["unit"]):
        return _offset(int(match["count"]), match["unit"] or "d", today)
    for pattern in (_DAY_MONTH, _MONTH_DAY):
        match = pattern.fullmatch(phrase)
        if match and match["month"] in MONTHS:
            given = int(match["year"]) if match["year"] else None
            return _day_of_month(int(match["day"]), MONTHS[match["month"]], given, today)
    raise _not_a_day(text)


def parse_due(text: str, today: date) -> date | None:
    """A due date as typed, or ``None`` for empty text, ``none``, ``clear`` or ``-``."""
    if isinstance(text, str) and text.strip().lower() in CLEAR_WORDS:
        return None
    return parse_day(text, today)


def days_until(day: date, today: date) -> int:
    """Whole days from ``today`` to ``day`` (negative when it is past)."""
    return (day - today).days


def describe_day(day: date, today: date) -> str:
    """'today', 'tomorrow', 'yesterday', 'in 5 days', '3 days ago'."""
    days = days_until(day, today)
    if days == 0:
        return "today"
    if days == 1:
        return "tomorrow"
    if days == -1:
        return "yesterday"
    return f"in {days} days" if days > 0 else f"{-days} days ago"


__all__ = [
    "CLEAR_WORDS",
    "FORMS",
    "add_months",
    "days_until",
    "describe_day",
    "parse_day",
    "parse_due",
    "today_in",
]
