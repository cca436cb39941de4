"""The rules every session obeys (SPEC 4.5): what a session's fields may hold, who holds a
session, and double booking.

- Who holds a session: a mentor schedules with their own students, an admin schedules a
  student's mentor, a student books their own mentor (a booking request unless the mentor's
  profile takes bookings at once: ``auto_accepts``; see ``sessions/booking.py``). Students are looked up with
  ``access.find_student`` so a mentor can never reach someone else's student.
- Double booking: a session occupies the half-open interval [start, start + duration). Two
  sessions clash when those intervals overlap, for the mentor or for any student (back to back
  is fine); cancelled sessions and declined booking requests never clash.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import and_, select
from sqlmodel import Session

from mentor_tui.core import clock
from mentor_tui.core.access import Actor, find_student, live, session_scope
from mentor_tui.core.text import clean_line
from mentor_tui.core.timezones import format_moment, format_span
from mentor_tui.core.validation import (
    MAX_DURATION_MINUTES,
    MAX_TITLE_CHARS,
    MIN_DURATION_MINUTES,
    check_duration,
)
from mentor_tui.db.models import (
    ATTENDANCE,
    MentorProfile,
    MentorshipSession,
    SessionAttendee,
    User,
)
from mentor_tui.errors import NotFound, UserError

MAX_LINK_CHARS = 2000
# a session in one of these states holds no time: a cancelled one, a declined booking request
# (a request waiting for the mentor holds its time, so two students never ask for one slot)
NOT_BOOKED = ("cancelled", "declined")


# --- a refused double booking, as the callers see it -------------------------------------


@dataclass(frozen=True)
class Clash:
    """An existing session that overlaps the proposed time for ``person``."""

    person_id: str
    person_name: str
    session_id: str
    title: str
    starts_at: datetime
    duration_minutes: int
    visible: bool  # whether the actor may see that session (else it is named only by time)


class SessionClash(UserError):
    """Double booking refused; ``clashes`` lists every overlapping session and who is in it."""

    def __init__(self, message: str, clashes: list[Clash]) -> None:
        super().__init__(message)
        self.clashes = clashes


# --- small validators ----------------------------------------------------------------------


def ends_at(row: Any) -> datetime:
    """When a session (an ORM object or a plain row) ends."""
    return clock.aware(row.starts_at) + timedelta(minutes=row.duration_minutes)


def check_link(link: str | None) -> str | None:
    """A meeting link is an http(s) address on one line, or nothing."""
    link = (link or "").strip()
    if not link:
        return None
    if (
        not link.lower().startswith(("https://", "http://"))
        or len(link) > MAX_LINK_CHARS
        or any(ch.isspace() or ord(ch) < 32 or 0x7F <= ord(ch) <= 0x9F for ch in link)
        or len(link) <= len("https://")
    ):
        raise UserError(
            f"A meeting link is a web address starting with https:// or http://, "
            f"not '{clean_line(link)[:80]}'."
        )
    return link


def check_title(title: str) -> str:
    title = " ".join((title or "").split())
    if len(title) > MAX_TITLE_CHARS:
        raise UserError(f"A session title is at most {MAX_TITLE_CHARS} characters.")
    return title


def check_attendance(value: str) -> str:
    normal = (value or "").strip().lower().replace("-", "_").replace(" ", "_")
    if normal not in ATTENDANCE:
        raise UserError(
            f"Attendance is attended, no_show or excused, not '{clean_line(value)[:40]}'."
        )
    return normal


def check_rating(value: int | str) -> int:
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 5:
        shown = clean_line(str(value))[:40]
        raise UserError(f"A rating is a whole number from 1 to 5, not '{shown}'.")
    return value


def check_agenda(text: str | None) -> str:
    return (text or "").replace("\r\n", "\n").replace("\r", "\n")


def utc_moment(moment: datetime) -> datetime:
    """An aware moment in UTC; a naive one is a programming error, not a person's."""
    if moment.tzinfo is None:
        raise ValueError("session times must be timezone-aware")
    return moment.astimezone(UTC)


