"""Temporary substitution (issue 18): a mentor away from one day to another (or until further
notice). On the first day their active students go to the backup mentor while they have room,
else to the matching's best mentor with room (``unavailability.mark_unavailable``: everyone
notified); the day after the last one, each student still with their substitute goes back to
the mentor, unless an admin kept the new pairing, again with notices. Private notes never move:
each stays with the mentor who wrote it.

``run_due`` starts and ends whatever is due at ``now`` (each mentor's own date): by itself on
the sync server (``server/upkeep.py``, through the change log) and wherever an admin works,
offline included (the local store is complete on its own, SPEC 6):
before every CLI command an admin runs (``CommandContext.actor``), at
the start of an admin's app and once a day while it runs (the app's upkeep), and on demand
with ``mentors due``; the moves sync out like any other write. Admins only: the check is the first thing each function does.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlmodel import Session

from mentor_tui.config import Config
from mentor_tui.core import clock, writes
from mentor_tui.core.access import Actor, find_student, require_admin
from mentor_tui.core.assignment.seats import assign_student
from mentor_tui.core.matching.open_absences import OPEN, any_open_absence
from mentor_tui.core.matching.unavailability import check_reason, mark_available, mark_unavailable
from mentor_tui.core.notifications.notify import notify
from mentor_tui.core.people.availability import local_today
from mentor_tui.core.people.mentors import find_mentor
from mentor_tui.db.models import User
from mentor_tui.db.people_models import MentorAbsence
from mentor_tui.errors import UserError


@dataclass(frozen=True)
class AbsenceView:
    id: str
    mentor_email: str
    starts_on: date
    ends_on: date | None
    reason: str
    state: str
    moves: dict[str, Any]
    kept: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "mentor_email": self.mentor_email,
            "starts_on": self.starts_on.isoformat(),
            "ends_on": self.ends_on.isoformat() if self.ends_on else None,
            "reason": self.reason,
            "state": self.state,
            "moves": dict(self.moves),
            "kept": list(self.kept),
        }


def _view(session: Session, row: MentorAbsence) -> AbsenceView:
    mentor = session.get(User, row.mentor_id)
    return AbsenceView(
        row.id,
        mentor.email if mentor else "",
        row.starts_on,
        row.ends_on,
        row.reason,
        row.state,
        dict(row.moves),
        tuple(row.kept),
    )


def _open_absence(session: Session, mentor_id: str) -> MentorAbsence | None:
    return session.execute(
        select(MentorAbsence).where(
            MentorAbsence.mentor_id == mentor_id,
            MentorAbsence.state.in_(OPEN),
            MentorAbsence.deleted_at.is_(None),
        )
    ).scalar_one_or_none()


def plan_absence(
    session: Session,
    actor: Actor,
    mentor_key: str,
    *,
    starts_on: date,
    ends_on: date | None,
    reason: str = "",
    config: Config,
    now: datetime | None = None,
) -> AbsenceView:
    """Record the absence; one that starts today starts at once."""
    require_admin(actor, "plan a mentor's absence")
    now = now or clock.now()
    mentor = find_mentor(session, actor, mentor_key)
    today = local_today(now, mentor.timezone)
    if starts_on < today:
        raise UserError(f"The first day away, {starts_on.isoformat()}, is already past.")
    if ends_on is not None and ends_on < starts_on:
        raise UserError(
            f"The last day away ({ends_on.isoformat()}) is before the first ({starts_on})."
        )
    if _open_absence(session, mentor.id) is not None:
        raise UserError(f"{mentor.email} already has an absence planned or under way.")
    row = MentorAbsence(
        mentor_id=mentor.id,
        starts_on=starts_on,
        ends_on=ends_on,
        reason=check_reason(reason),
    )
    writes.insert(session, actor.id, row, action="plan_absence")
    run_due(session, actor, config=config, now=now)
    return _view(session, row)


def _start(
    session: Session, actor: Actor, row: MentorAbsence, config: Config, now: datetime
) -> None:
    plan = mark_unavailable(
        session, actor, row.mentor_id, reason=row.reason, until=row.ends_on, config=config, now=now
    )
    writes.update(
        session, actor.id, row, {"state": "active", "moves": plan.targets()}, action="start_absence"
    )


def _end(session: Session, actor: Actor, row: MentorAbsence, config: Config) -> int:
    mentor = session.get(User, row.mentor_id)
    assert mentor is not None
    back = 0
    for student_id, substitute_id in row.moves.items():
        student = session.get(User, student_id)
        if (
            student is None
            or student.deleted_at is not None
            or student.status != "Active"
            or student.mentor_id != substitute_id
            or student_id in row.kept
        ):
            continue  # moved on since, or an admin kept the new pairing
        assign_student(session, actor, student_id, mentor.id, force=True, config=config)
        back += 1
        notify(
            session,
            config,
            user_id=student_id,
            type="mentor_back",
            title=f"Your mentor {mentor.full_name} is back",
            message=f"{mentor.full_name} is your mentor again.",
            data={"mentor_id": mentor.id},
            actor_id=actor.id,
        )
        if substitute_id is not None:
            notify(
                session,
                config,
                user_id=substitute_id,
                type="substitution_ended",
                title=f"{student.full_name} returns to {mentor.full_name}",
                message="Thank you for standing in.",
                data={"student_id": student_id, "mentor_id": mentor.id},
                actor_id=actor.id,
            )
    mark_available(session, actor, mentor.id)
    notify(
        session,
        config,
        user_id=mentor.id,
        type="mentor_back",
        title="Welcome back",
        message=f"{back} of your students returned to you.",
        data={"returned": back},
        actor_id=actor.id,
    )
    writes.update(session, actor.id, row, {"state": "ended"}, action="end_absence")
    return back


def run_due(
    session: Session, actor: Actor, *, config: Config, now: datetime | None = None
) -> list[AbsenceView]:
    """Start the planned absences whose first day has come and end the active ones whose last
    day is over (each in its mentor's zone); the absences changed."""
    require_admin(actor, "run mentor substitutions")
    now = now or clock.now()
    changed = []
    rows = session.execute(
        select(MentorAbsence, User.timezone)
        .join(User, User.id == MentorAbsence.mentor_id)
        .where(MentorAbsence.state.in_(OPEN), MentorAbsence.deleted_at.is_(None))
    ).all()
    for row, tz in rows:
        today = local_today(now, tz)
        if row.state == "planned" and row.starts_on <= today:
            _start(session, actor, row, config, now)
            changed.append(row)
        if row.state == "active" and row.ends_on is not None and row.ends_on < today:
            _end(session, actor, row, config)
            changed.append(row)
    session.flush()
    return [_view(session, r) for r in changed]


def end_absence(session: Session, actor: Actor, mentor_key: str, *, config: Config) -> AbsenceView:
    """The mentor is back now (an absence until further notice, or early)."""
    require_admin(actor, "end a mentor's absence")
    mentor = find_mentor(session, actor, mentor_key)
    row = _open_absence(session, mentor.id)
    if row is None:
        raise UserError(f"{mentor.email} has no absence planned or under way.")
    if row.state == "planned":
        writes.update(session, actor.id, row, {"state": "ended"}, action="cancel_absence")
    else:
        _end(session, actor, row, config)
    session.flush()
    return _view(session, row)


def keep_pairing(session: Session, actor: Actor, student_key: str) -> AbsenceView:
    """Keep a substituted student with their substitute when their mentor comes back."""
    require_admin(actor, "keep a substitute pairing")
    student = find_student(session, actor, student_key)
    for row in session.execute(
        select(MentorAbsence).where(
            MentorAbsence.state == "active", MentorAbsence.deleted_at.is_(None)
        )
    ).scalars():
        if student.id in row.moves:
            substitute_id = row.moves[student.id]
            if substitute_id is None or student.mentor_id != substitute_id:
                break  # nobody could take them, or they moved on since
            if student.id not in row.kept:
                writes.update(
                    session, actor.id, row, {"kept": [*row.kept, student.id]}, action="keep_pairing"
                )
            return _view(session, row)
    raise UserError(f"{student.email} is not with a substitute mentor.")


@dataclass(frozen=True)
class SubstitutionRow:
    """One student moved by an absence under way: who is away until when, who stands in, and
    whether an admin kept the new pairing (``with_substitute``: the student is still with the
    substitute, so keeping applies; False when they moved on since)."""

    absence_id: str
    student_id: str
    student_name: str
    student_email: str
    mentor_name: str
    substitute_name: str | None
    ends_on: date | None
    kept: bool
    with_substitute: bool


def list_substitutions(session: Session, actor: Actor) -> list[SubstitutionRow]:
    """The students of every absence under way, by the away mentor's name then the student's."""
    require_admin(actor, "see mentor substitutions")
    rows = session.execute(
        select(MentorAbsence).where(
            MentorAbsence.state == "active", MentorAbsence.deleted_at.is_(None)
        )
    ).scalars()
    found: list[SubstitutionRow] = []
    for row in rows:
        ids = {row.mentor_id, *row.moves, *(v for v in row.moves.values() if v)}
        people = {u.id: u for u in session.execute(select(User).where(User.id.in_(ids))).scalars()}
        mentor = people.get(row.mentor_id)
        for student_id, substitute_id in row.moves.items():
            student = people.get(student_id)
            if student is None or student.deleted_at is not None:
                continue
            substitute = people.get(substitute_id) if substitute_id else None
            found.append(
                SubstitutionRow(
                    absence_id=row.id,
                    student_id=student_id,
                    student_name=student.full_name,
                    student_email=student.email,
                    mentor_name=mentor.full_name if mentor else "",
                    substitute_name=substitute.full_name if substitute else None,
                    ends_on=row.ends_on,
                    kept=student_id in row.kept,
                    with_substitute=substitute_id is not None
                    and student.mentor_id == substitute_id,
                )
            )
    found.sort(key=lambda r: (r.mentor_name.casefold(), r.student_name.casefold()))
    return found


__all__ = [
    "AbsenceView",
    "SubstitutionRow",
    "any_open_absence",
    "end_absence",
    "keep_pairing",
    "list_substitutions",
    "plan_absence",
    "run_due",
]
