"""Mentor unavailability (SPEC 4.6): where each of an unavailable mentor's students goes (the
backup mentor first, then the optimal matching), marking it with every move in one transaction,
and marking the mentor available again. Admin-only: the check is the first thing each does."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlmodel import Session

from mentor_tui.config import Config
from mentor_tui.core import clock, writes
from mentor_tui.core.access import Actor, require_admin
from mentor_tui.core.assignment.seats import assign_student, unassign_student
from mentor_tui.core.matching.people import (
    MentorOffer,
    StudentNeeds,
    load_mentor_offers,
    load_students,
)
from mentor_tui.core.notifications.notify import notify
from mentor_tui.core.people.availability import local_today
from mentor_tui.core.people.mentors import find_mentor, mentor_profile
from mentor_tui.core.text import has_control
from mentor_tui.db.models import MentorProfile, User
from mentor_tui.errors import UserError

if TYPE_CHECKING:  # the matching (numpy, pylmcf) loads when a plan is made, not with the
    # admin screen that imports this module
    from mentor_tui.core.matching.plan import Match
    from mentor_tui.core.matching.scores import PairScore

MAX_REASON = 300


@dataclass(frozen=True)
class StudentMove:
    """Where one of an unavailable mentor's students goes (``to`` None: unassigned)."""

    student_id: str
    student_email: str
    student_name: str
    to: MentorOffer | None
    via: str
    """'backup', 'best match' or 'nobody'."""
    score: PairScore | None
    reason: str

    def to_json(self) -> dict[str, Any]:
        return {
            "student_id": self.student_id,
            "student_email": self.student_email,
            "student_name": self.student_name,
            "mentor_id": self.to.id if self.to else None,
            "mentor_email": self.to.email if self.to else None,
            "via": self.via,
            "score": self.score.score if self.score else None,
            "reasons": self.score.reasons if self.score else [],
            "reason": self.reason,
        }


@dataclass(frozen=True)
class UnavailabilityPlan:
    mentor_id: str
    mentor_email: str
    mentor_name: str
    reason: str
    until: date | None
    backup_mentor_email: str | None
    moves: tuple[StudentMove, ...]

    def targets(self) -> dict[str, str | None]:
        return {m.student_id: (m.to.id if m.to else None) for m in self.moves}

    def to_json(self) -> dict[str, Any]:
        return {
            "mentor_id": self.mentor_id,
            "mentor_email": self.mentor_email,
            "reason": self.reason,
            "until": self.until.isoformat() if self.until else None,
            "backup_mentor_email": self.backup_mentor_email,
            "moves": [m.to_json() for m in self.moves],
        }


def check_reason(reason: str | None) -> str:
    text = (reason or "").strip()
    if has_control(text) or "\n" in text:
        raise UserError("The reason must be one line of text.")
    if len(text) > MAX_REASON:
        raise UserError(f"The reason is longer than {MAX_REASON} characters.")
    return text


def _move(
    match: Match | None, student: StudentNeeds, backup_id: str | None, reason: str
) -> StudentMove:
    if match is None:
        return StudentMove(
            student.id, student.email, student.full_name, None, "nobody", None, reason
        )
    via = "backup" if match.mentor.id == backup_id else "best match"
    why = (
        f"backup mentor {match.mentor.email}"
        if via == "backup"
        else f"best-scoring mentor with a free seat, {match.score.score:.2f} points"
    )
    return StudentMove(
        student.id, student.email, student.full_name, match.mentor, via, match.score, why
    )


