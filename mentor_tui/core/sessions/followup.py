"""After a session (SPEC 4.5): attendance, the student's rating 1-5, a summary and follow-up
action items; completing the session in one step.

- Attendance and summaries belong to the session's mentor (admins may record attendance);
  the rating is the student's, given by the student or recorded by the mentor.
- A summary and follow-ups are private mentorship notes (kinds ``session_summary`` and
  ``action_item``) authored by the session's mentor, one per student, linked to the session.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlmodel import Session

from mentor_tui.core import clock, writes
from mentor_tui.core.access import Actor, find_student, live, note_scope
from mentor_tui.core.sessions.rules import check_agenda, check_attendance, check_rating
from mentor_tui.core.sessions.scheduling import session_for_change
from mentor_tui.core.sessions.views import SessionView, attendee_rows, find_session, views_of
from mentor_tui.core.text import clean_line
from mentor_tui.db.models import MentorshipNote, MentorshipSession, SessionAttendee, User
from mentor_tui.errors import AccessDenied, UserError

MAX_COMMENT_CHARS = 2000

# --- after the session ---------------------------------------------------------------------


def _attendee(s: Session, actor: Actor, row: MentorshipSession, student: str) -> SessionAttendee:
    person = find_student(s, actor, student)
    found: SessionAttendee | None = s.execute(
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
    if row.status in ("requested", "declined"):
        raise UserError(f"That session is a booking {row.status}, so it has no {what}.")
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
    row = session_for_change(s, actor, key)
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
    comment: str | None = None,
    now: datetime | None = None,
) -> SessionAttendee:
    """The student's rating of a session, 1-5 (with an optional comment): given by the student
    themselves, or recorded for ``student`` by the session's mentor or an admin."""
    value = check_rating(rating)
    words = check_agenda(comment).strip() if comment is not None else None
    if words is not None and len(words) > MAX_COMMENT_CHARS:
        raise UserError(f"A rating's comment is at most {MAX_COMMENT_CHARS} characters.")
    if actor.is_student:
        row = find_session(s, actor, key)
        if student is not None and find_student(s, actor, student).id != actor.id:
            raise AccessDenied("A student rates only their own sessions.")
        student = actor.id
    else:
        row = session_for_change(s, actor, key)
        if student is None:
            raise UserError("Say which student's rating this is.")
    _after_start(row, now, "rating")
    attendee = _attendee(s, actor, row, student)
    changes: dict[str, Any] = {"rating": value}
    if words is not None:
        changes["rating_comment"] = words or None
    writes.update(s, actor.id, attendee, changes, action="rate_session")
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
    return views_of(s, actor, [row])[0]


__all__ = [
    "MAX_COMMENT_CHARS",
    "add_action_items",
    "complete_session",
    "rate_session",
    "record_attendance",
    "save_summary",
]
