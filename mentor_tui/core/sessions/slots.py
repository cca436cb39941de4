"""Find a slot: the next free times for a session, from the mentor's and the students' weekly
availability windows (each in their own timezone) and everyone's existing sessions.

A window is ``{"weekday": 0-6 (Monday 0), "start": "HH:MM", "end": "HH:MM"}`` in its owner's
timezone; ``end`` may be "24:00", and an end before the start runs past midnight into the next
day. On a daylight-saving change a window keeps its wall-clock edges (a window 01:00-04:00 on
the night the clocks go forward is two hours long). Someone with no windows at all does not
constrain the search; at least one person in the session must have some.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import select
from sqlmodel import Session

from mentor_tui.config import Config
from mentor_tui.core import clock, writes
from mentor_tui.core.access import Actor, find_student, live
from mentor_tui.core.sessions.rules import (
    MAX_DURATION_MINUTES,
    NOT_BOOKED,
    check_duration,
    ends_at,
    resolve_parties,
)
from mentor_tui.core.text import clean_line
from mentor_tui.core.timezones import wall_in_zone
from mentor_tui.db.models import MentorProfile, MentorshipSession, SessionAttendee, User
from mentor_tui.db.session_models import StudentAvailability
from mentor_tui.errors import AccessDenied, UserError

DEFAULT_HORIZON_DAYS = 28
DEFAULT_STEP_MINUTES = 30
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

Interval = tuple[datetime, datetime]

_CLOCK = re.compile(r"^(\d{1,2}):(\d{2})$")


@dataclass(frozen=True)
class Window:
    weekday: int
    start_minute: int  # minutes after local midnight
    end_minute: int  # may exceed 1440 when the window runs past midnight

    def to_json(self) -> dict[str, Any]:
        end = self.end_minute % (24 * 60) if self.end_minute != 24 * 60 else 24 * 60
        return {
            "weekday": self.weekday,
            "start": _clock_text(self.start_minute),
            "end": _clock_text(end),
        }


@dataclass(frozen=True)
class Slot:
    starts_at: datetime  # aware UTC
    duration_minutes: int

    @property
    def ends_at(self) -> datetime:
        return self.starts_at + timedelta(minutes=self.duration_minutes)


def _clock_text(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def _minute_of(text: Any, where: str) -> int:
    match = _CLOCK.match(str(text).strip()) if isinstance(text, str) else None
    if match is None:
        raise UserError(f"{where}: '{clean_line(str(text))[:20]}' is not a time of day (HH:MM).")
    hours, minutes = int(match[1]), int(match[2])
    if minutes > 59 or hours > 24 or (hours == 24 and minutes):
        raise UserError(f"{where}: '{clean_line(text)}' is not a time of day (HH:MM).")
    return hours * 60 + minutes


def parse_windows(raw: Sequence[Any]) -> list[Window]:
    """Check stored or typed windows; one sentence naming the first bad one."""
    if not isinstance(raw, list | tuple):
        raise UserError("Availability is a list of weekly windows.")
    windows = []
    for number, item in enumerate(raw, start=1):
        where = f"Availability window {number}"
        if not isinstance(item, dict):
            raise UserError(f"{where} is not a weekday with a start and an end.")
        weekday = item.get("weekday")
        if isinstance(weekday, bool) or not isinstance(weekday, int) or not 0 <= weekday <= 6:
            raise UserError(f"{where}: the weekday is 0 (Monday) to 6 (Sunday), not {weekday!r}.")
        start = _minute_of(item.get("start"), where)
        end = _minute_of(item.get("end"), where)
        if start == 24 * 60:
            raise UserError(f"{where} cannot start at 24:00.")
        if end == start:
            raise UserError(f"{where} starts and ends at the same time.")
        windows.append(Window(weekday, start, end if end > start else end + 24 * 60))
    return windows


def intervals_from_windows(
    windows: Sequence[Window], tz_name: str, start: datetime, end: datetime
) -> list[Interval]:
    """The UTC intervals inside [start, end) that ``windows`` (wall clock in ``tz_name``) cover."""
    zone = clock.zone(tz_name)
    first = start.astimezone(zone).date() - timedelta(days=1)
    last = end.astimezone(zone).date()
    found: list[Interval] = []
    day = first
    while day <= last:
        for w in windows:
            if w.weekday != day.weekday():
                continue
            begin = _wall(day, w.start_minute, tz_name)
            finish = _wall(day, w.end_minute, tz_name)
            begin, finish = max(begin, start), min(finish, end)
            if begin < finish:
                found.append((begin, finish))
        day += timedelta(days=1)
    return merge(found)


def _wall(day: date, minute: int, tz_name: str) -> datetime:
    days, minute = divmod(minute, 24 * 60)
    return wall_in_zone(day + timedelta(days=days), time(minute // 60, minute % 60), tz_name)


def merge(intervals: Sequence[Interval]) -> list[Interval]:
    merged: list[Interval] = []
    for begin, finish in sorted(intervals):
        if merged and begin <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], finish))
        else:
            merged.append((begin, finish))
    return merged


def intersect(a: Sequence[Interval], b: Sequence[Interval]) -> list[Interval]:
    out: list[Interval] = []
    i = j = 0
    while i < len(a) and j < len(b):
        begin, finish = max(a[i][0], b[j][0]), min(a[i][1], b[j][1])
        if begin < finish:
            out.append((begin, finish))
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return out


def subtract(free: Sequence[Interval], busy: Sequence[Interval]) -> list[Interval]:
    out: list[Interval] = []
    blocks = merge(busy)
    for begin, finish in free:
        cursor = begin
        for b_start, b_end in blocks:
            if b_end <= cursor or b_start >= finish:
                continue
            if b_start > cursor:
                out.append((cursor, b_start))
            cursor = max(cursor, b_end)
        if cursor < finish:
            out.append((cursor, finish))
    return out


def _busy(
    s: Session, mentor_id: str, student_ids: Sequence[str], start: datetime, end: datetime
) -> list[Interval]:
    """Every not-cancelled session of the mentor or any student overlapping [start, end),
    whichever mentor holds it."""
    window = (
        live(MentorshipSession),
        MentorshipSession.status.not_in(NOT_BOOKED),
        MentorshipSession.starts_at < end,
        MentorshipSession.starts_at >= start - timedelta(minutes=MAX_DURATION_MINUTES),
    )
    rows = list(
        s.execute(
            select(MentorshipSession).where(*window, MentorshipSession.mentor_id == mentor_id)
        ).scalars()
    )
    if student_ids:
        rows += list(
            s.execute(
                select(MentorshipSession)
                .join(SessionAttendee, SessionAttendee.session_id == MentorshipSession.id)
                .where(*window, live(SessionAttendee), SessionAttendee.student_id.in_(student_ids))
            ).scalars()
        )
    return merge([(clock.aware(r.starts_at), ends_at(r)) for r in rows])


def _stored_windows(s: Session, person: User) -> tuple[Any, Any]:
    """(weekly windows, dated exceptions) as stored for ``person``."""
    if person.role == "mentor":
        row = s.execute(
            select(MentorProfile.availability, MentorProfile.availability_exceptions).where(
                MentorProfile.user_id == person.id, live(MentorProfile)
            )
        ).one_or_none()
    else:
        row = s.execute(
            select(StudentAvailability.windows, StudentAvailability.exceptions).where(
                StudentAvailability.student_id == person.id, live(StudentAvailability)
            )
        ).one_or_none()
    return (row[0], row[1]) if row is not None else ([], [])


def _windows_of(s: Session, person: User) -> list[Window]:
    return parse_windows(_stored_windows(s, person)[0] or [])


def days_off(
    exceptions: Sequence[Any], tz_name: str, start: datetime, end: datetime
) -> list[Interval]:
    """The UTC intervals of the whole days off (``{"date": "YYYY-MM-DD"}`` in ``tz_name``)
    that meet [start, end)."""
    blocked: list[Interval] = []
    for item in exceptions or []:
        try:
            day = date.fromisoformat(str(item["date"]))
        except (KeyError, TypeError, ValueError):
            continue  # not a day: nothing to block (the editor never stores one)
        begin = wall_in_zone(day, time(0, 0), tz_name)
        finish = wall_in_zone(day + timedelta(days=1), time(0, 0), tz_name)
        if begin < end and finish > start:
            blocked.append((begin, finish))
    return merge(blocked)


def find_free_slots(
    s: Session,
    actor: Actor,
    config: Config,
    students: Sequence[str],
    *,
    duration_minutes: int | None = None,
    after: datetime | None = None,
    count: int = 5,
    step_minutes: int = DEFAULT_STEP_MINUTES,
    horizon_days: int = DEFAULT_HORIZON_DAYS,
    per_day: int | None = None,
) -> list[Slot]:
    """The next ``count`` free starts (on the ``step_minutes`` grid of the mentor's wall clock)
    when the mentor and every student are available and nobody is booked, earliest first;
    ``per_day`` caps how many come from one day (mentor's date). Empty when the next
    ``horizon_days`` hold none."""
    mentor, people = resolve_parties(s, actor, students)
    minutes = check_duration(
        duration_minutes if duration_minutes is not None else config.session_duration_minutes
    )
    if not 5 <= step_minutes <= 24 * 60:
        raise ValueError("step_minutes must be between 5 and 1440")
    start = (after or clock.now()).astimezone(UTC)
    end = start + timedelta(days=horizon_days)
    free: list[Interval] | None = None
    away: list[Interval] = []
    for person in [mentor, *people]:
        raw_windows, exceptions = _stored_windows(s, person)
        away += days_off(exceptions, person.timezone, start, end)
        windows = parse_windows(raw_windows or [])
        if not windows:
            continue
        covered = intervals_from_windows(windows, person.timezone, start, end)
        free = covered if free is None else intersect(free, covered)
    if free is None:
        raise UserError(
            "Nobody in this session has availability windows yet; add some to find a slot."
        )
    free = subtract(free, [*_busy(s, mentor.id, [p.id for p in people], start, end), *away])
    return _starts(free, minutes, step_minutes, mentor.timezone, count, per_day)


def _starts(
    free: Sequence[Interval], minutes: int, step: int, tz_name: str, count: int, per_day: int | None
) -> list[Slot]:
    zone = clock.zone(tz_name)
    length = timedelta(minutes=minutes)
    slots: list[Slot] = []
    per_date: dict[date, int] = {}
    for begin, finish in free:
        moment = begin.replace(second=0, microsecond=0)
        if moment < begin:
            moment += timedelta(minutes=1)
        local = moment.astimezone(zone)
        moment += timedelta(minutes=-(local.hour * 60 + local.minute) % step)
        while moment + length <= finish:
            day = moment.astimezone(zone).date()
            if per_day is None or per_date.get(day, 0) < per_day:
                slots.append(Slot(moment, minutes))
                per_date[day] = per_date.get(day, 0) + 1
                if len(slots) >= count:
                    return slots
            moment += timedelta(minutes=step)
    return slots


@dataclass(frozen=True)
class MutualSlot:
    """A free start for a student and their mentor, with both parties' zones."""

    slot: Slot
    mentor: User
    student: User

    def to_json(self) -> dict[str, Any]:
        start = self.slot.starts_at
        return {
            "starts_at_utc": start.astimezone(UTC).isoformat(),
            "duration_minutes": self.slot.duration_minutes,
            "mentor": {
                "email": self.mentor.email,
                "timezone": self.mentor.timezone,
                "starts_at": clock.to_local(start, self.mentor.timezone).isoformat(),
            },
            "student": {
                "email": self.student.email,
                "timezone": self.student.timezone,
                "starts_at": clock.to_local(start, self.student.timezone).isoformat(),
            },
        }


def mutual_free_slots(
    s: Session, actor: Actor, config: Config, student: str, *, count: int = 5
) -> list[MutualSlot]:
    """The next ``count`` free starts for ``student`` and their mentor (see find_free_slots)."""
    if not 1 <= count <= 100:
        raise UserError(f"--count must be between 1 and 100, not {count}.")
    mentor, people = resolve_parties(s, actor, [student])
    slots = find_free_slots(s, actor, config, [student], count=count)
    return [MutualSlot(slot, mentor, people[0]) for slot in slots]


def student_availability(s: Session, actor: Actor, student: str) -> list[Window]:
    person = find_student(s, actor, student)
    return _windows_of(s, person)


def set_student_availability(
    s: Session, actor: Actor, student: str, windows: Sequence[dict[str, Any]]
) -> list[Window]:
    """Replace a student's weekly windows: the student's own, or an admin's doing (the rule
    sync enforces on the server too)."""
    person = find_student(s, actor, student)
    if not (actor.is_admin or person.id == actor.id):
        raise AccessDenied("Only the student or an admin can set a student's availability.")
    parsed = parse_windows(list(windows))
    stored = [w.to_json() for w in parsed]
    row = s.execute(
        select(StudentAvailability).where(StudentAvailability.student_id == person.id)
    ).scalar_one_or_none()
    if row is None:
        writes.insert(s, actor.id, StudentAvailability(student_id=person.id, windows=stored))
    elif row.deleted_at is not None:
        raise UserError(
            f"{clean_line(person.full_name)}'s availability was deleted and cannot be set here."
        )
    else:
        writes.update(s, actor.id, row, {"windows": stored})
    s.flush()
    return parsed


__all__ = [
    "WEEKDAYS",
    "MutualSlot",
    "Slot",
    "Window",
    "days_off",
    "find_free_slots",
    "intersect",
    "intervals_from_windows",
    "merge",
    "mutual_free_slots",
    "parse_windows",
    "set_student_availability",
    "student_availability",
    "subtract",
]
