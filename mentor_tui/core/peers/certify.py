"""Peer mentor certification (issue 20): an admin certifies an advanced student as a peer
mentor, on a course whose completion and quiz average are kept as they stood (the criteria
shown), with a small capacity and the skills they help with; an admin revokes it. Everyone
lists the certifications they may see (``peer_mentor_scope``) with each peer's recognition:
how many peer reviews they wrote and group sessions they facilitated.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, or_, select
from sqlmodel import Session

from mentor_tui.core import clock, writes
from mentor_tui.core.access import (
    Actor,
    find_student,
    live,
    peer_mentor_scope,
    require_admin,
)
from mentor_tui.core.text import clean_line, skill_key
from mentor_tui.db.models import Course, MentorshipSession, Module, ModuleProgress, User
from mentor_tui.db.peer_models import PeerMentor, PeerReview, StudyGroup, peer_mentor_id
from mentor_tui.errors import NotFound, UserError

# a peer mentor helps a few fellow students beside their own learning
MAX_PEER_CAPACITY = 10
MAX_SKILLS = 20


@dataclass(frozen=True)
class PeerView:
    """A certification as listed, with the peer's recognition."""

    student_id: str
    full_name: str
    email: str
    mentor_id: str | None
    course: str
    completion: float
    quiz_average: float | None
    certified_at: datetime
    capacity: int
    skills: tuple[str, ...]
    revoked_at: datetime | None
    reviews: int  # peer reviews written
    confirmed: int  # of them, confirmed by the student's mentor
    sessions: int  # group sessions held with a group they facilitate

    @property
    def active(self) -> bool:
        return self.revoked_at is None

    def to_json(self) -> dict[str, Any]:
        return {
            "student_id": self.student_id,
            "name": self.full_name,
            "email": self.email,
            "course": self.course,
            "completion": round(self.completion, 1),
            "quiz_average": None if self.quiz_average is None else round(self.quiz_average, 1),
            "certified_at": self.certified_at.isoformat(),
            "capacity": self.capacity,
            "skills": list(self.skills),
            "active": self.active,
            "revoked_at": None if self.revoked_at is None else self.revoked_at.isoformat(),
            "peer_reviews": self.reviews,
            "peer_reviews_confirmed": self.confirmed,
            "group_sessions": self.sessions,
        }


def check_capacity(value: int | str) -> int:
    try:
        number = int(str(value).strip())
    except ValueError:
        raise UserError(f"A peer mentor's capacity is a whole number, not {value!r}.") from None
    if not 1 <= number <= MAX_PEER_CAPACITY:
        raise UserError(f"A peer mentor's capacity is 1 to {MAX_PEER_CAPACITY} students.")
    return number


def _skills(values: list[str] | None) -> list[str]:
    out: list[str] = []
    for value in values or []:
        for part in value.split(","):
            words = clean_line(part).strip()
            if words and skill_key(words) not in {skill_key(o) for o in out}:
                out.append(words[:80])
    if len(out) > MAX_SKILLS:
        raise UserError(f"Name at most {MAX_SKILLS} skills.")
    return out


def _course(s: Session, key: str) -> Course:
    key = key.strip()
    row = s.execute(
        select(Course).where(live(Course), or_(Course.id == key, Course.title == key))
    ).scalar_one_or_none()
    if row is None:
        matches = list(
            s.execute(
                select(Course).where(live(Course), func.lower(Course.title) == key.lower())
            ).scalars()
        )
        if len(matches) != 1:
            raise NotFound(f"No course {key!r} in this database.")
        row = matches[0]
    found: Course = row
    return found


def _criteria(s: Session, student_id: str, course_id: str) -> tuple[float, float | None, int]:
    """The course's completion (percent of its modules completed), quiz average and the count
    of modules the student has progress in."""
    modules = select(Module.id).where(live(Module), Module.course_id == course_id)
    total = s.execute(select(func.count()).select_from(modules.subquery())).scalar_one()
    done, average, touched = s.execute(
        select(
            func.sum(case((ModuleProgress.is_completed.is_(True), 1), else_=0)),
            func.avg(ModuleProgress.quiz_score),
            func.count(),
        ).where(
            live(ModuleProgress),
            ModuleProgress.user_id == student_id,
            ModuleProgress.module_id.in_(modules),
        )
    ).one()
    completion = 100.0 * (done or 0) / total if total else 0.0
    return completion, (None if average is None else float(average)), int(touched)


def _best_course(s: Session, student_id: str) -> str:
    """The course the student has completed most modules of (their most advanced)."""
    row = s.execute(
        select(Module.course_id, func.count())
        .join(ModuleProgress, ModuleProgress.module_id == Module.id)
        .where(
            live(ModuleProgress),
            ModuleProgress.user_id == student_id,
            ModuleProgress.is_completed.is_(True),
        )
        .group_by(Module.course_id)
        .order_by(func.count().desc(), Module.course_id)
        .limit(1)
    ).first()
    if row is None:
        raise UserError("This student has completed no module yet: name the course with --course.")
    return str(row[0])


