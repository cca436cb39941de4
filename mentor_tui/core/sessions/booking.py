"""A student books a session with their own mentor (issue 20): a booking request the mentor
accepts or declines, or one accepted at once when the mentor's profile says so
(``auto_accept_bookings``).

- Only a student books, and only with their own mentor, at a time free for both: inside both
  parties' availability windows (when they have any), on nobody's day off, and never a clash
  (a request waiting for the mentor holds its time too, so two students never ask for one slot).
- Only the session's mentor (or an admin) accepts or declines; a declined request keeps its
  reason and no longer holds the time.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlmodel import Session

from mentor_tui.config import Config
from mentor_tui.core import clock, writes
from mentor_tui.core.access import Actor, find_user, live, session_scope
from mentor_tui.core.sessions.notices import (
    PROGRESS_REVIEW,
    notify_booking_answer,
    notify_booking_requested,
    notify_participants,
)
from mentor_tui.core.sessions.rules import (
    auto_accepts,
    check_active,
    check_agenda,
    check_duration,
    check_no_clash,
    default_title,
    resolve_parties,
    utc_moment,
)
from mentor_tui.core.sessions.scheduling import session_for_change
from mentor_tui.core.sessions.slots import find_free_slots
from mentor_tui.core.sessions.views import SessionView, views_of
from mentor_tui.core.timezones import format_moment
from mentor_tui.core.validation import MAX_TITLE_CHARS
from mentor_tui.db.models import MentorProfile, MentorshipSession, SessionAttendee
from mentor_tui.errors import AccessDenied, UserError

MAX_NOTE_CHARS = 2000
MAX_REASON_CHARS = 500
# booked starts fall on this grid of the mentor's wall clock (as free slots are offered)
BOOKING_STEP_MINUTES = 5


def _student_only(actor: Actor) -> None:
    if not actor.is_student:
        raise AccessDenied("Only a student books a session with their mentor.")


def next_bookable(
    s: Session, actor: Actor, config: Config, *, now: datetime | None = None
) -> datetime:
    """The first start free for the student and their mentor (see ``find_free_slots``)."""
    _student_only(actor)
    after = now or clock.now()
    slots = find_free_slots(s, actor, config, [actor.id], after=after, count=1, step_minutes=30)
    if not slots:
        raise UserError("Your mentor has no free slot that suits you in the next four weeks.")
    return slots[0].starts_at


def _check_free(s: Session, actor: Actor, config: Config, start: datetime, minutes: int) -> None:
    """``start`` is a free start for both parties (windows, days off, other sessions)."""
    slots = find_free_slots(
        s,
        actor,
        config,
        [actor.id],
        duration_minutes=minutes,
        after=start,
        count=1,
        step_minutes=BOOKING_STEP_MINUTES,
        horizon_days=1,
    )
    if not slots or slots[0].starts_at != start:
        when = format_moment(start, actor.timezone)
        raise UserError(
            f"{when} is not a free slot of your mentor's that suits you; "
            f"see `mentor-tui sessions free` for the ones that are."
        )


def book_session(
    s: Session,
    actor: Actor,
    config: Config,
    *,
    starts_at: datetime,
    timezone: str | None = None,
    note: str | None = None,
    now: datetime | None = None,
    session_id: str | None = None,
    progress_review: bool = False,
) -> SessionView:
    """A student's booking with their own mentor: a request (status ``requested``), or a
    scheduled session when the mentor accepts bookings at once. ``progress_review``: the
    student asks for a progress review meeting (its title says so, and so does the mentor's
    notification)."""
    _student_only(actor)
    mentor, people = resolve_parties(s, actor, [actor.id])
    check_active(people)
    minutes = check_duration(config.session_duration_minutes)
    tz_name = timezone or actor.timezone
    clock.zone(tz_name)
    start = utc_moment(starts_at)
    if start <= (now or clock.now()):
        raise UserError("A booking is for a time still to come.")
    agenda = check_agenda(note).strip()
    if len(agenda) > MAX_NOTE_CHARS:
        raise UserError(f"A booking note is at most {MAX_NOTE_CHARS} characters.")
    check_no_clash(
        s,
        actor,
        mentor_id=mentor.id,
        student_ids=[actor.id],
        starts_at=start,
        duration_minutes=minutes,
    )
    _check_free(s, actor, config, start, minutes)
    status = "scheduled" if auto_accepts(s, mentor.id) else "requested"
    row = MentorshipSession(
        mentor_id=mentor.id,
        kind="one_on_one",
        title=(
            f"{PROGRESS_REVIEW}: {default_title(people)}"[:MAX_TITLE_CHARS]
            if progress_review
            else default_title(people)
        ),
        starts_at=start,
        duration_minutes=minutes,
        timezone=tz_name,
        agenda=agenda,
        status=status,
        summary="",
    )
    if session_id:
        row.id = session_id
    writes.insert(s, actor.id, row, action="book_session")
    writes.insert(s, actor.id, SessionAttendee(session_id=row.id, student_id=actor.id))
    s.flush()
    if status == "requested":
        notify_booking_requested(s, actor, row)
    else:
        notify_participants(s, actor, row, "session_scheduled")
    return views_of(s, actor, [row])[0]


def booking_requests(s: Session, actor: Actor, *, now: datetime | None = None) -> list[SessionView]:
    """Booking requests still waiting, earliest first: a mentor's to answer, a student's own,
    an admin's every one. Requests whose time has passed are left out."""
    rows = list(
        s.execute(
            select(*MentorshipSession.__table__.columns)
            .where(
                session_scope(actor),
                MentorshipSession.status == "requested",
                MentorshipSession.starts_at > (now or clock.now()),
            )
            .order_by(MentorshipSession.starts_at, MentorshipSession.id)
        ).all()
    )
    return views_of(s, actor, rows)


