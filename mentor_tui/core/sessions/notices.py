"""Notifications of a session scheduled, rescheduled or cancelled, to every participant (the
mentor and each student) but whoever made the change, with the time in each one's own
timezone (issue 17)."""

from __future__ import annotations

from sqlalchemy import select
from sqlmodel import Session

from mentor_tui.core import clock
from mentor_tui.core.access import Actor
from mentor_tui.core.notifications.notify import notify
from mentor_tui.db.models import MentorshipSession, SessionAttendee, User

_WORDS = {
    "session_scheduled": ("Session scheduled", "scheduled"),
    "session_rescheduled": ("Session moved", "moved"),
    "session_cancelled": ("Session cancelled", "cancelled"),
}


def participants(s: Session, row: MentorshipSession) -> list[User]:
    students = select(SessionAttendee.student_id).where(
        SessionAttendee.session_id == row.id, SessionAttendee.deleted_at.is_(None)
    )
    query = select(User).where(
        User.deleted_at.is_(None), (User.id == row.mentor_id) | User.id.in_(students)
    )
    return list(s.execute(query.order_by(User.id)).scalars())


def notify_participants(
    s: Session,
    actor: Actor,
    row: MentorshipSession,
    kind: str,
    *,
    only: set[str] | None = None,
    skip: set[str] | None = None,
) -> int:
    """Tell the session's participants (``only`` these ids, if given; not those in ``skip``)
    but the actor; how many notifications were written."""
    title, verb = _WORDS[kind]
    s.flush()
    written = 0
    for person in participants(s, row):
        if person.id == actor.id or (only is not None and person.id not in only):
            continue
        if skip is not None and person.id in skip:
            continue
        when = clock.to_local(clock.aware(row.starts_at), person.timezone)
        notify(
            s,
            None,
            user_id=person.id,
            type=kind,
            title=f"{title}: {row.title}",
            message=f"{actor.full_name} {verb} “{row.title}”, "
            f"{when:%a %d %b %H:%M} ({person.timezone}).",
            data={"session_id": row.id},
            actor_id=actor.id,
        )
        written += 1
    return written


def _when(row: MentorshipSession, person: User) -> str:
    when = clock.to_local(clock.aware(row.starts_at), person.timezone)
    return f"{when:%a %d %b %H:%M} ({person.timezone})"


# the title a progress review meeting a student asks for begins with
PROGRESS_REVIEW = "Progress review"


def notify_booking_requested(s: Session, actor: Actor, row: MentorshipSession) -> None:
    """A student's booking request: their mentor hears of it, with the time in the mentor's
    own timezone."""
    mentor = s.get(User, row.mentor_id)
    if mentor is None or mentor.deleted_at is not None:
        return
    when = _when(row, mentor)
    note = f" Note: {row.agenda}" if row.agenda else ""
    review = row.title.startswith(PROGRESS_REVIEW)
    notify(
        s,
        None,
        user_id=mentor.id,
        type="progress_review_requested" if review else "booking_requested",
        title=f"{'Progress review' if review else 'Booking'} requested: {when}",
        message=(
            f"{actor.full_name} asks for "
            f"{'a progress review meeting' if review else 'a session'} {when}.{note}"
        ),
        data={"session_id": row.id},
        actor_id=actor.id,
    )


def notify_booking_answer(s: Session, actor: Actor, row: MentorshipSession, reason: str) -> int:
    """The mentor's answer to a booking request (``row`` is now scheduled or declined): each
    student of it but the actor hears, a decline with its reason; how many were told."""
    accepted = row.status == "scheduled"
    kind = "booking_accepted" if accepted else "booking_declined"
    written = 0
    s.flush()
    for person in participants(s, row):
        if person.id in (actor.id, row.mentor_id):
            continue
        when = _when(row, person)
        if accepted:
            title = f"Booking accepted: {when}"
            message = f"{actor.full_name} accepted your session {when}."
        else:
            title = f"Booking declined: {when}"
            message = f"{actor.full_name} declined your session {when}."
            if reason:
                message += f" Reason: {reason}"
        notify(
            s,
            None,
            user_id=person.id,
            type=kind,
            title=title,
            message=message,
            data={"session_id": row.id},
            actor_id=actor.id,
        )
        written += 1
    return written


__all__ = [
    "notify_booking_answer",
    "notify_booking_requested",
    "notify_participants",
    "participants",
]
