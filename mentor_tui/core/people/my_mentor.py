"""A student's view of their own mentor (the source document's "Mentor Information Display"):
the public profile (expertise, verified specializations, availability windows and days off to
come, contact preferences) and the response time to expect.

Only what a student may see (SPEC section 2: "their mentor's public profile"): the expected
response time is the program's review SLA and, when the mentor has reviewed this student's
work before, how long that took (the median), never figures drawn from other students.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlmodel import Session

from mentor_tui.config import Config
from mentor_tui.core import clock
from mentor_tui.core.access import Actor, find_user, live
from mentor_tui.core.people.availability import local_today
from mentor_tui.core.people.mentor_fields import format_availability
from mentor_tui.db.models import MentorProfile, MentorSpecialization, Submission
from mentor_tui.errors import AccessDenied, UserError


@dataclass(frozen=True)
class MentorCard:
    id: str
    full_name: str
    email: str
    timezone: str
    bio: str
    teaching_style: str
    expertise: tuple[str, ...]
    verified_specializations: tuple[tuple[str, int], ...]  # (name, proficiency 1-5)
    availability: tuple[dict[str, Any], ...]
    days_off: tuple[dict[str, Any], ...]  # to come, in the mentor's timezone
    contact_preferences: tuple[str, ...]
    sla_hours: int
    median_response_hours: float | None  # on this student's own reviewed work
    away_reason: str | None
    away_until: date | None
    auto_accept_bookings: bool

    @property
    def availability_text(self) -> str:
        return format_availability(self.availability)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "full_name": self.full_name,
            "email": self.email,
            "timezone": self.timezone,
            "bio": self.bio,
            "teaching_style": self.teaching_style,
            "expertise": list(self.expertise),
            "verified_specializations": [
                {"name": n, "proficiency": p} for n, p in self.verified_specializations
            ],
            "availability": [dict(w) for w in self.availability],
            "days_off": [dict(d) for d in self.days_off],
            "contact_preferences": list(self.contact_preferences),
            "expected_response_hours": self.sla_hours,
            "median_response_hours": self.median_response_hours,
            "away_reason": self.away_reason,
            "away_until": self.away_until.isoformat() if self.away_until else None,
            "bookings_accepted_at_once": self.auto_accept_bookings,
        }


def my_mentor(
    session: Session, actor: Actor, config: Config, *, now: datetime | None = None
) -> MentorCard:
    """The signed-in student's mentor; one sentence when they are not a student or have none."""
    if not actor.is_student:
        raise AccessDenied(
            "`mentor-tui mentor` shows a student's own mentor; sign in as a student."
        )
    me = find_user(session, actor, actor.id)
    if me.mentor_id is None:
        raise UserError("You have no mentor yet; an admin assigns one.")
    mentor = find_user(session, actor, me.mentor_id)
    profile = session.execute(
        select(MentorProfile).where(MentorProfile.user_id == mentor.id, live(MentorProfile))
    ).scalar_one_or_none()
    specs = session.execute(
        select(MentorSpecialization.specialization, MentorSpecialization.proficiency_level)
        .where(
            MentorSpecialization.mentor_id == mentor.id,
            MentorSpecialization.verified.is_(True),
            live(MentorSpecialization),
        )
        .order_by(
            MentorSpecialization.proficiency_level.desc(), MentorSpecialization.specialization
        )
    ).all()
    today = local_today(now or clock.now(), mentor.timezone)
    days_off: list[dict[str, Any]] = []
    for item in profile.availability_exceptions if profile else []:
        try:
            day = date.fromisoformat(str(item.get("date")))
        except (AttributeError, ValueError):
            continue
        if day >= today:
            days_off.append({"date": day.isoformat(), "reason": str(item.get("reason") or "")})
    days_off.sort(key=lambda d: d["date"])
    waits = [
        (clock.aware(reviewed) - clock.aware(submitted)).total_seconds() / 3600
        for submitted, reviewed in session.execute(
            select(Submission.submitted_at, Submission.reviewed_at).where(
                Submission.student_id == actor.id,
                Submission.reviewer_id == mentor.id,
                Submission.reviewed_at.is_not(None),
                live(Submission),
            )
        ).all()
    ]
    return MentorCard(
        id=mentor.id,
        full_name=mentor.full_name,
        email=mentor.email,
        timezone=mentor.timezone,
        bio=profile.bio if profile else "",
        teaching_style=profile.teaching_style if profile else "",
        expertise=tuple(profile.expertise) if profile else (),
        verified_specializations=tuple((n, int(p)) for n, p in specs),
        availability=tuple(profile.availability) if profile else (),
        days_off=tuple(days_off),
        contact_preferences=tuple(profile.contact_preferences) if profile else (),
        sla_hours=config.assignment_review_sla_hours,
        median_response_hours=round(statistics.median(waits), 1) if waits else None,
        away_reason=profile.unavailable_reason if profile else None,
        away_until=profile.unavailable_until if profile else None,
        auto_accept_bookings=bool(profile.auto_accept_bookings) if profile else False,
    )


__all__ = ["MentorCard", "my_mentor"]