def _request_for_answer(s: Session, actor: Actor, key: str) -> MentorshipSession:
    row = session_for_change(s, actor, key)
    if row.status != "requested":
        raise UserError(f"That session is {row.status}, not a booking request waiting for you.")
    return row


def accept_request(
    s: Session, actor: Actor, key: str, *, now: datetime | None = None
) -> SessionView:
    """The mentor (or an admin) accepts a booking request: it becomes a scheduled session."""
    row = _request_for_answer(s, actor, key)
    if clock.aware(row.starts_at) <= (now or clock.now()):
        raise UserError("That request's time has passed; it can no longer be accepted.")
    students = [
        a
        for a in s.execute(
            select(SessionAttendee.student_id).where(
                SessionAttendee.session_id == row.id, live(SessionAttendee)
            )
        ).scalars()
    ]
    check_no_clash(
        s,
        actor,
        mentor_id=row.mentor_id,
        student_ids=students,
        starts_at=clock.aware(row.starts_at),
        duration_minutes=row.duration_minutes,
        ignore_session_id=row.id,
    )
    writes.update(s, actor.id, row, {"status": "scheduled"}, action="accept_booking")
    s.flush()
    notify_booking_answer(s, actor, row, "")
    return views_of(s, actor, [row])[0]


def decline_request(s: Session, actor: Actor, key: str, reason: str = "") -> SessionView:
    """The mentor (or an admin) declines a booking request, with an optional reason; the time
    is free again."""
    row = _request_for_answer(s, actor, key)
    text = " ".join((reason or "").split())
    if len(text) > MAX_REASON_CHARS:
        raise UserError(f"A reason is at most {MAX_REASON_CHARS} characters.")
    writes.update(
        s,
        actor.id,
        row,
        {"status": "declined", "decline_reason": text},
        action="decline_booking",
    )
    s.flush()
    notify_booking_answer(s, actor, row, text)
    return views_of(s, actor, [row])[0]


def set_auto_accept(s: Session, actor: Actor, on: bool, *, mentor: str | None = None) -> str:
    """Set a mentor's "bookings accepted at once" flag: their own, or any mentor's for an
    admin; the mentor's email."""
    if mentor is None:
        if actor.is_admin:
            raise UserError("Say which mentor with --mentor.")
        if not actor.is_mentor:
            raise AccessDenied("Only a mentor (or an admin) sets how bookings are taken.")
        person = find_user(s, actor, actor.id)
    else:
        person = find_user(s, actor, mentor)
        if person.role != "mentor":
            raise UserError(f"{person.email} is not a mentor.")
    if not (actor.is_admin or person.id == actor.id):
        raise AccessDenied("A mentor sets how they take bookings themself (or an admin does).")
    profile = s.execute(
        select(MentorProfile).where(MentorProfile.user_id == person.id, live(MentorProfile))
    ).scalar_one_or_none()
    if profile is None:
        writes.insert(
            s,
            actor.id,
            MentorProfile(user_id=person.id, auto_accept_bookings=on),
            action="set_auto_accept",
        )
    elif bool(profile.auto_accept_bookings) != on:
        writes.update(s, actor.id, profile, {"auto_accept_bookings": on}, action="set_auto_accept")
    s.flush()
    return person.email


__all__ = [
    "MAX_REASON_CHARS",
    "accept_request",
    "auto_accepts",
    "book_session",
    "booking_requests",
    "decline_request",
    "next_bookable",
    "set_auto_accept",
]
