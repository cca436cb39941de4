"""Announcements to a chosen group (issue 17): beyond a mentor's students (an admin's: all
students, all mentors, everyone), the students of one course (a mentor: those of their own
students; an admin: all) and the mentors of one specialization (an admin).

A group is the announcement's ``audience``: ``course:<course id>`` or
``specialization:<name>``; who reads it is ``core/access.py``'s ``announcement_scope``, so a
student who starts a course later sees the announcements made to it.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlmodel import Session

from mentor_tui.core.access import (
    COURSE_GROUP,
    SPECIALIZATION_GROUP,
    Actor,
    announcement_audiences,
    group_prefixes,
    student_scope,
)
from mentor_tui.core.messages.rules import AUDIENCE_LABELS
from mentor_tui.db.models import Course, MentorSpecialization, Module, ModuleProgress, User
from mentor_tui.errors import AccessDenied, UserError


@dataclass(frozen=True)
class Group:
    audience: str
    label: str


def audience_label(session: Session, audience: str | None) -> str:
    """How an announcement's audience reads: "students", "the course “Flask”", ..."""
    name = audience or "students"
    if name.startswith(COURSE_GROUP):
        course = session.get(Course, name.removeprefix(COURSE_GROUP))
        return f"the course “{course.title if course else '(gone)'}”"
    if name.startswith(SPECIALIZATION_GROUP):
        return f"mentors of {name.removeprefix(SPECIALIZATION_GROUP)}"
    return AUDIENCE_LABELS.get(name, name)


def _courses(session: Session, actor: Actor) -> list[tuple[str, str]]:
    query = (
        select(Course.id, Course.title)
        .join(Module, Module.course_id == Course.id)
        .join(ModuleProgress, ModuleProgress.module_id == Module.id)
        .join(User, User.id == ModuleProgress.user_id)
        .where(
            Course.deleted_at.is_(None),
            ModuleProgress.deleted_at.is_(None),
            User.role == "student",
            student_scope(actor),
        )
        .distinct()
        .order_by(Course.title, Course.id)
    )
    return [(r[0], r[1]) for r in session.execute(query)]


def _specializations(session: Session) -> list[str]:
    query = (
        select(MentorSpecialization.specialization)
        .where(MentorSpecialization.deleted_at.is_(None))
        .distinct()
        .order_by(MentorSpecialization.specialization)
    )
    return list(session.execute(query).scalars())


def groups(session: Session, actor: Actor) -> list[Group]:
    """Everyone ``actor`` may announce to, the plain audiences first."""
    found = [Group(a, AUDIENCE_LABELS[a]) for a in announcement_audiences(actor)]
    prefixes = group_prefixes(actor)
    if COURSE_GROUP in prefixes:
        found += [
            Group(f"{COURSE_GROUP}{cid}", f"the course “{title}”")
            for cid, title in _courses(session, actor)
        ]
    if SPECIALIZATION_GROUP in prefixes:
        found += [
            Group(f"{SPECIALIZATION_GROUP}{name}", f"mentors of {name}")
            for name in _specializations(session)
        ]
    return found


def check_group(session: Session, actor: Actor, audience: str) -> str:
    """A group audience as given, if ``actor`` may announce to it and it has someone in it."""
    prefix = next((p for p in (COURSE_GROUP, SPECIALIZATION_GROUP) if audience.startswith(p)), "")
    if not prefix:
        raise UserError(f"There is no audience {audience!r}.")
    if prefix not in group_prefixes(actor):
        raise AccessDenied(
            "Only admins announce to a specialization's mentors."
            if prefix == SPECIALIZATION_GROUP
            else "Only mentors and admins can send announcements."
        )
    if audience not in {g.audience for g in groups(session, actor)}:
        what = "course" if prefix == COURSE_GROUP else "specialization"
        raise UserError(
            f"Nobody you may announce to is in the {what} "
            f"{audience.removeprefix(prefix)!r}; `mentor-tui messages groups` lists them."
        )
    return audience


__all__ = ["Group", "audience_label", "check_group", "groups"]
