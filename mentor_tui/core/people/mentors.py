"""Mentor management for admins (SPEC 4.6): the mentor list with each mentor's load, mentor
profiles (expertise, specializations, teaching style, capacity, hours, availability windows,
timezone, backup mentor), deactivation and reactivation. What an admin types is checked in
``mentor_fields``; unavailability and its student moves are in ``mentor_unavailability``.

Every function here is admin-only: the check is the first thing each one does.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, select
from sqlmodel import Session

from mentor_tui.config import Config
from mentor_tui.core import clock, writes
from mentor_tui.core.access import Actor, find_user, require_admin, user_scope
from mentor_tui.core.assignment.seats import mentor_loads
from mentor_tui.core.people.availability import local_today, mentor_is_available
from mentor_tui.core.people.mentor_fields import (
    HOURS_IN_WEEK,
    SpecializationInput,
    check_style,
    check_whole,
    check_windows,
    clean_label,
    clean_specializations,
    format_availability,
    parse_availability,
    parse_list,
)
from mentor_tui.core.people.users import (
    add_user,
    check_capacity,
    check_expertise,
    check_name,
    check_timezone,
)
from mentor_tui.core.text import skill_key
from mentor_tui.db.models import MentorProfile, MentorSpecialization, User
from mentor_tui.errors import UserError

# ---------------------------------------------------------------------------------------------
# Reading.


@dataclass(frozen=True)
class SpecializationView:
    name: str
    proficiency: int
    verified: bool
    certification_url: str | None

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "proficiency": self.proficiency,
            "verified": self.verified,
            "certification_url": self.certification_url,
        }


@dataclass(frozen=True)
class MentorSummary:
    """One mentor as the admin sees them: profile, load against capacity, availability."""

    id: str
    email: str
    full_name: str
    status: str
    timezone: str
    capacity: int
    student_count: int
    expertise: tuple[str, ...]
    specializations: tuple[SpecializationView, ...]
    teaching_style: str
    weekly_hours: int
    availability: tuple[dict[str, Any], ...]
    availability_exceptions: tuple[dict[str, Any], ...]
    contact_preferences: tuple[str, ...]
    backup_mentor_id: str | None
    backup_mentor_email: str | None
    unavailable_reason: str | None
    unavailable_until: date | None
    available: bool

    @property
    def free_seats(self) -> int:
        return max(0, self.capacity - self.student_count)

    @property
    def availability_text(self) -> str:
        return format_availability(self.availability)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "email": self.email,
            "full_name": self.full_name,
            "status": self.status,
            "timezone": self.timezone,
            "capacity": self.capacity,
            "student_count": self.student_count,
            "free_seats": self.free_seats,
            "expertise": list(self.expertise),
            "specializations": [s.to_json() for s in self.specializations],
            "teaching_style": self.teaching_style,
            "weekly_hours": self.weekly_hours,
            "availability": [dict(w) for w in self.availability],
            "availability_exceptions": [dict(e) for e in self.availability_exceptions],
            "contact_preferences": list(self.contact_preferences),
            "backup_mentor_id": self.backup_mentor_id,
            "backup_mentor_email": self.backup_mentor_email,
            "available": self.available,
            "unavailable_reason": self.unavailable_reason,
            "unavailable_until": self.unavailable_until.isoformat()
            if self.unavailable_until
            else None,
        }


def list_mentors(
    session: Session,
    actor: Actor,
    *,
    config: Config,
    mentor_ids: Sequence[str] | None = None,
    now: datetime | None = None,
) -> list[MentorSummary]:
    """Every mentor (or those of ``mentor_ids``), by name, with their load against capacity.
    A mentor without a profile row shows the config's default capacity."""
    require_admin(actor, "manage mentors")
    now = now or clock.now()
    query = (
        select(User, MentorProfile)
        .outerjoin(
            MentorProfile,
            and_(MentorProfile.user_id == User.id, MentorProfile.deleted_at.is_(None)),
        )
        .where(user_scope(actor), User.role == "mentor")
        .order_by(User.full_name, User.email)
    )
    if mentor_ids is not None:
        query = query.where(User.id.in_(list(mentor_ids)))
    rows = session.execute(query).all()
    loads = mentor_loads(session, mentor_ids)
    spec_query = (
        select(MentorSpecialization)
        .where(MentorSpecialization.deleted_at.is_(None))
        .order_by(MentorSpecialization.specialization)
    )
    if mentor_ids is not None:
        spec_query = spec_query.where(MentorSpecialization.mentor_id.in_(list(mentor_ids)))
    specs: dict[str, list[SpecializationView]] = {}
    for spec in session.execute(spec_query).scalars():
        specs.setdefault(spec.mentor_id, []).append(
            SpecializationView(
                spec.specialization,
                spec.proficiency_level,
                bool(spec.verified),
                spec.certification_url,
            )
        )
    backup_emails = {user.id: user.email for user, _ in rows}
    elsewhere = {
        p.backup_mentor_id
        for _, p in rows
        if p is not None and p.backup_mentor_id and p.backup_mentor_id not in backup_emails
    }
    if elsewhere:  # only when listing some mentors: their backups may not be among them
        found = session.execute(select(User.id, User.email).where(User.id.in_(elsewhere)))
        backup_emails.update({uid: email for uid, email in found})
    summaries = []
    for user, profile in rows:
        reason = profile.unavailable_reason if profile else None
        until = profile.unavailable_until if profile else None
        available = mentor_is_available(reason, until, local_today(now, user.timezone))
        backup_id = profile.backup_mentor_id if profile else None
        summaries.append(
            MentorSummary(
                id=user.id,
                email=user.email,
                full_name=user.full_name,
                status=user.status,
                timezone=user.timezone,
                capacity=profile.capacity if profile else config.max_students_per_mentor,
                student_count=loads.get(user.id, 0),
                expertise=tuple(profile.expertise) if profile else (),
                specializations=tuple(specs.get(user.id, ())),
                teaching_style=profile.teaching_style if profile else "mixed",
                weekly_hours=profile.weekly_hours if profile else 0,
                availability=tuple(profile.availability) if profile else (),
                availability_exceptions=tuple(profile.availability_exceptions) if profile else (),
                contact_preferences=tuple(profile.contact_preferences) if profile else (),
                backup_mentor_id=backup_id,
                backup_mentor_email=backup_emails.get(backup_id) if backup_id else None,
                unavailable_reason=None if available else reason,
                unavailable_until=None if available else until,
                available=available,
            )
        )
    return summaries


