"""Assigning students to mentors by hand (SPEC section 4.6): admins only, never past a
mentor's capacity unless explicitly forced, audit-logged, and both people are told.

A mentor's load is every live student whose ``mentor_id`` is theirs, whatever the student's
status (the count ``matching.mentor_loads`` uses too); their capacity is their profile's, or
``max_students_per_mentor`` when they have no profile.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import func, select
from sqlmodel import Session

from mentor_tui.config import Config, load_config
from mentor_tui.core import writes
from mentor_tui.core.access import Actor, find_student, find_user, require_admin
from mentor_tui.core.notifications.notify import notify
from mentor_tui.db.models import MentorProfile, User
from mentor_tui.errors import UserError


def mentor_load(
    session: Session, mentor_id: str, *, config: Config | None = None
) -> tuple[int, int]:
    """(students, capacity) of one mentor."""
    students = session.execute(
        select(func.count())
        .select_from(User)
        .where(User.role == "student", User.deleted_at.is_(None), User.mentor_id == mentor_id)
    ).scalar_one()
    capacity = session.execute(
        select(MentorProfile.capacity).where(
            MentorProfile.user_id == mentor_id, MentorProfile.deleted_at.is_(None)
        )
    ).scalar_one_or_none()
    if capacity is None:
        capacity = (config or load_config()).max_students_per_mentor
    return int(students), int(capacity)


def check_seat(
    session: Session, mentor: User, *, force: bool, config: Config | None = None
) -> tuple[int, int, bool]:
    """(students, capacity, over) for one more student of ``mentor``; refused when it would go
    over the mentor's capacity, unless ``force`` (an admin's explicit override). The app's
    assignments and the sync server's both ask this."""
    load, capacity = mentor_load(session, mentor.id, config=config)
    over = load + 1 > capacity
    if over and not force:
        raise UserError(
            f"{mentor.full_name} is at capacity ({load} of {capacity} students); "
            "force the assignment to go over it."
        )
    return load, capacity, over


def active_mentor(session: Session, actor: Actor, mentor_key: str) -> User:
    """The mentor called ``mentor_key`` (id or email), refusing anyone who is not an active
    mentor."""
    mentor = find_user(session, actor, mentor_key)
    if mentor.role != "mentor":
        raise UserError(f"{mentor.email} is not a mentor.")
    if mentor.status != "Active":
        raise UserError(f"{mentor.email} is not an active mentor ({mentor.status}).")
    return mentor


def assign_student(
    session: Session,
    actor: Actor,
    student_key: str,
    mentor_key: str,
    *,
    force: bool = False,
    config: Config | None = None,
) -> User:
    """Make ``mentor_key`` the mentor of ``student_key``; the mentor (toggle
    ``new_student_assignment``) and the student are notified, and the audit detail names any
    previous mentor.

    Refused when the mentor is at capacity, unless ``force``; assigning a student to the mentor
    they already have changes nothing."""
    require_admin(actor, "assign students to mentors")
    config = config or load_config()
    student = find_student(session, actor, student_key)
    mentor = active_mentor(session, actor, mentor_key)
    if student.mentor_id == mentor.id:
        return student
    load, capacity, over = check_seat(session, mentor, force=force, config=config)
    previous = session.get(User, student.mentor_id) if student.mentor_id else None
    detail: dict[str, object] = {
        "student": student.email,
        "mentor_id": mentor.id,
        "mentor": mentor.email,
        "load_before": load,
        "capacity": capacity,
        "forced": bool(over and force),
    }
    if previous is not None:
        detail |= {"previous_mentor_id": previous.id, "previous_mentor": previous.email}
    writes.update(
        session,
        actor.id,
        student,
        {"mentor_id": mentor.id},
        action="assign",
        detail=detail,
        overrides=["capacity"] if over else None,
    )

    notify(
        session,
        config,
        user_id=mentor.id,
        type="new_student_assignment",
        title="New student assigned",
        message=f"{student.full_name} ({student.email}) is now your student.",
        data={"student_id": student.id},
        toggle="new_student_assignment",
        actor_id=actor.id,
    )
    notify(
        session,
        config,
        user_id=student.id,
        type="mentor_assigned",
        title="Mentor assigned",
        message=f"{mentor.full_name} is now your mentor.",
        data={"mentor_id": mentor.id},
        actor_id=actor.id,
    )
    return student


def unassign_student(session: Session, actor: Actor, student_key: str) -> User:
    """Leave the student without a mentor (the previous mentor is in the audit detail). A
    student without a mentor is left as is."""
    require_admin(actor, "unassign students")
    student = find_student(session, actor, student_key)
    if student.mentor_id is None:
        return student
    previous = session.get(User, student.mentor_id)
    detail = {"student": student.email, "previous_mentor_id": student.mentor_id}
    if previous is not None:
        detail["previous_mentor"] = previous.email
    writes.update(session, actor.id, student, {"mentor_id": None}, action="unassign", detail=detail)
    return student


def mentor_loads(session: Session, mentor_ids: Iterable[str] | None = None) -> dict[str, int]:
    """Students per mentor: every live student whose ``mentor_id`` is the mentor's, whatever
    their status (the same count as ``mentor_load``)."""
    query = (
        select(User.mentor_id, func.count())
        .where(User.role == "student", User.deleted_at.is_(None), User.mentor_id.is_not(None))
        .group_by(User.mentor_id)
    )
    if mentor_ids is not None:
        query = query.where(User.mentor_id.in_(list(mentor_ids)))
    return {mentor_id: count for mentor_id, count in session.execute(query)}


__all__ = [
    "active_mentor",
    "assign_student",
    "check_seat",
    "mentor_load",
    "mentor_loads",
    "unassign_student",
]