def check_not_past(moment: datetime, tz_name: str) -> None:
    """A new or moved session starts now or later. Only for times a person types (the form,
    ``sessions add``, a reschedule): an imported calendar or a pulled session may be past."""
    now = clock.now()
    if utc_moment(moment) < now.replace(second=0, microsecond=0):
        raise UserError(
            f"That time has passed: {format_moment(moment, tz_name)} is before now "
            f"({format_moment(now, tz_name)})."
        )


def default_title(students: Sequence[User]) -> str:
    names = [" ".join(s.full_name.split()) for s in students]
    if len(names) == 1:
        title = f"Session with {names[0]}"
    elif len(names) <= 3:
        title = f"Group session with {', '.join(names[:-1])} and {names[-1]}"
    else:
        title = f"Group session with {', '.join(names[:2])} and {len(names) - 2} more"
    return title[:MAX_TITLE_CHARS]


# --- who holds a session -------------------------------------------------------------------


def check_active(people: Iterable[User]) -> None:
    """New sessions and new seats are for active students only (existing ones stay)."""
    for person in people:
        if person.status == "Inactive":
            raise UserError(f"{clean_line(person.full_name)} is inactive, so cannot join sessions.")


def resolve_parties(s: Session, actor: Actor, students: Sequence[str]) -> tuple[User, list[User]]:
    """The mentor who holds a session with ``students`` (emails or ids), and those students."""
    keys = [k for k in (k.strip() for k in students) if k]
    if not keys:
        raise UserError("Pick at least one student for the session.")
    found: dict[str, User] = {}
    for key in keys:
        student = find_student(s, actor, key)
        found.setdefault(student.id, student)
    people = list(found.values())
    mentor_id: str | None
    if actor.is_mentor:
        mentor_id = actor.id
    else:
        mentor_ids = {p.mentor_id for p in people}
        if None in mentor_ids:
            lone = next(p for p in people if p.mentor_id is None)
            raise UserError(f"{clean_line(lone.full_name)} has no mentor to hold the session.")
        if len(mentor_ids) > 1:
            raise UserError("These students have different mentors, and a session has one mentor.")
        mentor_id = mentor_ids.pop()
    mentor = s.get(User, mentor_id)
    if mentor is None or mentor.deleted_at is not None:
        raise NotFound("The students' mentor is no longer in this database.")
    return mentor, people


def auto_accepts(s: Session, mentor_id: str) -> bool:
    """Whether the mentor takes a student's booking at once (their profile's flag); if not, a
    session a student makes is a booking request for the mentor to accept or decline."""
    flag = s.execute(
        select(MentorProfile.auto_accept_bookings).where(
            MentorProfile.user_id == mentor_id, live(MentorProfile)
        )
    ).scalar_one_or_none()
    return bool(flag)


# --- double booking ------------------------------------------------------------------------


def find_clashes(
    s: Session,
    *,
    mentor_id: str,
    student_ids: Iterable[str],
    starts_at: datetime,
    duration_minutes: int,
    ignore_session_id: str | None = None,
    visible_to: Actor | None = None,
) -> list[Clash]:
    """Every live, not-cancelled session overlapping [starts_at, +duration) for the mentor or
    any of the students (whoever's mentor holds it). Touching ends do not overlap."""
    start = utc_moment(starts_at)
    end = start + timedelta(minutes=duration_minutes)
    students = sorted(set(student_ids))
    window = and_(
        live(MentorshipSession),
        MentorshipSession.status.not_in(NOT_BOOKED),
        MentorshipSession.starts_at < end,
        MentorshipSession.starts_at >= start - timedelta(minutes=MAX_DURATION_MINUTES),
        MentorshipSession.id != (ignore_session_id or ""),
    )
    found: list[tuple[str, MentorshipSession]] = [
        (mentor_id, row)
        for row in s.execute(
            select(MentorshipSession).where(window, MentorshipSession.mentor_id == mentor_id)
        ).scalars()
    ]
    if students:
        found += [
            (person, row)
            for row, person in s.execute(
                select(MentorshipSession, SessionAttendee.student_id)
                .join(SessionAttendee, SessionAttendee.session_id == MentorshipSession.id)
                .where(window, live(SessionAttendee), SessionAttendee.student_id.in_(students))
            ).all()
        ]
    found = [(p, r) for p, r in found if ends_at(r) > start]
    if not found:
        return []
    names = dict(
        s.execute(select(User.id, User.full_name).where(User.id.in_({p for p, _ in found}))).all()
    )
    visible: set[str] = set()
    if visible_to is not None:
        visible = set(
            s.execute(
                select(MentorshipSession.id).where(
                    session_scope(visible_to), MentorshipSession.id.in_({r.id for _, r in found})
                )
            ).scalars()
        )
    clashes = [
        Clash(
            person_id=person,
            person_name=names.get(person, ""),
            session_id=row.id,
            title=row.title,
            starts_at=clock.aware(row.starts_at),
            duration_minutes=row.duration_minutes,
            visible=row.id in visible,
        )
        for person, row in found
    ]
    clashes.sort(key=lambda c: (c.starts_at, c.session_id, c.person_id != mentor_id))
    return clashes


