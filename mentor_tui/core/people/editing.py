"""Keeping people's profiles up to date, with who may change what (issue 18, SPEC section 2).

- An admin edits any mentor and any student, every field.
- A mentor edits their own availability windows, contact preferences and time zone, and the
  needs and goals of their own students.
- A student edits their own profile: learning style, needs, goals and time zone.

Every field is checked before anything is written, so a refused value leaves nothing half
saved; the writes go through ``core/writes.py`` (synced, audited).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlmodel import Session

from mentor_tui.config import Config
from mentor_tui.core import clock, writes
from mentor_tui.core.access import find_student, find_user
from mentor_tui.core.actor import Actor
from mentor_tui.core.people.availability import local_today
from mentor_tui.core.people.mentor_fields import (
    SpecializationInput,
    check_style,
    check_whole,
    clean_label,
)
from mentor_tui.core.people.mentors import (
    MentorEdit,
    MentorSummary,
    apply_mentor_edit,
    deactivate_mentor,
    find_mentor,
    list_mentors,
    reactivate_mentor,
)
from mentor_tui.core.people.users import check_expertise, check_timezone
from mentor_tui.core.text import clean_line, has_control, skill_key
from mentor_tui.db.models import MentorSpecialization, StudentProfile, User
from mentor_tui.errors import AccessDenied, UserError

GRADUATED = "Passed out / Completed"
STUDENT_STATUSES = {"active": "Active", "inactive": "Inactive", "graduated": GRADUATED}
MENTOR_STATUSES = ("active", "inactive")
MAX_GOALS = 4000
MAX_NEEDS = 30

# What a mentor may change about themself; anything else of a mentor's is an admin's.
MENTOR_OWN_FIELDS = frozenset({"timezone", "availability", "contact_preferences"})
STUDENT_OWN_FIELDS = frozenset({"learning_style", "needed_skills", "goals", "timezone"})
MENTOR_OF_STUDENT_FIELDS = frozenset({"needed_skills", "goals"})

_SPEC = re.compile(r"^(?P<name>.+?)\s*:\s*(?P<level>-?\d+)\s*$")


def parse_specialization(text: str) -> SpecializationInput:
    """'Python:4' -> the specialization Python at proficiency 4 (1-5), or one sentence."""
    match = _SPEC.match(text or "")
    if match is None:
        raise UserError(
            f"{clean_line(text or '')!r} is not a specialization; use NAME:LEVEL, such as "
            "Python:4 (level 1-5)."
        )
    name = clean_label(match["name"], "specialization")
    level = check_whole(match["level"], f"proficiency of {name!r}", 1, 5)
    return SpecializationInput(name=name, proficiency=level)


_SPEC_ITEM = re.compile(r"^(?P<spec>.+?:\s*-?\d+)\s*(?P<verified>verified)?\s*$", re.IGNORECASE)


def format_specializations(specs: Sequence[Any]) -> str:
    """'Rust:4 verified, Go:2' (what the admin's mentor form shows and reads back)."""
    return ", ".join(f"{s.name}:{s.proficiency}{' verified' if s.verified else ''}" for s in specs)


def parse_specializations(
    session: Session, mentor_id: str | None, text: str
) -> list[SpecializationInput]:
    """'Rust:4 verified, Go:2' -> the specializations, each keeping the certification link
    it has now; one sentence for a bad one."""
    links: dict[str, str | None] = {}
    if mentor_id is not None:
        links = {
            skill_key(name): url
            for name, url in session.execute(
                select(
                    MentorSpecialization.specialization, MentorSpecialization.certification_url
                ).where(
                    MentorSpecialization.mentor_id == mentor_id,
                    MentorSpecialization.deleted_at.is_(None),
                )
            )
        }
    specs = []
    for part in (p.strip() for p in re.split(r"[,;]", text or "")):
        if not part:
            continue
        match = _SPEC_ITEM.match(part)
        spec = parse_specialization(match["spec"] if match else part)
        specs.append(
            SpecializationInput(
                spec.name,
                spec.proficiency,
                bool(match and match["verified"]),
                links.get(skill_key(spec.name)),
            )
        )
    return specs


@dataclass(frozen=True)
class MentorChanges:
    """What ``mentors edit`` asks for: the profile fields, specializations to add or re-level,
    specializations to mark verified, and the status (active / inactive)."""

    edit: MentorEdit = field(default_factory=MentorEdit)
    specializations: Sequence[SpecializationInput] = ()
    verify: Sequence[str] = ()
    status: str | None = None

    def asked(self) -> set[str]:
        asked = {name for name, value in vars(self.edit).items() if value is not None}
        if self.specializations:
            asked.add("specializations")
        if self.verify:
            asked.add("verified")
        if self.status is not None:
            asked.add("status")
        return asked


def _names(fields: set[str]) -> str:
    return ", ".join(sorted(f.replace("_", " ") for f in fields))


def edit_mentor_profile(
    session: Session, actor: Actor, key: str, changes: MentorChanges, *, config: Config
) -> User:
    """Apply ``changes`` to the mentor ``key`` (email or id) as ``actor`` may."""
    mentor = find_mentor(session, actor, key)
    asked = changes.asked()
    if not asked:
        raise UserError("Nothing to change: give at least one field to edit.")
    if not actor.is_admin:
        if not (actor.is_mentor and actor.id == mentor.id):
            raise AccessDenied("Only an admin can edit another mentor's profile.")
        refused = asked - MENTOR_OWN_FIELDS
        if refused:
            raise AccessDenied(
                f"Only an admin can change a mentor's {_names(refused)}; you can change your "
                "own availability, contact preferences and time zone."
            )
    status = None
    if changes.status is not None:
        status = changes.status.strip().lower()
        if status not in MENTOR_STATUSES:
            raise UserError(
                f"The status {clean_line(changes.status)!r} is not one of active, inactive."
            )
    edit = changes.edit
    if changes.specializations or changes.verify:
        edit = MentorEdit(
            **{k: v for k, v in vars(edit).items() if k != "specializations"},
            specializations=_merged_specializations(session, mentor, changes),
        )
    if status == "inactive" and mentor.status != "Inactive":
        deactivate_mentor(session, actor, mentor.id)  # refused while they have students
    apply_mentor_edit(session, actor, mentor, edit, config=config)
    if status == "active" and mentor.status != "Active":
        reactivate_mentor(session, actor, mentor.id)
    for name in changes.verify:
        writes.audit(
            session, actor.id, "verify", "mentor_specializations", mentor.id, {"name": name}
        )
    session.flush()
    return mentor


def _merged_specializations(
    session: Session, mentor: User, changes: MentorChanges
) -> list[SpecializationInput]:
    """The mentor's specializations with ``changes.specializations`` added or re-levelled
    (a re-levelled one keeps its verification and link) and ``changes.verify`` verified."""
    current = {
        skill_key(row.specialization): SpecializationInput(
            name=row.specialization,
            proficiency=row.proficiency_level,
            verified=bool(row.verified),
            certification_url=row.certification_url,
        )
        for row in session.execute(
            select(MentorSpecialization)
            .where(
                MentorSpecialization.mentor_id == mentor.id,
                MentorSpecialization.deleted_at.is_(None),
            )
            .order_by(MentorSpecialization.specialization)
        ).scalars()
    }
    for spec in changes.specializations:
        old = current.get(skill_key(spec.name))
        current[skill_key(spec.name)] = SpecializationInput(
            name=spec.name,
            proficiency=spec.proficiency,
            verified=old.verified if old else False,
            certification_url=old.certification_url if old else None,
        )
    for name in changes.verify:
        old = current.get(skill_key(name))
        if old is None:
            raise UserError(
                f"{clean_line(mentor.full_name)} has no specialization {clean_line(name)!r} to "
                "verify; add it with --specialization NAME:LEVEL first."
            )
        current[skill_key(name)] = SpecializationInput(
            old.name, old.proficiency, True, old.certification_url
        )
    return list(current.values())


def mentor_summary(
    session: Session, actor: Actor, mentor_id: str, *, config: Config
) -> MentorSummary:
    """A mentor's whole profile as the admin's list shows it: for an admin, or for the mentor
    themself (their own row, read with an admin's reach once that is checked)."""
    if not (actor.is_admin or actor.id == mentor_id):
        raise AccessDenied("Only an admin or the mentor themself can read a whole profile.")
    reader = actor if actor.is_admin else replace(actor, role="admin")
    found = list_mentors(session, reader, config=config, mentor_ids=[mentor_id])
    if not found:
        raise UserError("There is no such mentor.")
    return found[0]


def mentor_profile_json(
    session: Session, actor: Actor, mentor_id: str, *, config: Config
) -> dict[str, Any]:
    return mentor_summary(session, actor, mentor_id, config=config).to_json()


# ---------------------------------------------------------------------------------------------
# Students.


@dataclass(frozen=True)
class StudentEdit:
    """Changes to a student; a field left as None stays as it is."""

    learning_style: str | None = None
    needed_skills: Sequence[str] | None = None
    goals: str | None = None
    timezone: str | None = None
    status: str | None = None

    def asked(self) -> set[str]:
        return {name for name, value in vars(self).items() if value is not None}


@dataclass(frozen=True)
class StudentProfileView:
    id: str
    email: str
    full_name: str
    status: str
    timezone: str
    mentor_id: str | None
    learning_style: str
    needed_skills: tuple[str, ...]
    goals: str
    graduated_on: date | None

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "email": self.email,
            "full_name": self.full_name,
            "status": self.status,
            "timezone": self.timezone,
            "mentor_id": self.mentor_id,
            "learning_style": self.learning_style,
            "needed_skills": list(self.needed_skills),
            "goals": self.goals,
            "graduated_on": self.graduated_on.isoformat() if self.graduated_on else None,
        }


