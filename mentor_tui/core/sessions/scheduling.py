"""Scheduling mentorship sessions (SPEC 4.5): schedule, edit, reschedule and cancel one-on-one
and group sessions, with double booking refused.

The rules (fields, who holds a session, clashes) are in ``session_rules``; what the screens
read in ``session_views``; attendance, ratings, summaries and action items after a session in
``session_followup``; agenda templates in ``session_templates``; reminders in
``session_reminders``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlmodel import Session

from mentor_tui.config import Config
from mentor_tui.core import clock, writes
from mentor_tui.core.access import Actor
from mentor_tui.core.sessions.notices import notify_participants
from mentor_tui.core.sessions.rules import (
    auto_accepts,
    check_active,
    check_agenda,
    check_duration,
    check_link,
    check_no_clash,
    check_title,
    default_title,
    resolve_parties,
    utc_moment,
)
from mentor_tui.core.sessions.templates import get_template
from mentor_tui.core.sessions.views import SessionView, attendee_rows, find_session, views_of
from mentor_tui.core.text import clean_line
from mentor_tui.db.models import MentorshipSession, SessionAttendee, User
from mentor_tui.errors import AccessDenied, UserError

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
    start = utc_moment(starts_at)
    template = get_template(s, actor, template_id) if template_id else None
    name = check_title(title) or (template.title if template else "") or default_title(people)
    text = check_agenda(agenda if agenda is not None else (template.agenda if template else ""))
    link = check_link(meeting_link)
    if status not in ("scheduled", "cancelled"):
        raise UserError(f"A new session is scheduled or cancelled, not {status!r}.")
    if actor.is_student and status == "scheduled" and not auto_accepts(s, mentor.id):
        status = "requested"  # the mentor accepts or declines it (sessions/booking.py)
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
    if status == "scheduled":
        notify_participants(s, actor, row, "session_scheduled")
    return views_of(s, actor, [row])[0]


def session_for_change(s: Session, actor: Actor, key: str) -> MentorshipSession:
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
    row = session_for_change(s, actor, key)
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
    start = utc_moment(starts_at) if starts_at is not None else clock.aware(row.starts_at)
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
    before = {a.student_id for a in current}
    if people is not None and regrouping:
        regroup(s, actor, row, current, people)
        changes["kind"] = "group" if len(people) > 1 else "one_on_one"
    action = "reschedule_session" if moving else "update"
    writes.update(s, actor.id, row, changes, action=action)
    s.flush()
    if row.status == "scheduled":
        joined = {p.id for p in people or []} - before if regrouping else set()
        if joined:
            notify_participants(s, actor, row, "session_scheduled", only=joined)
        if moving:  # everyone else: the ones who just joined heard of the new time
            notify_participants(s, actor, row, "session_rescheduled", skip=joined)
    return views_of(s, actor, [row])[0]


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
    row = session_for_change(s, actor, key)
    if row.status == "cancelled":
        raise UserError("That session is already cancelled.")
    if row.status == "completed":
        raise UserError("That session already took place and is completed; it cannot be cancelled.")
    writes.update(s, actor.id, row, {"status": "cancelled"}, action="cancel_session")
    s.flush()
    notify_participants(s, actor, row, "session_cancelled")
    return views_of(s, actor, [row])[0]


__all__ = [
    "cancel_session",
    "edit_session",
    "regroup",
    "reschedule_session",
    "schedule_session",
    "session_for_change",
]
