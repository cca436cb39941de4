"""Mentor matching (SPEC section 7): a score for every student-mentor pair, explained criterion
by criterion, and an optimal batch assignment under every mentor's capacity.

**Score.** Five criteria, each a fit between 0 and 1 times its weight from the ``[matching]``
table of the config (points out of the sum of the weights, 100 by default):

- ``skills``: for each of the student's needed skills, the mentor's strength in it (an
  expertise area 0.6; a specialization proficiency / 5, times 0.8 unless verified (the
  explanation says "counted in full" or "counted at 80%"); the larger
  counts), averaged over the needed skills. A student with no needed skills on file gets 0.
- ``teaching_style``: the same style 1; a ``mixed`` teacher or learner 0.7; different 0.
- ``timezone``: 1 - gap / 12, the gap being the hours between the two UTC offsets now, taken
  round the clock (UTC+14 and UTC-10 are 0 h apart).
- ``weekly_hours``: the mentor's weekly hours per seat, against one hour per student per week.
- ``load``: the share of the mentor's seats still free when the batch starts.

Every criterion's points are rounded to whole centi-points (0.01) before anything adds them,
so a breakdown adds up exactly to its score and the solver optimises exactly the scores shown.

**Hard rules.** Inactive, deleted or unavailable mentors take no one; a pair further apart than
``max_timezone_gap_hours`` is not a match; no mentor gets more students than free seats.

**Batch.** The assignment is a min-cost max-flow (source -> student -> mentor -> sink, the
mentor -> sink arcs carrying the free seats), solved exactly by LEMON's network simplex: it
places as many students as the hard rules allow and, among all such assignments, maximises the
total score (so no student is left out only to raise the total). Scores are whole
centi-points, so the integer solver is exact for the scores shown; ties between equally good
assignments are settled by the solver, the same way for the same input (students and mentors
are ordered by email).

Modules: who is matched is loaded by ``matching_people``, the scores are ``matching_scores``,
the solver and its optimality certificate ``matching_solver``; this module drafts, applies and
ranks, and re-exports the names callers use.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np
from sqlalchemy import select
from sqlmodel import Session

from mentor_tui.config import Config, MatchingWeights
from mentor_tui.core import clock
from mentor_tui.core.access import Actor, find_student, require_admin
from mentor_tui.core.assignment.seats import assign_student, mentor_loads
from mentor_tui.core.matching.people import (
    MentorOffer,
    Specialty,
    StudentNeeds,
    load_mentor_offers,
    load_students,
)
from mentor_tui.core.matching.scores import (
    CENTI,
    CRITERIA,
    CriterionScore,
    PairScore,
    ScoreTable,
    _plural,
    criterion_weights,
    format_offset,
)
from mentor_tui.core.matching.solver import is_optimal, optimal_assignment
from mentor_tui.core.people.availability import local_today, mentor_is_available
from mentor_tui.core.text import skill_key
from mentor_tui.db.models import StudentProfile, User
from mentor_tui.errors import UserError

QUERY_CHUNK = 500
"""Ids per ``IN (...)`` list, well under SQLite's bound-parameter limit."""

# ---------------------------------------------------------------------------------------------
# Drafts.


@dataclass(frozen=True)
class Match:
    student: StudentNeeds
    mentor: MentorOffer
    score: PairScore

    def to_json(self) -> dict[str, Any]:
        return {
            "student_id": self.student.id,
            "student_email": self.student.email,
            "student_name": self.student.full_name,
            "mentor_id": self.mentor.id,
            "mentor_email": self.mentor.email,
            "mentor_name": self.mentor.full_name,
            "score": self.score.score,
            "reasons": self.score.reasons,
            "breakdown": [line.to_json() for line in self.score.breakdown],
        }


@dataclass(frozen=True)
class Unplaced:
    student: StudentNeeds
    reason: str

    def to_json(self) -> dict[str, Any]:
        return {
            "student_id": self.student.id,
            "student_email": self.student.email,
            "student_name": self.student.full_name,
            "reason": self.reason,
        }


