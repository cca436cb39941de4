"""Mentorship sessions (SPEC 4.5): schedule, edit, reschedule and cancel one-on-one and group
sessions; refuse double booking; after a session record attendance, ratings, a summary and
follow-up action items; fire reminders; keep agenda templates.

Rules:
- Who holds a session: a mentor schedules with their own students, an admin schedules a
  student's mentor, a student books their own mentor. Students are looked up with
  ``access.find_student`` so a mentor can never reach someone else's student.
- Double booking: a session occupies the half-open interval [start, start + duration). Two
  sessions clash when those intervals overlap, for the mentor or for any student (back to back
  is fine); cancelled sessions never clash.
- Attendance and summaries belong to the session's mentor (admins may record attendance);
  the rating is the student's, given by the student or recorded by the mentor.
- A summary and follow-ups are private mentorship notes (kinds ``session_summary`` and
  ``action_item``) authored by the session's mentor, one per student, linked to the session.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, func, or_, select
from sqlalchemy.sql.util import ClauseAdapter
from sqlmodel import Session

from mentor_tui.config import Config
from mentor_tui.core import clock, writes
from mentor_tui.core.access import (
    Actor,
    find_student,
    live,
    note_scope,
    session_scope,
    student_scope,
)
from mentor_tui.core.errors import AccessDenied, NotFound, UserError
from mentor_tui.core.notifications import notify
from mentor_tui.core.text import clean_line
from mentor_tui.core.timezones import format_span
from mentor_tui.db.models import (
    ATTENDANCE,
    MentorshipNote,
    MentorshipSession,
    Notification,
    SessionAttendee,
    SessionTemplate,
    User,
)
from mentor_tui.db.session_models import SessionReminderSent

MIN_DURATION_MINUTES = 5
MAX_DURATION_MINUTES = 24 * 60
MAX_TITLE_CHARS = 200
MAX_LINK_CHARS = 2000
REMINDER_TYPE = "session_reminder"


# --- what the screens and the CLI read ---------------------------------------------------


@dataclass(frozen=True)
class Attendee:
    student_id: str
    full_name: str
    email: str
    timezone: str
    attendance: str | None
    rating: int | None


@dataclass(frozen=True)
class SessionView:
    """A session as the actor may see it: attendees are only the students in their scope."""

    id: str
    mentor_id: str
    mentor_name: str
    mentor_email: str
    mentor_timezone: str
    kind: str
    title: str
    starts_at: datetime
    duration_minutes: int
    timezone: str
    meeting_link: str | None
    agenda: str
    status: str
    version: int
    created_at: datetime
    updated_at: datetime
    attendees: tuple[Attendee, ...]

    @property
    def ends_at(self) -> datetime:
        return self.starts_at + timedelta(minutes=self.duration_minutes)

    @property
    def student_ids(self) -> list[str]:
        return [a.student_id for a in self.attendees]

    def start_in(self, tz_name: str) -> datetime:
        return clock.to_local(self.starts_at, tz_name)

    def span_in(self, tz_name: str) -> str:
        return format_span(self.starts_at, self.duration_minutes, tz_name)

    def to_json(self) -> dict[str, Any]:
        start = self.start_in(self.timezone)
        return {
            "id": self.id,
            "mentor_id": self.mentor_id,
            "mentor_name": self.mentor_name,
            "kind": self.kind,
            "title": self.title,
            "start": start.isoformat(),
            "end": clock.to_local(self.ends_at, self.timezone).isoformat(),
            "timezone": self.timezone,
            "duration_minutes": self.duration_minutes,
            "status": self.status,
            "meeting_link": self.meeting_link,
            "agenda": self.agenda,
            "student_ids": self.student_ids,
            "attendees": [
                {
                    "student_id": a.student_id,
                    "full_name": a.full_name,
                    "email": a.email,
                    "timezone": a.timezone,
                    "local_start": self.start_in(a.timezone).isoformat(),
                    "attendance": a.attendance,
                    "rating": a.rating,
                }
                for a in self.attendees
            ],
        }


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


def check_duration(minutes: int) -> int:
    if isinstance(minutes, bool) or not isinstance(minutes, int):
        raise UserError(f"A session's length is a whole number of minutes, not {minutes!r}.")
    if not MIN_DURATION_MINUTES <= minutes <= MAX_DURATION_MINUTES:
        raise UserError(
            f"A session lasts from {MIN_DURATION_MINUTES} to {MAX_DURATION_MINUTES} minutes, "
            f"not {minutes}."
        )
    return minutes


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


def _aware(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("session times must be timezone-aware")
    return moment.astimezone(UTC)


def default_title(students: Sequence[User]) -> str:
    names = [" ".join(s.full_name.split()) for s in students]
    if len(names) == 1:
        title = f"Session with {names[0]}"
    elif len(names) <= 3:
        title = f"Group session with {', '.join(names[:-1])} and {names[-1]}"
    else:
        title = f"Group session with {', '.join(names[:2])} and {len(names) - 2} more"
    return title[:MAX_TITLE_CHARS]


def reminder_minutes(config: Config) -> int:
    """How long before a session its reminder fires (config ``session_reminder_minutes``)."""
    return config.session_reminder_minutes


# --- reading -------------------------------------------------------------------------------


def student_in_scope(student_id: Any, actor: Actor) -> ColumnElement[bool]:
    """``student_id`` names a student in ``access.student_scope(actor)``, checked by key.

    The same rule as ``student_id IN visible_student_ids(actor)``, written as a correlated
    lookup: SQLite would materialise that list (every student, for an admin) and probe with it.
    """
    alias = User.__table__.alias("scoped_student")
    rule = ClauseAdapter(alias).traverse(student_scope(actor))
    return exists().where(alias.c.id == student_id, rule)


def _chunks(values: Sequence[str], size: int = 500) -> Iterable[Sequence[str]]:
    """Pieces small enough for SQLite's limit on bound parameters."""
    for begin in range(0, len(values), size):
        yield values[begin : begin + size]


