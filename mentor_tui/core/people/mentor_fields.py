"""Checking what an admin typed about a mentor (SPEC 4.6): labels, whole numbers, teaching
styles, certification links, specializations and weekly availability windows. Each check returns
the clean value or raises one sentence."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import pairwise
from typing import Any
from urllib.parse import urlsplit

from mentor_tui.core.text import clean_line, has_control, skill_key
from mentor_tui.db.models import TEACHING_STYLES
from mentor_tui.errors import UserError

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MAX_LABEL = 80
MAX_URL = 500
HOURS_IN_WEEK = 168


def clean_label(value: str, what: str) -> str:
    """A short one-line label (a skill, an expertise area): trimmed and single-spaced."""
    if has_control(value) or "\n" in value:
        raise UserError(f"The {what} {clean_line(value)!r} contains control characters.")
    label = re.sub(r"\s+", " ", value).strip()
    if not label:
        raise UserError(f"A {what} cannot be empty.")
    if len(label) > MAX_LABEL:
        raise UserError(f"The {what} {label[:30]!r}... is longer than {MAX_LABEL} characters.")
    return label


def parse_list(text: str) -> list[str]:
    """'Python, SQL; data science' -> ['Python', 'SQL', 'data science'] (blanks dropped)."""
    return [part for part in re.split(r"[,;]", text) if part.strip()]


def check_whole(value: Any, what: str, low: int, high: int) -> int:
    if isinstance(value, str) and re.fullmatch(r"\s*-?\d+\s*", value):
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise UserError(f"The {what} must be a whole number, not {clean_line(str(value))!r}.")
    if not low <= value <= high:
        raise UserError(f"The {what} must be between {low} and {high}, not {value}.")
    return value


def check_style(style: str) -> str:
    style = style.strip().lower()
    if style not in TEACHING_STYLES:
        raise UserError(
            f"The teaching style {clean_line(style)!r} is not one of {', '.join(TEACHING_STYLES)}."
        )
    return style


def check_url(url: str | None) -> str | None:
    """A certification link: an http(s) address, or nothing."""
    if url is None or not url.strip():
        return None
    url = url.strip()
    parts = urlsplit(url)
    if (
        parts.scheme not in ("http", "https")
        or not parts.netloc
        or has_control(url)
        or re.search(r"\s", url)
        or len(url) > MAX_URL
    ):
        raise UserError(
            f"The certification URL {clean_line(url)[:60]!r} is not an http(s) address."
        )
    return url


@dataclass(frozen=True)
class SpecializationInput:
    name: str
    proficiency: int = 3
    verified: bool = False
    certification_url: str | None = None


def clean_specializations(
    specs: Iterable[SpecializationInput],
) -> list[SpecializationInput]:
    cleaned: dict[str, SpecializationInput] = {}
    for spec in specs:
        name = clean_label(spec.name, "specialization")
        if skill_key(name) in cleaned:
            raise UserError(f"The specialization {name!r} is listed twice.")
        cleaned[skill_key(name)] = SpecializationInput(
            name=name,
            proficiency=check_whole(spec.proficiency, f"proficiency of {name!r}", 1, 5),
            verified=bool(spec.verified),
            certification_url=check_url(spec.certification_url),
        )
    return list(cleaned.values())


_WINDOW = re.compile(
    r"^\s*(?P<day>[A-Za-z]+)\s+(?P<start>\d{1,2}:\d{2})\s*-\s*(?P<end>\d{1,2}:\d{2})\s*$"
)
DAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def _weekday(name: str) -> int | None:
    """0-6 for 'Mon' or 'monday' (any case), else None."""
    name = name.lower()
    for number, (short, full) in enumerate(zip(WEEKDAYS, DAY_NAMES, strict=True)):
        if name in (short.lower(), full):
            return number
    return None


def _clock_minutes(text: str) -> int:
    match = re.fullmatch(r"(\d{1,2}):(\d{2})", text.strip())
    if (
        not match
        or int(match[1]) > 24
        or int(match[2]) > 59
        or (int(match[1]) == 24 and int(match[2]))
    ):
        raise UserError(f"{clean_line(text)!r} is not a time of day; use HH:MM, such as 09:30.")
    return int(match[1]) * 60 + int(match[2])


def check_windows(windows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Weekly availability windows ``{"weekday": 0-6, "start": "HH:MM", "end": "HH:MM"}`` in the
    mentor's timezone: each ends after it starts and none overlaps another on its day."""
    cleaned = []
    for window in windows:
        try:
            weekday, start, end = window["weekday"], window["start"], window["end"]
        except (KeyError, TypeError):
            raise UserError("An availability window needs a weekday, a start and an end.") from None
        weekday = check_whole(weekday, "weekday of an availability window", 0, 6)
        low = _clock_minutes(str(start))
        high = _clock_minutes(str(end))
        if high <= low:
            raise UserError(
                f"The availability window {WEEKDAYS[weekday]} {start}-{end} ends before it starts."
            )
        cleaned.append((weekday, low, high))
    cleaned.sort()
    for (day_a, _, end_a), (day_b, start_b, _) in pairwise(cleaned):
        if day_a == day_b and start_b < end_a:
            raise UserError(f"Two availability windows overlap on {WEEKDAYS[day_a]}.")
    return [{"weekday": day, "start": _hhmm(low), "end": _hhmm(high)} for day, low, high in cleaned]


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def parse_availability(text: str) -> list[dict[str, Any]]:
    """'Mon 09:00-12:00, Wed 14:00-17:30' -> checked windows (empty text: none)."""
    windows = []
    for part in parse_list(text):
        match = _WINDOW.match(part)
        day = _weekday(match["day"]) if match else None
        if match is None or day is None:
            raise UserError(
                f"{clean_line(part.strip())!r} is not an availability window; "
                "use a weekday and hours such as 'Mon 09:00-12:00'."
            )
        windows.append({"weekday": day, "start": match["start"], "end": match["end"]})
    return check_windows(windows)


def format_availability(windows: Iterable[dict[str, Any]]) -> str:
    return ", ".join(f"{WEEKDAYS[int(w['weekday'])]} {w['start']}-{w['end']}" for w in windows)


__all__ = [
    "HOURS_IN_WEEK",
    "SpecializationInput",
    "check_style",
    "check_url",
    "check_whole",
    "check_windows",
    "clean_label",
    "clean_specializations",
    "format_availability",
    "parse_availability",
    "parse_list",
]