@dataclass(frozen=True)
class MatchDraft:
    """An optimal assignment not yet applied: each match with its score explained, and the
    students left unassigned with the reason."""

    matches: tuple[Match, ...]
    unplaced: tuple[Unplaced, ...]
    max_score: int
    """The most points one pair can score (the sum of the weights)."""

    @property
    def total_score(self) -> float:
        return round(sum(m.score.score for m in self.matches), 2)

    def match_for(self, student_id: str) -> Match | None:
        return next((m for m in self.matches if m.student.id == student_id), None)

    def to_json(self) -> dict[str, Any]:
        return {
            "assignments": [m.to_json() for m in self.matches],
            "unassigned": [u.to_json() for u in self.unplaced],
            "total_score": self.total_score,
            "max_score_per_pair": self.max_score,
        }


def _unplaced_reason(table: ScoreTable, i: int, reachable_row: np.ndarray, any_mentor: bool) -> str:
    if not any_mentor:
        return "There is no active, available mentor."
    student = table.students[i]
    if not reachable_row.any():
        offset = format_offset(table.offset_of[student.timezone])
        return (
            f"No available mentor is within {table.weights.max_timezone_gap_hours} h of the "
            f"student's timezone ({student.timezone}, {offset})."
        )
    seats = int(table.free_seats[reachable_row].sum())
    if seats == 0:
        return "Every mentor within reach of the student's timezone is at capacity."
    if seats == 1:
        return (
            "The one free seat with a mentor within reach went to another student "
            "(more students than seats)."
        )
    return (
        f"The {seats} free seats with mentors within reach went to other students "
        "(more students than seats)."
    )


def plan_matches(
    students: Sequence[StudentNeeds],
    mentors: Sequence[MentorOffer],
    weights: MatchingWeights,
    now: datetime,
    *,
    favoured_mentor_id: str | None = None,
) -> MatchDraft:
    """The optimal draft for ``students`` over ``mentors``' free seats.

    ``favoured_mentor_id`` (a backup mentor) is exempt from the timezone rule and filled first:
    as many students as possible, then as many as possible with the favoured mentor, then the
    largest total score."""
    table = ScoreTable(students, mentors, weights, now)
    n, m = len(table.students), len(table.mentors)
    reach = table.reachable()
    favoured = next((j for j, x in enumerate(table.mentors) if x.id == favoured_mentor_id), None)
    profit = table.dense_points()
    if favoured is not None:
        reach[:, favoured] = True
        # worth more than any difference in total score, so the favoured seats fill first
        profit[:, favoured] += (sum(criterion_weights(weights)) * CENTI + 1) * max(1, n)
    placed = optimal_assignment(profit, reach, table.free_seats)
    del profit
    matches, unplaced = [], []
    for i, j in enumerate(placed.tolist()):
        if j >= 0:
            matches.append(Match(table.students[i], table.mentors[j], table.pair(i, j)))
        else:
            unplaced.append(
                Unplaced(table.students[i], _unplaced_reason(table, i, reach[i], m > 0))
            )
    return MatchDraft(tuple(matches), tuple(unplaced), sum(criterion_weights(weights)))


def draft_matches(
    session: Session,
    actor: Actor,
    *,
    config: Config,
    student_ids: Sequence[str] | None = None,
    now: datetime | None = None,
) -> MatchDraft:
    """The optimal assignment of every active student without a mentor (or of ``student_ids``)
    to the active, available mentors' free seats. Nothing is written."""
    require_admin(actor, "run the mentor matching")
    now = now or clock.now()
    students = load_students(session, actor, student_ids)
    if student_ids is not None:
        missing = set(student_ids) - {s.id for s in students}
        if missing:
            raise UserError(
                f"{_plural(len(missing), 'student')} asked for cannot be matched: only active "
                "students without a mentor can."
            )
    mentors = load_mentor_offers(session, actor, config=config, now=now)
    return plan_matches(students, mentors, config.matching, now)


