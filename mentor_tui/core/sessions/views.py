"""Sessions as an actor may see them (SPEC 4.5): the calendar's lists, one session by id, and
a session's attendees. Attendees are only the students in the actor's scope."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, exists, select
from sqlalchemy.sql.util import ClauseAdapter
from sqlmodel import Session

from mentor_tui.core import clock
from mentor_tui.core.access import Actor, find_student, live, session_scope, student_scope
from mentor_tui.core.sessions.rules import MAX_DURATION_MINUTES, ends_at, utc_moment
from mentor_tui.core.text import clean_line
from mentor_tui.core.timezones import format_span
from mentor_tui.db.models import MentorshipSession, SessionAttendee, User
from mentor_tui.errors import NotFound, UserError


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
    decline_reason: str = ""  # why the mentor declined a booking request

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
            "decline_reason": self.decline_reason,
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


def views_of(s: Session, actor: Actor, rows: Sequence[Any]) -> list[SessionView]:
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
                decline_reason=r.decline_reason,
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
        query = query.where(MentorshipSession.starts_at < utc_moment(end))
    if start is not None:
        earliest = utc_moment(start) - timedelta(minutes=MAX_DURATION_MINUTES)
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
        after = utc_moment(start)
        rows = [r for r in rows if ends_at(r) > after]
    if limit is not None:
        rows = rows[:limit]
    return views_of(s, actor, rows)


def find_session(s: Session, actor: Actor, key: str) -> MentorshipSession:
    """A session the actor may see, by id or an unambiguous id prefix (8+ characters)."""
    key = (key or "").strip().lower()
    if not key:
        raise UserError("Give a session id.")
    row: MentorshipSession | None = s.execute(
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
    return views_of(s, actor, [find_session(s, actor, key)])[0]


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


__all__ = [
    "Attendee",
    "SessionView",
    "attendee_rows",
    "find_session",
    "get_session",
    "list_sessions",
    "student_in_scope",
    "views_of",
]