def find_mentor(session: Session, actor: Actor, key: str) -> User:
    """A mentor by email or id, or one clear sentence."""
    user = find_user(session, actor, key)
    if user.role != "mentor":
        raise UserError(f"{user.email} is not a mentor.")
    return user


def mentor_summary(
    session: Session, actor: Actor, key: str, *, config: Config, now: datetime | None = None
) -> MentorSummary:
    require_admin(actor, "manage mentors")
    mentor = find_mentor(session, actor, key)
    return list_mentors(session, actor, config=config, mentor_ids=[mentor.id], now=now)[0]


# ---------------------------------------------------------------------------------------------
# Writing.


@dataclass(frozen=True)
class MentorEdit:
    """Changes to a mentor; a field left as None stays as it is. ``backup_mentor`` takes an
    email or id, or "" to clear it."""

    full_name: str | None = None
    timezone: str | None = None
    expertise: Sequence[str] | None = None
    specializations: Sequence[SpecializationInput] | None = None
    teaching_style: str | None = None
    capacity: int | None = None
    weekly_hours: int | None = None
    availability: Sequence[dict[str, Any]] | None = None
    backup_mentor: str | None = None
    bio: str | None = None
    contact_preferences: Sequence[str] | None = None


def mentor_profile(session: Session, mentor_id: str) -> MentorProfile | None:
    return session.execute(
        select(MentorProfile).where(
            MentorProfile.user_id == mentor_id, MentorProfile.deleted_at.is_(None)
        )
    ).scalar_one_or_none()


def _backup_id(session: Session, actor: Actor, mentor: User, key: str) -> str | None:
    if not key.strip():
        return None
    backup = find_mentor(session, actor, key)
    if backup.id == mentor.id:
        raise UserError("A mentor cannot be their own backup.")
    if backup.status != "Active":
        raise UserError(f"{backup.email} is not active and cannot be a backup mentor.")
    return backup.id


def _user_changes(edit: MentorEdit) -> dict[str, Any]:
    changes: dict[str, Any] = {}
    if edit.full_name is not None:
        changes["full_name"] = check_name(edit.full_name)
    if edit.timezone is not None:
        changes["timezone"] = check_timezone(edit.timezone)
    return changes


def _profile_changes(
    session: Session, actor: Actor, mentor: User, edit: MentorEdit, config: Config
) -> dict[str, Any]:
    changes: dict[str, Any] = {}
    if edit.expertise is not None:
        changes["expertise"] = check_expertise(edit.expertise)
    if edit.teaching_style is not None:
        changes["teaching_style"] = check_style(edit.teaching_style)
    if edit.capacity is not None:
        changes["capacity"] = check_capacity(edit.capacity, config)
    if edit.weekly_hours is not None:
        changes["weekly_hours"] = check_whole(edit.weekly_hours, "weekly hours", 0, HOURS_IN_WEEK)
    if edit.availability is not None:
        changes["availability"] = check_windows(edit.availability)
    if edit.backup_mentor is not None:
        changes["backup_mentor_id"] = _backup_id(session, actor, mentor, edit.backup_mentor)
    if edit.bio is not None:
        changes["bio"] = edit.bio.strip()
    if edit.contact_preferences is not None:
        changes["contact_preferences"] = [
            clean_label(c, "contact preference") for c in edit.contact_preferences
        ]
    return changes