def _views(s: Session, actor: Actor, rows: Sequence[Any]) -> list[SessionView]:
    """Views of session rows (ORM objects or plain rows with the same columns)."""
    if not rows:
        return []
    ids = [r.id for r in rows]
    mentors: dict[str, tuple[str, str, str]] = {}
    for part in _chunks(sorted({r.mentor_id for r in rows})):
        for mentor_id, name, email, tz_name in s.execute(
            select(User.id, User.full_name, User.email, User.timezone).where(User.id.in_(part))
        ):
            mentors[mentor_id] = (name, email, tz_name)
    # Two key-driven steps rather than one join, so the planner never walks every student in
    # scope (an admin's 50,000) against every session.
    seats: list[tuple[str, str, str | None, int | None]] = []
    for part in _chunks(ids):
        seats += s.execute(
            select(
                SessionAttendee.session_id,
                SessionAttendee.student_id,
                SessionAttendee.attendance,
                SessionAttendee.rating,
            ).where(SessionAttendee.session_id.in_(part), live(SessionAttendee))
        ).all()
    students: dict[str, tuple[str, str, str]] = {}
    for part in _chunks(sorted({seat[1] for seat in seats})):
        for student_id, name, email, tz_name in s.execute(
            select(User.id, User.full_name, User.email, User.timezone).where(
                User.id.in_(part), student_in_scope(User.id, actor)
            )
        ):
            students[student_id] = (name, email, tz_name)
    people: dict[str, list[Attendee]] = {i: [] for i in ids}
    for session_id, student_id, attendance, rating in seats:
        if student_id in students:
            name, email, tz_name = students[student_id]
            people[session_id].append(
                Attendee(student_id, name, email, tz_name, attendance, rating)
            )
    for group in people.values():
        group.sort(key=lambda a: (a.full_name, a.email))
    views = []
    for r in rows:
        mentor_name, mentor_email, mentor_tz = mentors.get(r.mentor_id, ("", "", "UTC"))
        views.append(
            SessionView(
                id=r.id,
                mentor_id=r.mentor_id,
                mentor_name=mentor_name,
                mentor_email=mentor_email,
                mentor_timezone=mentor_tz,
                kind=r.kind,
                title=r.title,
                starts_at=clock.aware(r.starts_at),
                duration_minutes=r.duration_minutes,
                timezone=r.timezone,
                meeting_link=r.meeting_link,
                agenda=r.agenda,
                status=r.status,
                version=r.version,
                created_at=clock.aware(r.created_at),
                updated_at=clock.aware(r.updated_at),
                attendees=tuple(people[r.id]),
            )
        )
    return views