def apply_matches(
    session: Session,
    actor: Actor,
    draft: MatchDraft,
    *,
    config: Config,
    student_ids: Iterable[str] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> list[Match]:
    """Apply all of a draft's matches, or those of ``student_ids``, in the caller's transaction.
    Each goes through ``assignment.assign_student`` (capacity enforced, notified, audited); a
    student who got a mentor since the draft was made stops the whole apply before anything is
    written. ``progress(done, total)`` is called after each assignment."""
    require_admin(actor, "apply matches")
    if student_ids is None:
        chosen = list(draft.matches)
    else:
        by_student = {m.student.id: m for m in draft.matches}
        chosen = []
        for sid in dict.fromkeys(student_ids):
            if sid not in by_student:
                raise UserError(f"The draft has no match for the student {sid!r}.")
            chosen.append(by_student[sid])
    ids = [m.student.id for m in chosen]
    still_free: set[str] = set()
    for start in range(0, len(ids), QUERY_CHUNK):
        still_free.update(
            session.execute(
                select(User.id).where(
                    User.id.in_(ids[start : start + QUERY_CHUNK]),
                    User.mentor_id.is_(None),
                    User.deleted_at.is_(None),
                )
            ).scalars()
        )
    stale = next((m for m in chosen if m.student.id not in still_free), None)
    if stale is not None:
        raise UserError(
            f"{stale.student.email} was assigned or removed since the draft was made; "
            "run the matching again."
        )
    for done, match in enumerate(chosen, start=1):
        assign_student(session, actor, match.student.id, match.mentor.id, config=config)
        if progress is not None:
            progress(done, len(chosen))
    return chosen


# ---------------------------------------------------------------------------------------------
# One student against every mentor (the admin screen's "best mentor" and its list).


@dataclass(frozen=True)
class MentorRanking:
    mentor: MentorOffer
    score: PairScore
    blocked: str | None
    """Why this mentor cannot take the student now (None when they can)."""


def rank_mentors(
    session: Session,
    actor: Actor,
    student_id: str,
    *,
    config: Config,
    now: datetime | None = None,
) -> list[MentorRanking]:
    """Every active, available mentor scored for one student: those who can take them first,
    best score first. The student may already have a mentor (a reassignment); that mentor is
    left out."""
    require_admin(actor, "rank mentors for a student")
    now = now or clock.now()
    user = find_student(session, actor, student_id)
    profile = session.execute(
        select(StudentProfile).where(
            StudentProfile.user_id == user.id, StudentProfile.deleted_at.is_(None)
        )
    ).scalar_one_or_none()
    needs = StudentNeeds(
        id=user.id,
        full_name=user.full_name,
        email=user.email,
        timezone=user.timezone,
        learning_style=profile.learning_style if profile else "mixed",
        needed_skills=tuple(profile.needed_skills) if profile else (),
    )
    exclude = [user.mentor_id] if user.mentor_id else []
    mentors = load_mentor_offers(session, actor, config=config, now=now, exclude=exclude)
    table = ScoreTable([needs], mentors, config.matching, now)
    limit = config.matching.max_timezone_gap_hours
    ranked = []
    for j, mentor in enumerate(mentors):
        blocked = None
        if mentor.free_seats <= 0:
            blocked = f"at capacity ({mentor.load} of {mentor.capacity})"
        elif not table.zone_reachable[table.student_zone[0], table.mentor_zone[j]]:
            blocked = f"{table.gap_hours(0, j):g} h apart, more than {limit} h"
        ranked.append(MentorRanking(mentor, table.pair(0, j), blocked))
    ranked.sort(key=lambda r: (r.blocked is not None, -r.score.score, r.mentor.email))
    return ranked


__all__ = [
    "CRITERIA",
    "CriterionScore",
    "Match",
    "MatchDraft",
    "MentorOffer",
    "MentorRanking",
    "PairScore",
    "ScoreTable",
    "Specialty",
    "StudentNeeds",
    "Unplaced",
    "apply_matches",
    "draft_matches",
    "is_optimal",
    "load_mentor_offers",
    "load_students",
    "local_today",
    "mentor_is_available",
    "mentor_loads",
    "optimal_assignment",
    "plan_matches",
    "rank_mentors",
    "skill_key",
]