def plan_unavailability(
    session: Session,
    actor: Actor,
    mentor_key: str,
    *,
    reason: str | None,
    until: date | None,
    config: Config,
    now: datetime | None = None,
) -> UnavailabilityPlan:
    """Where each of the mentor's active students would go: to the backup mentor while they
    have free seats (the timezone limit does not apply to a chosen backup), the rest to the
    best-scoring mentors with free seats (the optimal batch matching), else nowhere. Nothing is
    written."""
    require_admin(actor, "mark mentors unavailable")
    now = now or clock.now()
    mentor = find_mentor(session, actor, mentor_key)
    reason = check_reason(reason)
    if until is not None and until < local_today(now, mentor.timezone):
        raise UserError(f"The date {until.isoformat()} is already past for {mentor.email}.")
    profile = mentor_profile(session, mentor.id)
    backup_id = profile.backup_mentor_id if profile else None
    students = load_students(session, actor, mentor_id=mentor.id)
    mentors = load_mentor_offers(session, actor, config=config, now=now, exclude=[mentor.id])
    from mentor_tui.core.matching.plan import plan_matches

    draft = plan_matches(students, mentors, config.matching, now, favoured_mentor_id=backup_id)
    reasons = {u.student.id: u.reason for u in draft.unplaced}
    moves = tuple(
        _move(draft.match_for(s.id), s, backup_id, reasons.get(s.id, "")) for s in students
    )
    backup_email = None
    if backup_id:
        backup = session.get(User, backup_id)
        backup_email = backup.email if backup else None
    return UnavailabilityPlan(
        mentor.id, mentor.email, mentor.full_name, reason, until, backup_email, moves
    )


def mark_unavailable(
    session: Session,
    actor: Actor,
    mentor_key: str,
    *,
    reason: str | None,
    until: date | None,
    config: Config,
    expected: UnavailabilityPlan | None = None,
    now: datetime | None = None,
) -> UnavailabilityPlan:
    """Mark the mentor unavailable and move their students as planned, in the caller's
    transaction; the mentor, each student and each new mentor are notified. With ``expected``
    (the preview the admin saw), a plan that has changed since is refused."""
    plan = plan_unavailability(
        session, actor, mentor_key, reason=reason, until=until, config=config, now=now
    )
    if expected is not None and expected.targets() != plan.targets():
        raise UserError("The mentors' loads changed since the preview; preview again.")
    mentor = session.get(User, plan.mentor_id)
    assert mentor is not None
    profile = mentor_profile(session, mentor.id)
    marks: dict[str, Any] = {"unavailable_reason": plan.reason, "unavailable_until": plan.until}
    if profile is None:
        profile = MentorProfile(user_id=mentor.id, capacity=config.max_students_per_mentor, **marks)
        writes.insert(session, actor.id, profile, action="mark_unavailable")
    else:
        writes.update(session, actor.id, profile, marks, action="mark_unavailable")
    why = f" ({plan.reason})" if plan.reason else ""
    back = f" until {plan.until.isoformat()}" if plan.until else ""
    for move in plan.moves:
        if move.to is not None:
            assign_student(session, actor, move.student_id, move.to.id, config=config)
        else:
            unassign_student(session, actor, move.student_id)
        notify(
            session,
            config,
            user_id=move.student_id,
            type="mentor_unavailable",
            title=f"Your mentor {mentor.full_name} is unavailable{back}",
            message=(
                f"Your new mentor is {move.to.full_name}."
                if move.to
                else "An admin will assign you a new mentor soon."
            ),
            data={"mentor_id": mentor.id, "new_mentor_id": move.to.id if move.to else None},
            actor_id=actor.id,
        )
    moved = sum(1 for m in plan.moves if m.to is not None)
    notify(
        session,
        config,
        user_id=mentor.id,
        type="mentor_unavailable",
        title=f"You are marked unavailable{back}{why}",
        message=(
            f"{moved} of your {len(plan.moves)} students moved to other mentors"
            + (
                f"; {len(plan.moves) - moved} wait for a new mentor."
                if moved < len(plan.moves)
                else "."
            )
        ),
        data={"until": plan.until.isoformat() if plan.until else None},
        actor_id=actor.id,
    )
    writes.audit(
        session,
        actor.id,
        "mentor_unavailable",
        "users",
        mentor.id,
        {"reason": plan.reason, "until": plan.until, "moves": plan.targets()},
    )
    return plan


def mark_available(session: Session, actor: Actor, mentor_key: str) -> User:
    """End a mentor's unavailability now (it also ends by itself the day after ``until``)."""
    require_admin(actor, "mark mentors available")
    mentor = find_mentor(session, actor, mentor_key)
    profile = mentor_profile(session, mentor.id)
    if profile is not None:
        writes.update(
            session,
            actor.id,
            profile,
            {"unavailable_reason": None, "unavailable_until": None},
            action="mark_available",
        )
    return mentor


__all__ = [
    "StudentMove",
    "UnavailabilityPlan",
    "check_reason",
    "mark_available",
    "mark_unavailable",
    "plan_unavailability",
]