def list_sessions(
    s: Session,
    actor: Actor,
    *,
    start: datetime | None = None,
    end: datetime | None = None,
    statuses: Iterable[str] | None = None,
    student: str | None = None,
    limit: int | None = None,
) -> list[SessionView]:
    """Sessions the actor may see that overlap [start, end), earliest first."""
    query = select(*MentorshipSession.__table__.columns).where(session_scope(actor))
    if end is not None:
        query = query.where(MentorshipSession.starts_at < _aware(end))
    if start is not None:
        earliest = _aware(start) - timedelta(minutes=MAX_DURATION_MINUTES)
        query = query.where(MentorshipSession.starts_at > earliest)
    if statuses is not None:
        query = query.where(MentorshipSession.status.in_(list(statuses)))
    if student is not None:
        who = find_student(s, actor, student)
        query = query.where(
            exists().where(
                SessionAttendee.session_id == MentorshipSession.id,
                SessionAttendee.student_id == who.id,
                live(SessionAttendee),
            )
        )
    query = query.order_by(MentorshipSession.starts_at, MentorshipSession.id)
    rows: list[Any] = list(s.execute(query).all())  # plain rows: a long list loads fast
    if start is not None:
        after = _aware(start)
        rows = [r for r in rows if ends_at(r) > after]
    if limit is not None:
        rows = rows[:limit]
    return _views(s, actor, rows)


def find_session(s: Session, actor: Actor, key: str) -> MentorshipSession:
    """A session the actor may see, by id or an unambiguous id prefix (8+ characters)."""
    key = (key or "").strip().lower()
    if not key:
        raise UserError("Give a session id.")
    row = s.execute(
        select(MentorshipSession).where(session_scope(actor), MentorshipSession.id == key)
    ).scalar_one_or_none()
    if row is None and len(key) >= 8:
        matches = (
            s.execute(
                select(MentorshipSession)
                .where(session_scope(actor), MentorshipSession.id.startswith(key, autoescape=True))
                .limit(2)
            )
            .scalars()
            .all()
        )
        if len(matches) > 1:
            raise UserError(f"More than one session starts with {key!r}; give more of the id.")
        row = matches[0] if matches else None
    if row is None:
        raise NotFound(f"No session {clean_line(key)!r} that you can see.")
    return row


def get_session(s: Session, actor: Actor, key: str) -> SessionView:
    return _views(s, actor, [find_session(s, actor, key)])[0]