def certify(
    s: Session,
    actor: Actor,
    student: str,
    *,
    capacity: int | str = 3,
    course: str | None = None,
    skills: list[str] | None = None,
    now: datetime | None = None,
) -> PeerView:
    """Certify ``student`` as a peer mentor (again, when revoked before): admins only."""
    require_admin(actor, "certify a peer mentor")
    person = find_student(s, actor, student)
    if person.status != "Active":
        raise UserError(f"{person.email} is not an active student.")
    seats = check_capacity(capacity)
    course_id = _course(s, course).id if course else _best_course(s, person.id)
    completion, average, touched = _criteria(s, person.id, course_id)
    if not touched:
        raise UserError(f"{person.email} has no progress in that course to certify on.")
    fields: dict[str, Any] = {
        "certified_by": actor.id,
        "certified_at": now or clock.now(),
        "capacity": seats,
        "course_id": course_id,
        "completion": completion,
        "quiz_average": average,
        "skills": _skills(skills),
        "revoked_at": None,
        "revoked_by": None,
    }
    row = s.get(PeerMentor, peer_mentor_id(person.id))
    if row is None:
        row = PeerMentor(id=peer_mentor_id(person.id), student_id=person.id, **fields)
        writes.insert(s, actor.id, row, action="peer_certify", detail={"student_id": person.id})
    else:
        if row.deleted_at is not None:
            raise UserError(f"{person.email}'s certification was removed for good.")
        writes.update(s, actor.id, row, fields, action="peer_certify")
    s.flush()
    return peer_views(s, actor, student_id=person.id)[0]


def revoke(s: Session, actor: Actor, student: str, *, now: datetime | None = None) -> PeerView:
    """End a student's peer mentor certification (their reviews stay): admins only."""
    require_admin(actor, "revoke a peer mentor")
    person = find_student(s, actor, student)
    row = s.get(PeerMentor, peer_mentor_id(person.id))
    if row is None or row.deleted_at is not None:
        raise UserError(f"{person.email} is not a peer mentor.")
    if row.revoked_at is not None:
        raise UserError(f"{person.email}'s certification is revoked already.")
    writes.update(
        s,
        actor.id,
        row,
        {"revoked_at": now or clock.now(), "revoked_by": actor.id},
        action="peer_revoke",
    )
    s.flush()
    return peer_views(s, actor, student_id=person.id)[0]


def _held(now: datetime) -> ColumnElement[bool]:
    return or_(
        MentorshipSession.status == "completed",
        and_(MentorshipSession.status == "scheduled", MentorshipSession.starts_at < now),
    )


def peer_views(
    s: Session,
    actor: Actor,
    *,
    student_id: str | None = None,
    include_revoked: bool = True,
    now: datetime | None = None,
) -> list[PeerView]:
    """The certifications ``actor`` may see, by name, each with its recognition."""
    moment = now or clock.now()
    reviews = (
        select(
            PeerReview.reviewer_id.label("who"),
            func.count().label("n"),
            func.sum(case((PeerReview.outcome == "confirmed", 1), else_=0)).label("ok"),
        )
        .where(live(PeerReview))
        .group_by(PeerReview.reviewer_id)
        .subquery()
    )
    sessions = (
        select(StudyGroup.facilitator_id.label("who"), func.count().label("n"))
        .join(MentorshipSession, MentorshipSession.group_id == StudyGroup.id)
        .where(live(StudyGroup), live(MentorshipSession), _held(moment))
        .group_by(StudyGroup.facilitator_id)
        .subquery()
    )
    query = (
        select(
            PeerMentor,
            User.full_name,
            User.email,
            User.mentor_id,
            Course.title,
            func.coalesce(reviews.c.n, 0),
            func.coalesce(reviews.c.ok, 0),
            func.coalesce(sessions.c.n, 0),
        )
        .join(User, User.id == PeerMentor.student_id)
        .outerjoin(Course, Course.id == PeerMentor.course_id)
        .outerjoin(reviews, reviews.c.who == PeerMentor.student_id)
        .outerjoin(sessions, sessions.c.who == PeerMentor.student_id)
        .where(peer_mentor_scope(actor), live(User))
        .order_by(User.full_name, User.id)
    )
    if student_id is not None:
        query = query.where(PeerMentor.student_id == student_id)
    if not include_revoked:
        query = query.where(PeerMentor.revoked_at.is_(None))
    return [
        PeerView(
            student_id=row.student_id,
            full_name=name,
            email=email,
            mentor_id=mentor_id,
            course=title or "",
            completion=row.completion,
            quiz_average=row.quiz_average,
            certified_at=clock.aware(row.certified_at),
            capacity=row.capacity,
            skills=tuple(row.skills or ()),
            revoked_at=None if row.revoked_at is None else clock.aware(row.revoked_at),
            reviews=int(n),
            confirmed=int(ok),
            sessions=int(held),
        )
        for row, name, email, mentor_id, title, n, ok, held in s.execute(query).all()
    ]


__all__ = [
    "MAX_PEER_CAPACITY",
    "PeerView",
    "certify",
    "check_capacity",
    "peer_views",
    "revoke",
]