def _save_specializations(
    session: Session, actor: Actor, mentor: User, specs: Sequence[SpecializationInput]
) -> None:
    """Make the mentor's live specializations exactly ``specs``."""
    wanted = {skill_key(s.name): s for s in clean_specializations(specs)}
    current = session.execute(
        select(MentorSpecialization).where(
            MentorSpecialization.mentor_id == mentor.id, MentorSpecialization.deleted_at.is_(None)
        )
    ).scalars()
    for row in current:
        spec = wanted.pop(skill_key(row.specialization), None)
        if spec is None:
            writes.tombstone(session, actor.id, row)
            continue
        writes.update(
            session,
            actor.id,
            row,
            {
                "specialization": spec.name,
                "proficiency_level": spec.proficiency,
                "verified": spec.verified,
                "certification_url": spec.certification_url,
            },
        )
    for spec in wanted.values():
        writes.insert(
            session,
            actor.id,
            MentorSpecialization(
                mentor_id=mentor.id,
                specialization=spec.name,
                proficiency_level=spec.proficiency,
                verified=spec.verified,
                certification_url=spec.certification_url,
            ),
        )


def apply_mentor_edit(
    session: Session, actor: Actor, mentor: User, edit: MentorEdit, *, config: Config
) -> User:
    """Check every field first, then write them (a profile row is made if there is none)."""
    user_changes = _user_changes(edit)
    profile_changes = _profile_changes(session, actor, mentor, edit, config)
    if edit.specializations is not None:
        clean_specializations(edit.specializations)
    if user_changes:
        writes.update(session, actor.id, mentor, user_changes)
    profile = mentor_profile(session, mentor.id)
    if profile is None:
        profile = MentorProfile(user_id=mentor.id, capacity=config.max_students_per_mentor)
        for key, value in profile_changes.items():
            setattr(profile, key, value)
        writes.insert(session, actor.id, profile)
    elif profile_changes:
        writes.update(session, actor.id, profile, profile_changes)
    if edit.specializations is not None:
        _save_specializations(session, actor, mentor, edit.specializations)
    session.flush()
    return mentor


def edit_mentor(
    session: Session, actor: Actor, mentor_key: str, edit: MentorEdit, *, config: Config
) -> User:
    require_admin(actor, "edit mentors")
    mentor = find_mentor(session, actor, mentor_key)
    return apply_mentor_edit(session, actor, mentor, edit, config=config)


def create_mentor(
    session: Session,
    actor: Actor,
    *,
    email: str,
    full_name: str,
    timezone: str = "UTC",
    profile: MentorEdit | None = None,
    config: Config,
) -> User:
    """A new active mentor with their profile (capacity default ``max_students_per_mentor``),
    in the caller's transaction: a refused field rolls the account back with it."""
    require_admin(actor, "create mentors")
    profile = profile or MentorEdit()
    mentor = add_user(
        session,
        actor,
        email=email,
        full_name=full_name,
        role="mentor",
        timezone=timezone,
        expertise=profile.expertise or (),
        capacity=profile.capacity,
        config=config,
    )
    rest = replace(profile, full_name=None, timezone=None, expertise=None, capacity=None)
    return apply_mentor_edit(session, actor, mentor, rest, config=config)


def deactivate_mentor(session: Session, actor: Actor, mentor_key: str) -> User:
    """Mark a mentor Inactive: they can no longer sign in or take students. Refused while they
    still have students, so nobody is left with an inactive mentor."""
    require_admin(actor, "deactivate mentors")
    mentor = find_mentor(session, actor, mentor_key)
    if mentor.id == actor.id:
        raise UserError("You cannot deactivate yourself.")
    students = mentor_loads(session, [mentor.id]).get(mentor.id, 0)
    if students:
        raise UserError(
            f"{mentor.email} still has {students} student{'s' if students != 1 else ''}; "
            "mark them unavailable to move their students first."
        )
    writes.update(session, actor.id, mentor, {"status": "Inactive"}, action="deactivate")
    return mentor


def reactivate_mentor(session: Session, actor: Actor, mentor_key: str) -> User:
    require_admin(actor, "reactivate mentors")
    mentor = find_mentor(session, actor, mentor_key)
    writes.update(session, actor.id, mentor, {"status": "Active"}, action="reactivate")
    return mentor


__all__ = [
    "MentorEdit",
    "MentorSummary",
    "SpecializationInput",
    "SpecializationView",
    "create_mentor",
    "deactivate_mentor",
    "edit_mentor",
    "find_mentor",
    "format_availability",
    "list_mentors",
    "mentor_profile",
    "mentor_summary",
    "parse_availability",
    "parse_list",
    "reactivate_mentor",
]