def attendee_rows(
    s: Session, session_id: str, *, visible_to: Actor | None = None
) -> list[SessionAttendee]:
    """A session's live attendee rows (only students ``visible_to`` may see, when given)."""
    query = select(SessionAttendee).where(
        SessionAttendee.session_id == session_id, live(SessionAttendee)
    )
    if visible_to is not None:
        query = query.where(student_in_scope(SessionAttendee.student_id, visible_to))
    return list(s.execute(query.order_by(SessionAttendee.id)).scalars().all())


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
    start = _aware(starts_at)
    end = start + timedelta(minutes=duration_minutes)
    students = sorted(set(student_ids))
    window = and_(
        live(MentorshipSession),
        MentorshipSession.status != "cancelled",
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


def describe_clashes(clashes: Sequence[Clash], actor: Actor) -> str:
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
    return f"That time is double-booked: {sentence}."


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


# --- scheduling ----------------------------------------------------------------------------


def schedule_session(
    s: Session,
    actor: Actor,
    config: Config,
    *,
    students: Sequence[str],
    starts_at: datetime,
    duration_minutes: int | None = None,
    timezone: str | None = None,
    title: str = "",
    meeting_link: str | None = None,
    agenda: str | None = None,
    template_id: str | None = None,
    status: str = "scheduled",
    session_id: str | None = None,
) -> SessionView:
    """Create a session (a group session when there is more than one student)."""
    mentor, people = resolve_parties(s, actor, students)
    check_active(people)
    minutes = check_duration(
        duration_minutes if duration_minutes is not None else config.session_duration_minutes
    )
    tz_name = timezone or actor.timezone
    clock.zone(tz_name)
    start = _aware(starts_at)
    template = get_template(s, actor, template_id) if template_id else None
    name = check_title(title) or (template.title if template else "") or default_title(people)
    text = check_agenda(agenda if agenda is not None else (template.agenda if template else ""))
    link = check_link(meeting_link)
    if status not in ("scheduled", "cancelled"):
        raise UserError(f"A new session is scheduled or cancelled, not {status!r}.")
    if status != "cancelled":
        check_no_clash(
            s,
            actor,
            mentor_id=mentor.id,
            student_ids=[p.id for p in people],
            starts_at=start,
            duration_minutes=minutes,
        )
    row = MentorshipSession(
        mentor_id=mentor.id,
        kind="group" if len(people) > 1 else "one_on_one",
        title=name,
        starts_at=start,
        duration_minutes=minutes,
        timezone=tz_name,
        meeting_link=link,
        agenda=text,
        status=status,
        summary="",
    )
    if session_id:
        row.id = session_id
    writes.insert(s, actor.id, row, action="schedule_session")
    for person in people:
        writes.insert(s, actor.id, SessionAttendee(session_id=row.id, student_id=person.id))
    s.flush()
    return _views(s, actor, [row])[0]


def _for_change(s: Session, actor: Actor, key: str) -> MentorshipSession:
    row = find_session(s, actor, key)
    if not (actor.is_admin or row.mentor_id == actor.id):
        raise AccessDenied("Only the session's mentor or an admin can change it.")
    return row


_KEEP: Any = object()


def edit_session(
    s: Session,
    actor: Actor,
    key: str,
    *,
    students: Sequence[str] | None = None,
    starts_at: datetime | None = None,
    duration_minutes: int | None = None,
    timezone: str | None = None,
    title: str | None = None,
    meeting_link: str | None = _KEEP,
    agenda: str | None = None,
) -> SessionView:
    """Change a session; ``None`` (or leaving ``meeting_link`` out) keeps a field as it is.
    A new time or a new set of students is checked for double booking first."""
    row = _for_change(s, actor, key)
    changes: dict[str, Any] = {}
    if title is not None:
        changes["title"] = check_title(title) or row.title
    if meeting_link is not _KEEP:
        changes["meeting_link"] = check_link(meeting_link)
    if agenda is not None:
        changes["agenda"] = check_agenda(agenda)
    if timezone is not None:
        clock.zone(timezone)
        changes["timezone"] = timezone
    start = _aware(starts_at) if starts_at is not None else clock.aware(row.starts_at)
    minutes = check_duration(duration_minutes) if duration_minutes is not None else None
    moving = (start != clock.aware(row.starts_at)) or (
        minutes is not None and minutes != row.duration_minutes
    )
    everyone = attendee_rows(s, row.id)
    current = attendee_rows(s, row.id, visible_to=actor)  # the ones the actor may change
    people: list[User] | None = None
    if students is not None:
        mentor, people = resolve_parties(s, actor, students)
        if mentor.id != row.mentor_id:
            raise UserError("Every student in a session must be the session mentor's student.")
    regrouping = people is not None and {p.id for p in people} != {a.student_id for a in current}
    if (moving or regrouping) and row.status != "scheduled":
        raise UserError(
            f"That session is {row.status}; only a scheduled session can move or change students."
        )
    if moving or regrouping:
        check_no_clash(
            s,
            actor,
            mentor_id=row.mentor_id,
            student_ids=[a.student_id for a in everyone if a not in current]
            + [p.id for p in people or []]
            if people is not None
            else [a.student_id for a in everyone],
            starts_at=start,
            duration_minutes=minutes or row.duration_minutes,
            ignore_session_id=row.id,
        )
    if moving:
        changes["starts_at"] = start
        if minutes is not None:
            changes["duration_minutes"] = minutes
    if people is not None and regrouping:
        regroup(s, actor, row, current, people)
        changes["kind"] = "group" if len(people) > 1 else "one_on_one"
    action = "reschedule_session" if moving else "update"
    writes.update(s, actor.id, row, changes, action=action)
    s.flush()
    return _views(s, actor, [row])[0]


def regroup(
    s: Session,
    actor: Actor,
    row: MentorshipSession,
    current: list[SessionAttendee],
    people: list[User],
) -> None:
    """Make ``people`` the session's students in place of ``current`` (checked before any
    write: a student removed earlier cannot rejoin, their attendee row is a tombstone)."""
    wanted = {p.id: p for p in people}
    have = {a.student_id for a in current}
    joining = [p for p in people if p.id not in have]
    check_active(joining)
    for person in joining:
        removed = s.execute(
            select(SessionAttendee.id).where(
                SessionAttendee.session_id == row.id, SessionAttendee.student_id == person.id
            )
        ).first()
        if removed is not None:
            raise UserError(
                f"{clean_line(person.full_name)} was removed from this session earlier and cannot "
                f"rejoin it; schedule a separate session instead."
            )
    for attendee in current:
        if attendee.student_id not in wanted:
            writes.tombstone(s, actor.id, attendee, action="remove_attendee")
    for person in joining:
        writes.insert(s, actor.id, SessionAttendee(session_id=row.id, student_id=person.id))


def reschedule_session(
    s: Session,
    actor: Actor,
    key: str,
    starts_at: datetime,
    *,
    duration_minutes: int | None = None,
    timezone: str | None = None,
) -> SessionView:
    return edit_session(
        s, actor, key, starts_at=starts_at, duration_minutes=duration_minutes, timezone=timezone
    )


def cancel_session(s: Session, actor: Actor, key: str) -> SessionView:
    row = _for_change(s, actor, key)
    if row.status == "cancelled":
        raise UserError("That session is already cancelled.")
    if row.status == "completed":
        raise UserError("That session already took place and is completed; it cannot be cancelled.")
    writes.update(s, actor.id, row, {"status": "cancelled"}, action="cancel_session")
    s.flush()
    return _views(s, actor, [row])[0]


# --- after the session ---------------------------------------------------------------------


def _attendee(s: Session, actor: Actor, row: MentorshipSession, student: str) -> SessionAttendee:
    person = find_student(s, actor, student)
    found = s.execute(
        select(SessionAttendee).where(
            SessionAttendee.session_id == row.id,
            SessionAttendee.student_id == person.id,
            live(SessionAttendee),
        )
    ).scalar_one_or_none()
    if found is None:
        raise UserError(f"{clean_line(person.full_name)} is not in that session.")
    return found


def _after_start(row: MentorshipSession, now: datetime | None, what: str) -> None:
    if row.status == "cancelled":
        raise UserError(f"That session was cancelled, so it has no {what}.")
    if clock.aware(row.starts_at) > (now or clock.now()):
        raise UserError(f"That session has not started yet; record its {what} once it has.")


def record_attendance(
    s: Session,
    actor: Actor,
    key: str,
    student: str,
    attendance: str,
    *,
    now: datetime | None = None,
) -> SessionAttendee:
    row = _for_change(s, actor, key)
    value = check_attendance(attendance)
    _after_start(row, now, "attendance")
    attendee = _attendee(s, actor, row, student)
    writes.update(s, actor.id, attendee, {"attendance": value}, action="record_attendance")
    return attendee


def rate_session(
    s: Session,
    actor: Actor,
    key: str,
    rating: int | str,
    *,
    student: str | None = None,
    now: datetime | None = None,
) -> SessionAttendee:
    """The student's rating of a session, 1-5: given by the student themselves, or recorded
    for ``student`` by the session's mentor or an admin."""
    value = check_rating(rating)
    if actor.is_student:
        row = find_session(s, actor, key)
        if student is not None and find_student(s, actor, student).id != actor.id:
            raise AccessDenied("A student rates only their own sessions.")
        student = actor.id
    else:
        row = _for_change(s, actor, key)
        if student is None:
            raise UserError("Say which student's rating this is.")
    _after_start(row, now, "rating")
    attendee = _attendee(s, actor, row, student)
    writes.update(s, actor.id, attendee, {"rating": value}, action="rate_session")
    return attendee


def _mentor_only(s: Session, actor: Actor, key: str, what: str) -> MentorshipSession:
    row = find_session(s, actor, key)
    if row.mentor_id != actor.id:
        raise AccessDenied(f"Only the session's mentor can write its {what}.")
    return row


def _note_students(
    s: Session, actor: Actor, row: MentorshipSession, students: Sequence[str] | None
) -> list[str]:
    present = [a.student_id for a in attendee_rows(s, row.id, visible_to=actor)]
    if students is None:
        return present
    chosen = []
    for key in students:
        person = find_student(s, actor, key)
        if person.id not in present:
            raise UserError(f"{clean_line(person.full_name)} is not in that session.")
        chosen.append(person.id)
    return list(dict.fromkeys(chosen))


def save_summary(
    s: Session, actor: Actor, key: str, text: str, *, now: datetime | None = None
) -> list[MentorshipNote]:
    """The session summary as one private ``session_summary`` note per student; saving again
    rewrites those notes rather than adding more."""
    row = _mentor_only(s, actor, key, "summary")
    _after_start(row, now, "summary")
    body = (text or "").strip()
    if not body:
        raise UserError("A session summary needs some text.")
    existing = {
        n.student_id: n
        for n in s.execute(
            select(MentorshipNote).where(
                note_scope(actor),
                MentorshipNote.session_id == row.id,
                MentorshipNote.kind == "session_summary",
            )
        ).scalars()
    }
    notes = []
    moment = now or clock.now()
    for student_id in _note_students(s, actor, row, None):
        if student_id in existing:
            note = writes.update(s, actor.id, existing[student_id], {"note": body})
        else:
            note = writes.insert(
                s,
                actor.id,
                MentorshipNote(
                    mentor_id=actor.id,
                    student_id=student_id,
                    kind="session_summary",
                    note=body,
                    added_at=moment,
                    session_id=row.id,
                ),
            )
        notes.append(note)
    s.flush()
    return notes


def add_action_items(
    s: Session,
    actor: Actor,
    key: str,
    items: Sequence[str],
    *,
    students: Sequence[str] | None = None,
    due: date | None = None,
    now: datetime | None = None,
) -> list[MentorshipNote]:
    """Follow-up action items as private ``action_item`` notes, one per item per student
    (every student of the session unless ``students`` names some)."""
    row = _mentor_only(s, actor, key, "action items")
    _after_start(row, now, "action items")
    texts = [t.strip() for t in items if t and t.strip()]
    if not texts:
        raise UserError("An action item needs some text.")
    moment = now or clock.now()
    notes = [
        writes.insert(
            s,
            actor.id,
            MentorshipNote(
                mentor_id=actor.id,
                student_id=student_id,
                kind="action_item",
                note=text,
                added_at=moment,
                due_date=due,
                session_id=row.id,
            ),
        )
        for student_id in _note_students(s, actor, row, students)
        for text in texts
    ]
    s.flush()
    return notes


def complete_session(
    s: Session,
    actor: Actor,
    key: str,
    *,
    attendance: Mapping[str, str],
    ratings: Mapping[str, int | str] | None = None,
    summary: str = "",
    action_items: Sequence[str] = (),
    now: datetime | None = None,
) -> SessionView:
    """The after-session form in one step: attendance for every student (by email or id),
    optional ratings, summary and action items; the session becomes completed."""
    row = _mentor_only(s, actor, key, "wrap-up")
    _after_start(row, now, "attendance")
    present = {a.student_id: a for a in attendee_rows(s, row.id, visible_to=actor)}
    given = {find_student(s, actor, k).id: check_attendance(v) for k, v in attendance.items()}
    missing = [sid for sid in present if sid not in given]
    if missing:
        names = s.execute(select(User.full_name).where(User.id.in_(missing))).scalars().all()
        raise UserError(f"Record attendance for {', '.join(clean_line(n) for n in names)} too.")
    scores = {find_student(s, actor, k).id: check_rating(v) for k, v in (ratings or {}).items()}
    for sid in list(given) + list(scores):
        if sid not in present:
            raise UserError("Attendance and ratings are only for students in that session.")
    for sid, attendee in present.items():
        changes: dict[str, Any] = {"attendance": given[sid]}
        if sid in scores:
            changes["rating"] = scores[sid]
        writes.update(s, actor.id, attendee, changes, action="record_attendance")
    if summary.strip():
        save_summary(s, actor, row.id, summary, now=now)
    if any(t.strip() for t in action_items):
        add_action_items(s, actor, row.id, action_items, now=now)
    writes.update(s, actor.id, row, {"status": "completed"}, action="complete_session")
    s.flush()
    return _views(s, actor, [row])[0]


# --- agenda templates ----------------------------------------------------------------------


def _template_scope(actor: Actor):
    """A mentor's own templates and the shared ones (no owner)."""
    return and_(
        live(SessionTemplate),
        or_(SessionTemplate.owner_id.is_(None), SessionTemplate.owner_id == actor.id),
    )


def list_templates(s: Session, actor: Actor) -> list[SessionTemplate]:
    return list(
        s.execute(
            select(SessionTemplate)
            .where(_template_scope(actor))
            .order_by(func.lower(SessionTemplate.title), SessionTemplate.id)
        )
        .scalars()
        .all()
    )


def get_template(s: Session, actor: Actor, template_id: str) -> SessionTemplate:
    row = s.execute(
        select(SessionTemplate).where(_template_scope(actor), SessionTemplate.id == template_id)
    ).scalar_one_or_none()
    if row is None:
        raise NotFound("No such agenda template that you can use.")
    return row


def _template_for_change(s: Session, actor: Actor, template_id: str) -> SessionTemplate:
    row = get_template(s, actor, template_id)
    if row.owner_id != actor.id and not (row.owner_id is None and actor.is_admin):
        raise AccessDenied("Only an admin can change a shared agenda template.")
    return row


def save_template(
    s: Session, actor: Actor, *, title: str, agenda: str, template_id: str | None = None
) -> SessionTemplate:
    """Create (or, with ``template_id``, edit) an agenda template: a mentor's own, or a shared
    one when an admin makes it."""
    if actor.is_student:
        raise AccessDenied("Only mentors and admins keep agenda templates.")
    name = check_title(title)
    if not name:
        raise UserError("An agenda template needs a title.")
    if template_id:
        row = _template_for_change(s, actor, template_id)
        writes.update(s, actor.id, row, {"title": name, "agenda": agenda})
    else:
        owner = None if actor.is_admin else actor.id
        row = writes.insert(s, actor.id, SessionTemplate(title=name, agenda=agenda, owner_id=owner))
    s.flush()
    return row


def delete_template(s: Session, actor: Actor, template_id: str) -> None:
    writes.tombstone(s, actor.id, _template_for_change(s, actor, template_id))


# --- reminders -----------------------------------------------------------------------------


def _already_reminded(s: Session, session_id: str, user_id: str, start: datetime) -> bool:
    logged = s.get(SessionReminderSent, (session_id, user_id, start))
    if logged is not None:
        return True
    # A reminder made on another device arrives by sync as a notification, not in this log.
    synced = s.execute(
        select(Notification.id).where(
            Notification.user_id == user_id,
            Notification.type == REMINDER_TYPE,
            func.json_extract(Notification.data, "$.session_id") == session_id,
            func.json_extract(Notification.data, "$.starts_at") == start.isoformat(),
        )
    ).first()
    return synced is not None


def run_session_reminders(
    s: Session,
    config: Config,
    now: datetime | None = None,
    minutes_before: int | None = None,
) -> list[Notification]:
    """Send each due session reminder once: to the mentor and every attendee of a scheduled
    session starting within ``minutes_before`` (default: the config's reminder lead). Run while
    the app is open and once on opening: a reminder missed while the app was closed still goes
    out if the session has not ended yet. Returns the notifications created."""
    moment = now or clock.now()
    lead = timedelta(
        minutes=minutes_before if minutes_before is not None else reminder_minutes(config)
    )
    rows = s.execute(
        select(MentorshipSession)
        .where(
            live(MentorshipSession),
            MentorshipSession.status == "scheduled",
            MentorshipSession.starts_at <= moment + lead,
            MentorshipSession.starts_at > moment - timedelta(minutes=MAX_DURATION_MINUTES),
        )
        .order_by(MentorshipSession.starts_at)
    ).scalars()
    sent: list[Notification] = []
    for row in [r for r in rows if ends_at(r) > moment]:
        start = clock.aware(row.starts_at)
        attendees = [
            u
            for u in s.execute(
                select(User)
                .join(SessionAttendee, SessionAttendee.student_id == User.id)
                .where(SessionAttendee.session_id == row.id, live(SessionAttendee), live(User))
                .order_by(User.full_name)
            ).scalars()
        ]
        mentor = s.get(User, row.mentor_id)
        recipients = (
            [mentor] if mentor is not None and mentor.deleted_at is None else []
        ) + attendees
        for person in recipients:
            if person.status == "Inactive" or _already_reminded(s, row.id, person.id, start):
                continue
            others = attendees if person.id == row.mentor_id else [mentor] if mentor else []
            note = notify(
                s,
                config,
                user_id=person.id,
                type=REMINDER_TYPE,
                title=_reminder_title(row, start, moment),
                message=_reminder_message(row, person, others),
                data={
                    "session_id": row.id,
                    "starts_at": start.isoformat(),
                    "meeting_link": row.meeting_link,
                },
                toggle="session_reminders",
            )
            if note is None:
                continue
            s.add(
                SessionReminderSent(
                    session_id=row.id,
                    user_id=person.id,
                    starts_at=start,
                    notification_id=note.id,
                    sent_at=moment,
                )
            )
            sent.append(note)
    s.flush()
    return sent


def _reminder_title(row: MentorshipSession, start: datetime, now: datetime) -> str:
    name = row.title or "Mentorship session"
    minutes = int((start - now).total_seconds() // 60)
    if minutes >= 1:
        return f"{name} starts in {clock.humanize_delta(start - now)}"
    return f"{name} has started" if start < now else f"{name} is starting now"


def _reminder_message(row: MentorshipSession, person: User, others: Sequence[User | None]) -> str:
    names = [o.full_name for o in others if o is not None]
    with_whom = f" with {', '.join(names)}" if names else ""
    when = format_span(clock.aware(row.starts_at), row.duration_minutes, person.timezone)
    link = f" Join: {row.meeting_link}" if row.meeting_link else ""
    return f"{when}{with_whom}.{link}"


__all__ = [
    "Attendee",
    "Clash",
    "SessionClash",
    "SessionView",
    "add_action_items",
    "attendee_rows",
    "cancel_session",
    "check_active",
    "check_agenda",
    "check_attendance",
    "check_duration",
    "check_link",
    "check_no_clash",
    "check_rating",
    "complete_session",
    "delete_template",
    "describe_clashes",
    "edit_session",
    "find_clashes",
    "find_session",
    "get_session",
    "get_template",
    "list_sessions",
    "list_templates",
    "rate_session",
    "record_attendance",
    "regroup",
    "reminder_minutes",
    "reschedule_session",
    "resolve_parties",
    "run_session_reminders",
    "save_summary",
    "save_template",
    "schedule_session",
    "student_in_scope",
]