def student_profile(session: Session, student_id: str) -> StudentProfile | None:
    return session.execute(
        select(StudentProfile).where(
            StudentProfile.user_id == student_id, StudentProfile.deleted_at.is_(None)
        )
    ).scalar_one_or_none()


def show_student(session: Session, actor: Actor, key: str) -> StudentProfileView:
    student = find_student(session, actor, key)
    profile = student_profile(session, student.id)
    return StudentProfileView(
        id=student.id,
        email=student.email,
        full_name=student.full_name,
        status=student.status,
        timezone=student.timezone,
        mentor_id=student.mentor_id,
        learning_style=profile.learning_style if profile else "mixed",
        needed_skills=tuple(profile.needed_skills) if profile else (),
        goals=profile.goals if profile else "",
        graduated_on=profile.graduated_on if profile else None,
    )


def _check_student_access(actor: Actor, student: User, asked: set[str]) -> None:
    if actor.is_admin:
        return
    if actor.id == student.id:
        allowed, who = STUDENT_OWN_FIELDS, "your own learning style, needs, goals and time zone"
    elif actor.is_mentor and student.mentor_id == actor.id:
        allowed, who = MENTOR_OF_STUDENT_FIELDS, "your students' needs and goals"
    else:
        raise AccessDenied(f"{student.email} is not one of your students.")
    refused = asked - allowed
    if refused:
        raise AccessDenied(
            f"Only an admin can change a student's {_names(refused)}; you can change {who}."
        )


