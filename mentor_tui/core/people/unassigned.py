"""The students side of the admin assignment view (SPEC 4.6): every student, those without a
mentor, or one mentor's, narrowed by name or email and by a needed skill, paged in SQL.

Needed skills are a JSON list on each student's profile. A skill filter matches the way the
matching compares skills (``skill_key``: case-folded, single-spaced), so "Data  Science" finds a
student who needs "data science". The spellings that fold to the chosen skill are looked up
first (a ``DISTINCT`` over ``json_each``), then the page query keeps the students whose list
holds one of them (``IN`` a ``json_each`` subquery): the filter runs in SQLite, not Python.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, false, func, select, true
from sqlalchemy.orm import aliased
from sqlmodel import Session

from mentor_tui.core.access import Actor, require_admin, student_scope
from mentor_tui.core.people.students import filter_condition
from mentor_tui.core.text import skill_key
from mentor_tui.db.models import StudentProfile, User
from mentor_tui.errors import UserError

ASSIGN_MODES = ("all", "unassigned", "mentor", "picked")


@dataclass(frozen=True)
class AssignFilter:
    """Which students the assignment view lists.

    ``mode``: "all" (every student the admin sees, whatever their status), "unassigned" (active
    students without a mentor, the ones the matching places) or "mentor" (the active students
    of ``mentor_id``) or "picked" (the students ``ids`` names: those chosen in the students
    list, issue #22, whatever their status; still only those the admin sees). ``text``: name or email contains it. ``skill``: needs this skill;
    ``spellings``: its stored spellings when already looked up (``with_spellings``), so the
    pages of one list do not look them up again."""

    mode: str = "all"
    text: str = ""
    mentor_id: str | None = None
    skill: str = ""
    spellings: tuple[str, ...] | None = None
    ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class AssignRow:
    id: str
    full_name: str
    email: str
    mentor_id: str | None
    mentor_name: str | None


def _skill_values(profile: type[StudentProfile] = StudentProfile) -> tuple[Select[Any], Any]:
    """Each text value of live profiles' needed skills (the query, and the value column)."""
    skill = func.json_each(profile.needed_skills).table_valued("value", "type").alias("skill")
    query = (
        select(skill.c.value)
        .select_from(profile)
        .join(skill, true())
        .where(profile.deleted_at.is_(None), skill.c.type == "text")
    )
    return query, skill.c.value


def needed_skills(session: Session, actor: Actor) -> list[str]:
    """Every skill some visible student needs, once per ``skill_key`` (the most common spelling,
    trimmed), sorted case-insensitively: the choices of the skill filter."""
    require_admin(actor, "assign students")
    query, value = _skill_values()
    rows = session.execute(
        query.add_columns(func.count())
        .join(User, User.id == StudentProfile.user_id)
        .where(student_scope(actor))
        .group_by(value)
    ).all()
    counts: Counter[str] = Counter()
    for spelling, count in rows:
        counts[" ".join(spelling.split())] += count
    best: dict[str, str] = {}
    # the most common spelling of each skill; a tie goes to the first in code-point order
    for name, _count in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
        if skill_key(name):
            best.setdefault(skill_key(name), name)
    return sorted(best.values(), key=skill_key)


def skill_spellings(session: Session, skill: str) -> list[str]:
    """Every stored spelling of ``skill`` (the values whose ``skill_key`` is the same)."""
    wanted = skill_key(skill)
    if not wanted:
        return []
    query, _value = _skill_values()
    values = session.execute(query.distinct()).scalars()
    return sorted({v for v in values if skill_key(v) == wanted})


def with_spellings(session: Session, flt: AssignFilter) -> AssignFilter:
    """``flt`` with the stored spellings of its skill looked up."""
    if flt.spellings is not None or not flt.skill.strip():
        return flt
    return replace(flt, spellings=tuple(skill_spellings(session, flt.skill)))


def resolve_skill(choices: list[str], typed: str) -> str | None:
    """The skill ``typed`` picks among ``choices``: the one it names, else the first it begins
    (the completion the skill box shows), else None."""
    key = skill_key(typed)
    if not key:
        return None
    for choice in choices:
        if skill_key(choice) == key:
            return choice
    return next((c for c in choices if skill_key(c).startswith(key)), None)


def _conditions(session: Session, actor: Actor, flt: AssignFilter) -> list[ColumnElement[bool]]:
    if flt.mode not in ASSIGN_MODES:
        raise UserError(f"Unknown list {flt.mode!r}; use one of {', '.join(ASSIGN_MODES)}.")
    where: list[ColumnElement[bool]] = [student_scope(actor)]
    if flt.mode == "unassigned":
        where += [User.status == "Active", User.mentor_id.is_(None)]
    elif flt.mode == "mentor":
        if not flt.mentor_id:
            raise UserError("Pick a mentor to list their students.")
        where += [User.status == "Active", User.mentor_id == flt.mentor_id]
    elif flt.mode == "picked":
        where.append(User.id.in_(flt.ids) if flt.ids else false())
    text = filter_condition(flt.text)
    if text is not None:
        where.append(text)
    if flt.skill.strip():
        spellings = with_spellings(session, flt).spellings
        if not spellings:
            where.append(false())
        else:
            # one pass over the profiles builds the set of students who need it; each listed
            # student is then a lookup in it (a correlated EXISTS would walk JSON per student)
            profile = aliased(StudentProfile, name="needs")
            query, value = _skill_values(profile)
            needing = query.with_only_columns(profile.user_id).where(value.in_(spellings))
            where.append(User.id.in_(needing))
    return where


def count_assign_students(session: Session, actor: Actor, flt: AssignFilter) -> int:
    require_admin(actor, "assign students")
    query = select(func.count()).select_from(User).where(*_conditions(session, actor, flt))
    return int(session.execute(query).scalar_one())


def list_assign_students(
    session: Session, actor: Actor, flt: AssignFilter, *, offset: int = 0, limit: int = 100
) -> list[AssignRow]:
    """One page of the students ``flt`` picks, by name (ties by id, so pages never overlap)."""
    require_admin(actor, "assign students")
    if offset < 0 or limit < 0:
        raise UserError("Offset and limit must be zero or more.")
    mentor = aliased(User, name="mentor")
    query = (
        select(User.id, User.full_name, User.email, User.mentor_id, mentor.full_name)
        .outerjoin(mentor, and_(mentor.id == User.mentor_id, mentor.deleted_at.is_(None)))
        .where(*_conditions(session, actor, flt))
        .order_by(User.full_name, User.id)
        .offset(offset)
        .limit(limit)
    )
    return [AssignRow(*row) for row in session.execute(query)]


__all__ = [
    "ASSIGN_MODES",
    "AssignFilter",
    "AssignRow",
    "count_assign_students",
    "list_assign_students",
    "needed_skills",
    "resolve_skill",
    "skill_spellings",
    "with_spellings",
]
