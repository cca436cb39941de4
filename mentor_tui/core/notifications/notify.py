"""Notifications: the inbox every user has (SPEC section 4.7).

``notify`` writes one through the write path unless the config toggle that governs it is off;
a user lists and marks as read their own notifications only.
"""

from __future__ import annotations

from dataclasses import fields
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlmodel import Session

from mentor_tui.config import Config, Notifications
from mentor_tui.core import clock, writes
from mentor_tui.core.access import Actor, student_scope
from mentor_tui.core.memo import memo
from mentor_tui.core.notifications.prefs import kind_of, stored_delivery
from mentor_tui.db.models import Assignment, Notification, Submission, User
from mentor_tui.errors import NotFound, UserError

TOGGLES: tuple[str, ...] = tuple(f.name for f in fields(Notifications))
MAX_LIST = 1000
FEEDBACK_RECEIVED = "feedback_received"
MESSAGE_REPORTED = "message_reported"
# a session scheduled, moved or cancelled: to every participant but whoever did it
SESSION_NOTICES = ("session_scheduled", "session_rescheduled", "session_cancelled")
# a student's booking request, progress review request or feedback request, and a peer
# mentor's review of a fellow student's work: to their mentor (issue 20)
TO_MY_MENTOR = (
    "booking_requested",
    "progress_review_requested",
    "feedback_requested",
    "peer_review_written",
)
# the mentor's answer to a booking request: to the student who asked
BOOKING_ANSWERS = ("booking_accepted", "booking_declined")


def notify(
    session: Session,
    config: Config | None,
    *,
    user_id: str,
    type: str,
    title: str,
    message: str = "",
    data: dict[str, Any] | None = None,
    toggle: str | None = None,
    actor_id: str | None = None,
) -> Notification | None:
    """Write a notification for ``user_id``; None (nothing written) when the person turned its
    kind off (core/notifications/prefs.py), or made no choice and ``toggle`` names a
    notification setting that is off."""
    chosen = stored_delivery(session, user_id, kind_of(type))
    if chosen == "off":
        return None
    if toggle is not None and chosen is None:
        if config is None:
            raise ValueError("a notification governed by a toggle needs the config")
        if toggle not in TOGGLES:
            raise ValueError(f"unknown notification toggle {toggle!r}; one of {TOGGLES}")
        if not getattr(config.notifications, toggle):
            return None
    row = Notification(
        user_id=user_id,
        type=type,
        title=title,
        message=message,
        data=writes.to_json_value(data or {}),
    )
    return writes.insert(session, actor_id, row, action="notify")


def written_by(actor: Actor) -> ColumnElement[bool]:
    """The notifications a mentor's or a student's own actions write, so the only ones they may
    create (the sync server allows no others): their own reminders, made for the signed-in
    person, and a mentor's "feedback received" to one of their students, written by deciding
    that student's submission: its ``data`` names a submission of that student which this
    mentor has decided (a notification is the trace of its event, not a message of the
    mentor's choosing; messages are for that); a session scheduled, moved or cancelled, to its
    other participants (a mentor's students, a student's mentor); a student's booking or
    feedback request, to their mentor, and the mentor's answer to a booking request, to their
    student; and anyone's report of a
    message, to the admins. Everything else (assignments, unavailability) is an admin's doing;
    an admin is not limited by this."""
    mine = Notification.user_id == actor.id
    # anyone may report a message to the admins (core/messages: the escalation path)
    report = and_(
        Notification.type == MESSAGE_REPORTED,
        Notification.user_id.in_(select(User.id).where(User.role == "admin")),
    )
    mine = or_(mine, report)
    session_notice = Notification.type.in_(SESSION_NOTICES)
    if not actor.is_mentor:
        # a student books a session with their mentor: the mentor hears of it
        my_mentor = select(User.mentor_id).where(User.id == actor.id).scalar_subquery()
        to_mentor = Notification.type.in_((*SESSION_NOTICES, *TO_MY_MENTOR))
        return or_(mine, and_(to_mentor, Notification.user_id == my_mentor))
    decided_by_me = (
        select(Submission.id)
        .where(
            Submission.student_id == Notification.user_id,
            Submission.reviewer_id == actor.id,
            Submission.status != "pending",
        )
        .correlate(Notification)
    )
    to_my_students = Notification.user_id.in_(select(User.id).where(student_scope(actor)))
    feedback = and_(
        Notification.type == FEEDBACK_RECEIVED,
        to_my_students,
        Notification.data["submission_id"].as_string().in_(decided_by_me),
    )
    to_student = or_(session_notice, Notification.type.in_(BOOKING_ANSWERS))
    return or_(mine, feedback, and_(to_student, to_my_students))


def notify_new_submission(
    session: Session, config: Config, submission: Submission, *, actor_id: str | None = None
) -> Notification | None:
    """Tell the student's mentor of a new pending submission (the source document's "New
    Submission Alert"), whichever door it came in by; None when the student has no mentor or
    the setting is off."""
    student = session.get(User, submission.student_id)
    if student is None or student.mentor_id is None:
        return None
    assignment = session.get(Assignment, submission.assignment_id)
    title = assignment.title if assignment is not None else "an assignment"
    return notify(
        session,
        config,
        user_id=student.mentor_id,
        type="new_submission",
        title="New submission",
        message=f"{student.full_name} submitted {title}.",
        data={"submission_id": submission.id, "student_id": student.id},
        toggle="pending_submission_reminder",
        actor_id=actor_id,
    )