def describe_clashes(
    clashes: Sequence[Clash], actor: Actor, lead: str = "That time is double-booked"
) -> str:
    """One sentence naming who is already booked, in which session and when (actor's time)."""
    by_session: dict[str, list[Clash]] = {}
    for clash in clashes:
        by_session.setdefault(clash.session_id, []).append(clash)
    parts = []
    for group in by_session.values():
        first = group[0]
        who = ["you" if c.person_id == actor.id else clean_line(c.person_name) for c in group]
        verb = "have" if len(who) > 1 or who[0] == "you" else "has"
        people = who[0] if len(who) == 1 else f"{', '.join(who[:-1])} and {who[-1]}"
        if first.visible:
            title = clean_line(first.title) or "a session"
            what = f"'{title}' ({first.session_id[:8]})"
        else:
            what = "another session"
        when = format_span(first.starts_at, first.duration_minutes, actor.timezone)
        parts.append(f"{people} already {verb} {what} on {when}")
    shown = parts[:3]
    more = f"; and {len(parts) - 3} more" if len(parts) > 3 else ""
    sentence = "; ".join(shown) + more
    return f"{lead}: {sentence}."


def check_no_clash(
    s: Session,
    actor: Actor,
    *,
    mentor_id: str,
    student_ids: Iterable[str],
    starts_at: datetime,
    duration_minutes: int,
    ignore_session_id: str | None = None,
) -> None:
    clashes = find_clashes(
        s,
        mentor_id=mentor_id,
        student_ids=student_ids,
        starts_at=starts_at,
        duration_minutes=duration_minutes,
        ignore_session_id=ignore_session_id,
        visible_to=actor,
    )
    if clashes:
        raise SessionClash(describe_clashes(clashes, actor), clashes)


def check_booking(s: Session, actor: Actor, row: Any) -> None:
    """A session row as a whole (one pushed by sync, say) against the mentor's other sessions:
    refused when it overlaps one, the sentence naming both sessions. Cancelled and deleted
    sessions never clash."""
    if row.status in NOT_BOOKED or row.deleted_at is not None:
        return
    clashes = find_clashes(
        s,
        mentor_id=row.mentor_id,
        student_ids=(),
        starts_at=clock.aware(row.starts_at),
        duration_minutes=row.duration_minutes,
        ignore_session_id=row.id,
        visible_to=actor,
    )
    if clashes:
        title = clean_line(row.title) or "This session"
        when = format_span(clock.aware(row.starts_at), row.duration_minutes, actor.timezone)
        lead = f"'{title}' on {when} was not booked, the time is taken"
        raise SessionClash(describe_clashes(clashes, actor, lead), clashes)


__all__ = [
    "MAX_DURATION_MINUTES",
    "MAX_LINK_CHARS",
    "MAX_TITLE_CHARS",
    "MIN_DURATION_MINUTES",
    "NOT_BOOKED",
    "Clash",
    "SessionClash",
    "auto_accepts",
    "check_active",
    "check_agenda",
    "check_attendance",
    "check_booking",
    "check_duration",
    "check_link",
    "check_no_clash",
    "check_rating",
    "check_title",
    "default_title",
    "describe_clashes",
    "ends_at",
    "find_clashes",
    "resolve_parties",
    "utc_moment",
]