def student_fields_for(actor: Actor, student_id: str, mentor_id: str | None) -> frozenset[str]:
    """The fields of a student's profile ``actor`` may change (the app's form leaves the
    others read-only; ``edit_student_profile`` enforces the same rule)."""
    if actor.is_admin:
        return frozenset({*STUDENT_OWN_FIELDS, "status"})
    if actor.id == student_id:
        return STUDENT_OWN_FIELDS
    if actor.is_mentor and mentor_id == actor.id:
        return MENTOR_OF_STUDENT_FIELDS
    return frozenset()


def _check_goals(text: str) -> str:
    goals = text.strip()
    if has_control(goals.replace("\n", "").replace("\t", "")):
        raise UserError("Goals cannot contain control characters.")
    if len(goals) > MAX_GOALS:
        raise UserError(f"Goals can be at most {MAX_GOALS} characters long.")
    return goals


def _check_needs(values: Sequence[str]) -> list[str]:
    needs = check_expertise([clean_label(v, "skill") for v in values if v.strip()])
    if len(needs) > MAX_NEEDS:
        raise UserError(f"A student can list at most {MAX_NEEDS} skills they need.")
    return needs


def edit_student_profile(
    session: Session, actor: Actor, key: str, edit: StudentEdit, *, now: datetime | None = None
) -> StudentProfileView:
    """Apply ``edit`` to the student ``key`` as ``actor`` may. Graduating records the day (in
    the student's zone); a graduated student made active or inactive again loses it."""
    student = find_student(session, actor, key)
    asked = edit.asked()
    if not asked:
        raise UserError("Nothing to change: give at least one field to edit.")
    _check_student_access(actor, student, asked)
    user_changes: dict[str, Any] = {}
    profile_changes: dict[str, Any] = {}
    if edit.timezone is not None:
        user_changes["timezone"] = check_timezone(edit.timezone)
    if edit.status is not None:
        status = STUDENT_STATUSES.get(edit.status.strip().lower())
        if status is None:
            raise UserError(
                f"The status {clean_line(edit.status)!r} is not one of active, inactive, graduated."
            )
        user_changes["status"] = status
        if status == GRADUATED and student.status != GRADUATED:
            zone = user_changes.get("timezone", student.timezone)
            profile_changes["graduated_on"] = local_today(now or clock.now(), zone)
        elif status != GRADUATED:
            profile_changes["graduated_on"] = None
    if edit.learning_style is not None:
        profile_changes["learning_style"] = check_style(edit.learning_style)
    if edit.needed_skills is not None:
        profile_changes["needed_skills"] = _check_needs(edit.needed_skills)
    if edit.goals is not None:
        profile_changes["goals"] = _check_goals(edit.goals)
    action = "graduate" if user_changes.get("status") == GRADUATED else "update"
    if user_changes:
        writes.update(session, actor.id, student, user_changes, action=action)
    profile = student_profile(session, student.id)
    if profile is None:
        if any(v is not None for v in profile_changes.values()):
            profile = StudentProfile(user_id=student.id)
            for name, value in profile_changes.items():
                setattr(profile, name, value)
            writes.insert(session, actor.id, profile)
    elif profile_changes:
        writes.update(session, actor.id, profile, profile_changes)
    session.flush()
    return show_student(session, actor, student.id)


def find_person(session: Session, actor: Actor, key: str) -> User:
    """A mentor or student the actor may see (an admin has no profile to edit)."""
    person = find_user(session, actor, key)
    if person.role not in ("mentor", "student"):
        raise UserError(f"{person.email} is an admin; only mentors and students have profiles.")
    return person


__all__ = [
    "GRADUATED",
    "MENTOR_STATUSES",
    "STUDENT_STATUSES",
    "MentorChanges",
    "StudentEdit",
    "StudentProfileView",
    "edit_mentor_profile",
    "edit_student_profile",
    "find_person",
    "format_specializations",
    "mentor_profile_json",
    "mentor_summary",
    "parse_specialization",
    "parse_specializations",
    "show_student",
    "student_fields_for",
    "student_profile",
]
