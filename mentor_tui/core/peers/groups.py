"""Study groups (issue 20): a mentor (or an admin, for a mentor) makes a group of the mentor's
students, optionally with a peer facilitator: a certified peer mentor who is also the mentor's
student, whose capacity bounds how many members their groups hold. The mentor adds and
removes members; a member leaves. A group session is a session with every member (and the
facilitator) whose ``group_id`` names the group; the facilitator's recognition counts it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import or_, select
from sqlmodel import Session

from mentor_tui.config import Config
from mentor_tui.core import writes
from mentor_tui.core.access import (
    GROUP_AUDIENCE,
    Actor,
    find_student,
    find_user,
    group_member_scope,
    live,
    study_group_scope,
)
from mentor_tui.core.messages.send import announce
from mentor_tui.core.sessions.scheduling import schedule_session
from mentor_tui.core.sessions.views import SessionView
from mentor_tui.core.text import clean_line
from mentor_tui.db.models import MentorshipSession, User
from mentor_tui.db.peer_models import PeerMentor, StudyGroup, StudyGroupMember, peer_mentor_id
from mentor_tui.errors import AccessDenied, NotFound, UserError

MAX_GROUP_NAME = 120


@dataclass(frozen=True)
class GroupView:
    id: str
    name: str
    mentor_id: str
    mentor_name: str
    facilitator_id: str | None
    facilitator_name: str
    members: tuple[tuple[str, str], ...]  # (student id, name), by name

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "mentor_id": self.mentor_id,
            "mentor": self.mentor_name,
            "facilitator_id": self.facilitator_id,
            "facilitator": self.facilitator_name or None,
            "members": [{"id": i, "name": n} for i, n in self.members],
        }


def _name(value: str) -> str:
    words = clean_line(value).strip()
    if not words:
        raise UserError("Give the group a name.")
    if len(words) > MAX_GROUP_NAME:
        raise UserError(f"A group's name is at most {MAX_GROUP_NAME} characters.")
    return words


def _mentor_of(s: Session, actor: Actor, mentor: str | None, students: list[User]) -> str:
    if actor.is_mentor:
        if mentor is not None and find_user(s, actor, mentor).id != actor.id:
            raise AccessDenied("A mentor makes groups of their own students only.")
        return actor.id
    if not actor.is_admin:
        raise AccessDenied("Only a mentor or an admin makes study groups.")
    if mentor is not None:
        person = find_user(s, actor, mentor)
        if person.role != "mentor":
            raise UserError(f"{person.email} is not a mentor.")
        return person.id
    mentors = {p.mentor_id for p in students}
    if len(mentors) != 1 or None in mentors:
        raise UserError("Say whose group this is with --mentor (the students' mentor).")
    return str(mentors.pop())


def _students_of(s: Session, actor: Actor, keys: Sequence[str], mentor_id: str) -> list[User]:
    found: dict[str, User] = {}
    for key in (k.strip() for k in keys):
        if key:
            person = find_student(s, actor, key)
            if person.mentor_id != mentor_id:
                raise UserError(f"{person.email} is not a student of the group's mentor.")
            found.setdefault(person.id, person)
    return list(found.values())


def _facilitated_members(s: Session, facilitator_id: str, *, besides: str | None) -> set[str]:
    groups = select(StudyGroup.id).where(
        live(StudyGroup), StudyGroup.facilitator_id == facilitator_id
    )
    if besides is not None:
        groups = groups.where(StudyGroup.id != besides)
    rows = s.execute(
        select(StudyGroupMember.student_id).where(
            live(StudyGroupMember), StudyGroupMember.group_id.in_(groups)
        )
    )
    return {r[0] for r in rows} - {facilitator_id}


def _check_facilitator(
    s: Session, actor: Actor, key: str, mentor_id: str, members: set[str], group_id: str | None
) -> User:
    person = find_student(s, actor, key)
    if person.mentor_id != mentor_id:
        raise UserError(f"{person.email} is not a student of the group's mentor.")
    row = s.get(PeerMentor, peer_mentor_id(person.id))
    if row is None or row.deleted_at is not None or row.revoked_at is not None:
        raise UserError(f"{person.email} is not a certified peer mentor.")
    mentees = _facilitated_members(s, person.id, besides=group_id) | (members - {person.id})
    if len(mentees) > row.capacity:
        raise UserError(
            f"{person.email} can facilitate {row.capacity} students, and this makes {len(mentees)}."
        )
    return person


def find_group(s: Session, actor: Actor, key: str) -> StudyGroup:
    """A group the actor sees, by id or name."""
    key = key.strip()
    if not key:
        raise UserError("Give a group's name or id.")
    rows = list(
        s.execute(
            select(StudyGroup).where(
                study_group_scope(actor), or_(StudyGroup.id == key, StudyGroup.name == key)
            )
        ).scalars()
    )
    if not rows:
        raise NotFound(f"No study group {key!r} of yours.")
    if len(rows) > 1:
        raise UserError(f"More than one group is called {key!r}: give its id.")
    group: StudyGroup = rows[0]
    return group


def _own_group(s: Session, actor: Actor, key: str) -> StudyGroup:
    group = find_group(s, actor, key)
    if not (actor.is_admin or group.mentor_id == actor.id):
        raise AccessDenied("Only the group's mentor or an admin changes a study group.")
    return group


def _member_ids(s: Session, group_id: str) -> set[str]:
    rows = s.execute(
        select(StudyGroupMember.student_id).where(
            live(StudyGroupMember), StudyGroupMember.group_id == group_id
        )
    )
    return {r[0] for r in rows}


def create_group(
    s: Session,
    actor: Actor,
    name: str,
    students: Sequence[str],
    *,
    facilitator: str | None = None,
    mentor: str | None = None,
) -> GroupView:
    if actor.is_student:
        raise AccessDenied("Only a mentor or an admin makes study groups.")
    title = _name(name)
    if not [k for k in students if k.strip()]:
        raise UserError("A study group needs at least one student.")
    people = [find_student(s, actor, k) for k in students if k.strip()]
    mentor_id = _mentor_of(s, actor, mentor, people)
    members = _students_of(s, actor, students, mentor_id)
    ids = {p.id for p in members}
    guide = None
    if facilitator:
        guide = _check_facilitator(s, actor, facilitator, mentor_id, ids, None)
    group = StudyGroup(
        mentor_id=mentor_id, name=title, facilitator_id=None if guide is None else guide.id
    )
    writes.insert(s, actor.id, group, action="group_create")
    for person in members:
        if guide is None or person.id != guide.id:
            writes.insert(s, actor.id, StudyGroupMember(group_id=group.id, student_id=person.id))
    s.flush()
    return group_views(s, actor, group_id=group.id)[0]


def add_members(s: Session, actor: Actor, key: str, students: Sequence[str]) -> GroupView:
    group = _own_group(s, actor, key)
    present = _member_ids(s, group.id)
    new = [p for p in _students_of(s, actor, students, group.mentor_id) if p.id not in present]
    new = [p for p in new if p.id != group.facilitator_id]
    if not new:
        raise UserError("Those students are in the group already.")
    if group.facilitator_id is not None:
        row = s.get(PeerMentor, peer_mentor_id(group.facilitator_id))
        mentees = _facilitated_members(s, group.facilitator_id, besides=group.id)
        total = len(mentees | present | {p.id for p in new})
        if row is not None and total > row.capacity:
            raise UserError(
                f"The group's facilitator can take {row.capacity} students, and this makes {total}."
            )
    for person in new:
        writes.insert(s, actor.id, StudyGroupMember(group_id=group.id, student_id=person.id))
    s.flush()
    return group_views(s, actor, group_id=group.id)[0]


def remove_member(s: Session, actor: Actor, key: str, student: str) -> GroupView:
    group = _own_group(s, actor, key)
    person = find_student(s, actor, student)
    _drop(s, actor, group, person.id, person.email)
    return group_views(s, actor, group_id=group.id)[0]


def leave_group(s: Session, actor: Actor, key: str) -> None:
    """A student leaves a group they are a member of."""
    if not actor.is_student:
        raise AccessDenied("Only a member leaves a group; a mentor removes members.")
    _drop(s, actor, find_group(s, actor, key), actor.id, actor.email)


def _drop(s: Session, actor: Actor, group: StudyGroup, student_id: str, email: str) -> None:
    rows = list(
        s.execute(
            select(StudyGroupMember).where(
                live(StudyGroupMember),
                StudyGroupMember.group_id == group.id,
                StudyGroupMember.student_id == student_id,
            )
        ).scalars()
    )
    if not rows:
        raise UserError(f"{email} is not a member of {group.name}.")
    for row in rows:
        writes.tombstone(s, actor.id, row, action="group_leave")
    s.flush()


def set_facilitator(s: Session, actor: Actor, key: str, facilitator: str | None) -> GroupView:
    """Give the group a facilitator (a certified peer), or none."""
    group = _own_group(s, actor, key)
    guide_id = None
    if facilitator:
        members = _member_ids(s, group.id)
        guide = _check_facilitator(s, actor, facilitator, group.mentor_id, members, group.id)
        guide_id = guide.id
        if guide.id in members:
            _drop(s, actor, group, guide.id, guide.email)
    writes.update(s, actor.id, group, {"facilitator_id": guide_id}, action="group_facilitator")
    s.flush()
    return group_views(s, actor, group_id=group.id)[0]


def delete_group(s: Session, actor: Actor, key: str) -> str:
    group = _own_group(s, actor, key)
    for row in s.execute(
        select(StudyGroupMember).where(
            live(StudyGroupMember), StudyGroupMember.group_id == group.id
        )
    ).scalars():
        writes.tombstone(s, actor.id, row)
    writes.tombstone(s, actor.id, group, action="group_delete")
    return group.name


def announce_to_group(s: Session, actor: Actor, key: str, body: str) -> tuple[str, str]:
    """An announcement to the group's members and facilitator (each reads it in their inbox);
    the group's name and the message's id."""
    group = _own_group(s, actor, key)
    row = announce(s, actor, body, f"{GROUP_AUDIENCE}{group.id}")
    return group.name, row.id


def group_views(s: Session, actor: Actor, *, group_id: str | None = None) -> list[GroupView]:
    """The groups the actor sees, by name, with their members."""
    query = select(StudyGroup).where(study_group_scope(actor)).order_by(StudyGroup.name)
    if group_id is not None:
        query = query.where(StudyGroup.id == group_id)
    groups = list(s.execute(query).scalars())
    if not groups:
        return []
    ids = [g.id for g in groups]
    members: dict[str, list[tuple[str, str]]] = {g: [] for g in ids}
    for gid, sid, name in s.execute(
        select(StudyGroupMember.group_id, User.id, User.full_name)
        .join(User, User.id == StudyGroupMember.student_id)
        .where(group_member_scope(actor), StudyGroupMember.group_id.in_(ids))
        .order_by(User.full_name, User.id)
    ):
        members[gid].append((sid, name))
    people = {g.mentor_id for g in groups} | {g.facilitator_id for g in groups if g.facilitator_id}
    names = dict(s.execute(select(User.id, User.full_name).where(User.id.in_(people))).all())
    return [
        GroupView(
            id=g.id,
            name=g.name,
            mentor_id=g.mentor_id,
            mentor_name=names.get(g.mentor_id, ""),
            facilitator_id=g.facilitator_id,
            facilitator_name=names.get(g.facilitator_id, "") if g.facilitator_id else "",
            members=tuple(members[g.id]),
        )
        for g in groups
    ]


def group_session(
    s: Session,
    actor: Actor,
    config: Config,
    key: str,
    *,
    starts_at: datetime,
    duration_minutes: int | None = None,
    timezone: str | None = None,
    agenda: str | None = None,
) -> SessionView:
    """Schedule a session with the whole group (members and facilitator), named for it."""
    group = _own_group(s, actor, key)
    people = sorted(
        _member_ids(s, group.id) | ({group.facilitator_id} if group.facilitator_id else set())
    )
    if not people:
        raise UserError(f"{group.name} has no members to meet.")
    view = schedule_session(
        s,
        actor,
        config,
        students=[str(p) for p in people],
        starts_at=starts_at,
        duration_minutes=duration_minutes,
        timezone=timezone,
        title=f"Study group: {group.name}"[:200],
        agenda=agenda,
    )
    row = s.get(MentorshipSession, view.id)
    assert row is not None
    writes.update(s, actor.id, row, {"group_id": group.id}, action="group_session")
    s.flush()
    return view


__all__ = [
    "GroupView",
    "add_members",
    "announce_to_group",
    "create_group",
    "delete_group",
    "find_group",
    "group_session",
    "group_views",
    "leave_group",
    "remove_member",
    "set_facilitator",
]