def _mine(actor: Actor) -> ColumnElement[bool]:
    """A notification is its recipient's alone, whatever their role."""
    return and_(Notification.user_id == actor.id, Notification.deleted_at.is_(None))


def list_notifications(
    session: Session, actor: Actor, *, unread_only: bool = False, limit: int = 50
) -> list[Notification]:
    """The actor's own notifications, newest first."""
    if not 0 <= limit <= MAX_LIST:
        raise UserError(f"Ask for between 0 and {MAX_LIST} notifications, not {limit}.")
    query = select(Notification).where(_mine(actor))
    if unread_only:
        query = query.where(Notification.read_at.is_(None))
    query = query.order_by(Notification.created_at.desc(), Notification.id).limit(limit)
    return list(session.execute(query).scalars())


def unread_count(session: Session, actor: Actor) -> int:
    query = (
        select(func.count())
        .select_from(Notification)
        .where(_mine(actor), Notification.read_at.is_(None))
    )
    return int(session.execute(query).scalar_one())


def mark_read(
    session: Session, actor: Actor, notification_id: str, *, now: datetime | None = None
) -> None:
    """Mark one of the actor's notifications read; someone else's is 'not found'."""
    row = session.execute(
        select(Notification).where(_mine(actor), Notification.id == notification_id.strip())
    ).scalar_one_or_none()
    if row is None:
        raise NotFound(f"You have no notification {notification_id!r}.")
    if row.read_at is None:
        writes.update(session, actor.id, row, {"read_at": now or clock.now()}, action="read")


def mark_all_read(session: Session, actor: Actor, *, now: datetime | None = None) -> int:
    """Mark every unread notification of the actor read; how many there were."""
    moment = now or clock.now()
    rows = list(
        session.execute(
            select(Notification).where(_mine(actor), Notification.read_at.is_(None))
        ).scalars()
    )
    for row in rows:
        writes.update(session, actor.id, row, {"read_at": moment}, action="read")
    return len(rows)


def _filtered(actor: Actor, text: str) -> ColumnElement[bool]:
    condition = _mine(actor)
    if text.strip():
        needle = text.strip()
        condition = and_(
            condition,
            or_(
                Notification.title.contains(needle, autoescape=True),
                Notification.message.contains(needle, autoescape=True),
            ),
        )
    return condition


def count_notifications(session: Session, actor: Actor, text: str = "") -> int:
    """How many notifications ``notifications_page`` lists; unfiltered, kept until the store
    changes (``core/memo.py``): 100,000 rows are not counted again for each open of screen 7."""
    query = select(func.count()).select_from(Notification).where(_filtered(actor, text))
    if text.strip():
        return int(session.execute(query).scalar_one())
    return memo(
        session,
        ("notifications.count", actor),
        lambda: int(session.execute(query).scalar_one()),
    )


def notifications_page(
    session: Session, actor: Actor, *, offset: int = 0, limit: int = 100, text: str = ""
) -> list[Notification]:
    """One page of the actor's notifications, newest first (the inbox's list). The first page
    of the unfiltered list is kept until the store changes (``core/memo.py``): screen 7 opened
    again, or after the app's preload read it, shows it without reading it again."""
    query = (
        select(Notification)
        .where(_filtered(actor, text))
        .order_by(Notification.created_at.desc(), Notification.id)
        .offset(offset)
        .limit(limit)
    )
    if offset or text.strip():
        return list(session.execute(query).scalars())
    # kept as a tuple of rows read with their columns (the session does not expire them)
    kept = memo(
        session,
        ("notifications.first_page", actor, limit),
        lambda: tuple(session.execute(query).scalars()),
    )
    return list(kept)


def next_unread_index(session: Session, actor: Actor, after: int, text: str = "") -> int | None:
    """The position (in ``notifications_page``'s order) of the first unread notification after
    position ``after``; None when there is none."""
    position = (
        func.row_number().over(order_by=(Notification.created_at.desc(), Notification.id)) - 1
    )
    ranked = (
        select(position.label("n"), Notification.read_at).where(_filtered(actor, text)).subquery()
    )
    query = (
        select(ranked.c.n)
        .where(ranked.c.read_at.is_(None), ranked.c.n > after)
        .order_by(ranked.c.n)
        .limit(1)
    )
    found = session.execute(query).scalar_one_or_none()
    return None if found is None else int(found)


def mark_unread(session: Session, actor: Actor, notification_id: str) -> None:
    row = session.execute(
        select(Notification).where(_mine(actor), Notification.id == notification_id.strip())
    ).scalar_one_or_none()
    if row is None:
        raise NotFound(f"You have no notification {notification_id!r}.")
    if row.read_at is not None:
        writes.update(session, actor.id, row, {"read_at": None}, action="unread")


__all__ = [
    "BOOKING_ANSWERS",
    "FEEDBACK_RECEIVED",
    "MESSAGE_REPORTED",
    "SESSION_NOTICES",
    "TOGGLES",
    "TO_MY_MENTOR",
    "count_notifications",
    "list_notifications",
    "mark_all_read",
    "mark_read",
    "mark_unread",
    "next_unread_index",
    "notifications_page",
    "notify",
    "notify_new_submission",
    "unread_count",
    "written_by",
]
