"""Who the mentor matching works on (SPEC section 7): students' needs and mentors' offers as
plain values loaded in bulk, so a batch of 10,000 needs a handful of queries; and the small
rules about skills and availability the scores and the admin tools share."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, select
from sqlmodel import Session

from mentor_tui.config import Config
from mentor_tui.core import clock
from mentor_tui.core.access import Actor, student_scope, user_scope
from mentor_tui.core.assignment.seats import mentor_loads
from mentor_tui.core.people.availability import local_today, mentor_is_available
from mentor_tui.core.text import skill_key
from mentor_tui.db.models import MentorProfile, MentorSpecialization, StudentProfile, User
from mentor_tui.errors import UserError

# The criteria a pair is scored on, in the order of scores and weights (here, not beside the
# scores, so that a screen naming them does not import numpy and the solver).
CRITERIA = ("skills", "teaching_style", "timezone", "weekly_hours", "load")
CRITERION_WORDS = {
    "skills": "skills",
    "teaching_style": "teaching style",
    "timezone": "time zone",
    "weekly_hours": "weekly hours",
    "load": "load",
}
"""How each criterion is said to a person (the ids stay in JSON and the config's weights)."""


def _needed_skills(names: Iterable[str]) -> dict[str, str]:
    """skill key -> the name as the student wrote it, duplicates and blanks dropped."""
    needed: dict[str, str] = {}
    for name in names:
        key = skill_key(name)
        if key:
            needed.setdefault(key, name.strip())
    return needed


def utc_offset_hours(tz_name: str, moment: datetime) -> float | None:
    """The zone's offset from UTC at ``moment`` in hours, or None for an unknown zone."""
    try:
        offset = clock.to_local(moment, tz_name).utcoffset()
    except UserError:
        return None
    return offset.total_seconds() / 3600 if offset is not None else 0.0


@dataclass(frozen=True)
class StudentNeeds:
    id: str
    full_name: str
    email: str
    timezone: str
    learning_style: str = "mixed"
    needed_skills: tuple[str, ...] = ()


@dataclass(frozen=True)
class Specialty:
    name: str
    proficiency: int
    verified: bool


@dataclass(frozen=True)
class MentorOffer:
    id: str
    full_name: str
    email: str
    timezone: str
    teaching_style: str = "mixed"
    expertise: tuple[str, ...] = ()
    specializations: tuple[Specialty, ...] = ()
    weekly_hours: int = 10
    capacity: int = 20
    load: int = 0

    @property
    def free_seats(self) -> int:
        return max(0, self.capacity - self.load)


def load_students(
    session: Session,
    actor: Actor,
    student_ids: Sequence[str] | None = None,
    *,
    mentor_id: str | None = None,
) -> list[StudentNeeds]:
    """Active students without a mentor, or with ``mentor_id`` as their mentor (all of them,
    or those of ``student_ids``), by email."""
    query = (
        select(
            User.id,
            User.full_name,
            User.email,
            User.timezone,
            StudentProfile.learning_style,
            StudentProfile.needed_skills,
        )
        .outerjoin(
            StudentProfile,
            and_(StudentProfile.user_id == User.id, StudentProfile.deleted_at.is_(None)),
        )
        .where(student_scope(actor), User.status == "Active", User.mentor_id == mentor_id)
        .order_by(User.email)
    )
    rows = session.execute(query).all()
    if student_ids is not None:
        wanted = set(student_ids)
        rows = [row for row in rows if row.id in wanted]
    return [
        StudentNeeds(
            id=row.id,
            full_name=row.full_name,
            email=row.email,
            timezone=row.timezone,
            learning_style=row.learning_style or "mixed",
            needed_skills=tuple(row.needed_skills or ()),
        )
        for row in rows
    ]


def load_mentor_offers(
    session: Session,
    actor: Actor,
    *,
    config: Config,
    now: datetime,
    exclude: Iterable[str] = (),
) -> list[MentorOffer]:
    """Every active, available mentor (less ``exclude``) with their profile and load, by email.
    A mentor without a profile row offers the config's default capacity."""
    query = (
        select(User.id, User.full_name, User.email, User.timezone, MentorProfile)
        .outerjoin(
            MentorProfile,
            and_(MentorProfile.user_id == User.id, MentorProfile.deleted_at.is_(None)),
        )
        .where(user_scope(actor), User.role == "mentor", User.status == "Active")
        .order_by(User.email)
    )
    skip = set(exclude)
    rows = [
        row
        for row in session.execute(query).all()
        if row.id not in skip
        and (
            row.MentorProfile is None
            or mentor_is_available(
                row.MentorProfile.unavailable_reason,
                row.MentorProfile.unavailable_until,
                local_today(now, row.timezone),
            )
        )
    ]
    # every active mentor's specializations and loads in one query each (no long IN lists)
    specialties: dict[str, list[Specialty]] = {}
    spec_rows = session.execute(
        select(
            MentorSpecialization.mentor_id,
            MentorSpecialization.specialization,
            MentorSpecialization.proficiency_level,
            MentorSpecialization.verified,
        )
        .join(User, User.id == MentorSpecialization.mentor_id)
        .where(
            MentorSpecialization.deleted_at.is_(None),
            User.role == "mentor",
            User.status == "Active",
        )
        .order_by(MentorSpecialization.specialization)
    )
    for mentor_id, name, level, verified in spec_rows:
        specialties.setdefault(mentor_id, []).append(Specialty(name, level, bool(verified)))
    loads = mentor_loads(session)
    offers = []
    for row in rows:
        profile: MentorProfile | None = row.MentorProfile
        offers.append(
            MentorOffer(
                id=row.id,
                full_name=row.full_name,
                email=row.email,
                timezone=row.timezone,
                teaching_style=profile.teaching_style if profile else "mixed",
                expertise=tuple(profile.expertise) if profile else (),
                specializations=tuple(specialties.get(row.id, ())),
                weekly_hours=profile.weekly_hours if profile else 0,
                capacity=profile.capacity if profile else config.max_students_per_mentor,
                load=loads.get(row.id, 0),
            )
        )
    return offers


__all__ = [
    "CRITERIA",
    "CRITERION_WORDS",
    "MentorOffer",
    "Specialty",
    "StudentNeeds",
    "load_mentor_offers",
    "load_students",
    "utc_offset_hours",
]
