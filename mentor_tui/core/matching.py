"""Mentor matching (SPEC section 7): a score for every student-mentor pair, explained criterion
by criterion, and an optimal batch assignment under every mentor's capacity.

**Score.** Five criteria, each a fit between 0 and 1 times its weight from the ``[matching]``
table of the config (points out of the sum of the weights, 100 by default):

- ``skills``: for each of the student's needed skills, the mentor's strength in it (an
  expertise area 0.6; a specialization proficiency / 5, times 0.8 unless verified; the larger
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
mentor -> sink arcs carrying the free seats), solved exactly by OR-Tools: it places as many
students as the hard rules allow and, among all such assignments, maximises the total score (so
no student is left out only to raise the total). Scores are whole centi-points, so the integer
solver is exact for the scores shown; ties between equally good assignments are settled by the
solver, the same way for the same input (students and mentors are ordered by email).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import numpy as np
from ortools.graph.python import min_cost_flow
from sqlalchemy import and_, func, select
from sqlmodel import Session

from mentor_tui.config import Config, MatchingWeights
from mentor_tui.core import clock
from mentor_tui.core.access import Actor, find_student, require_admin, student_scope, user_scope
from mentor_tui.core.assignment import assign_student
from mentor_tui.core.errors import UserError
from mentor_tui.db.models import (
    TEACHING_STYLES,
    MentorProfile,
    MentorSpecialization,
    StudentProfile,
    User,
)

CRITERIA = ("skills", "teaching_style", "timezone", "weekly_hours", "load")

EXPERTISE_STRENGTH = 0.6
UNVERIFIED_FACTOR = 0.8
MIXED_STYLE_FIT = 0.7
HOURS_PER_STUDENT = 1.0
"""Weekly mentor hours per student that count as a full fit."""
WIDEST_GAP_HOURS = 12.0
"""Two places can be at most 12 hours apart round the clock."""
CENTI = 100
"""Points are kept as whole centi-points."""
QUERY_CHUNK = 500
"""Ids per ``IN (...)`` list, well under SQLite's bound-parameter limit."""
SHORTLISTS = (96, 256)
"""Best pairs per student tried before all of them (see ``optimal_assignment``)."""
CERTIFY_CHUNK = 2048
"""Students per slab when checking optimality, to bound the memory it takes."""


@functools.lru_cache(maxsize=4096)
def skill_key(name: str) -> str:
    """The form skills are compared in: case-folded, single-spaced."""
    return re.sub(r"\s+", " ", name).strip().casefold()


def _needed_skills(names: Iterable[str]) -> dict[str, str]:
    """skill key -> the name as the student wrote it, duplicates and blanks dropped."""
    needed: dict[str, str] = {}
    for name in names:
        key = skill_key(name)
        if key:
            needed.setdefault(key, name.strip())
    return needed


def mentor_is_available(reason: str | None, until: date | None, today: date) -> bool:
    """A mentor marked unavailable is back the day after ``until`` (never, without one);
    ``today`` is the date in the mentor's own timezone (see ``local_today``)."""
    if reason is None:
        return True
    return until is not None and today > until


def local_today(now: datetime, tz_name: str) -> date:
    """The date at ``now`` in ``tz_name`` (the UTC date for an unknown zone)."""
    try:
        return clock.to_local(now, tz_name).date()
    except UserError:
        return clock.aware(now).date()


def utc_offset_hours(tz_name: str, moment: datetime) -> float | None:
    """The zone's offset from UTC at ``moment`` in hours, or None for an unknown zone."""
    try:
        offset = clock.to_local(moment, tz_name).utcoffset()
    except UserError:
        return None
    return offset.total_seconds() / 3600 if offset is not None else 0.0


def format_offset(hours: float) -> str:
    sign = "+" if hours >= 0 else "-"
    minutes = round(abs(hours) * 60)
    return f"UTC{sign}{minutes // 60:02d}:{minutes % 60:02d}"


def clock_gap(a: np.ndarray | float, b: np.ndarray | float) -> np.ndarray:
    """Hours between UTC offsets, round the clock (0..12)."""
    d = np.abs(np.asarray(a, dtype=np.float64) - np.asarray(b, dtype=np.float64)) % 24.0
    return np.minimum(d, 24.0 - d)


# ---------------------------------------------------------------------------------------------
# Who is matched: plain values loaded in bulk, so a batch of 10,000 needs a handful of queries.


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


def mentor_loads(session: Session, mentor_ids: Iterable[str] | None = None) -> dict[str, int]:
    """Students per mentor: every live student whose ``mentor_id`` is the mentor's, whatever
    their status (the same count as ``assignment.mentor_load``)."""
    query = (
        select(User.mentor_id, func.count())
        .where(User.role == "student", User.deleted_at.is_(None), User.mentor_id.is_not(None))
        .group_by(User.mentor_id)
    )
    if mentor_ids is not None:
        query = query.where(User.mentor_id.in_(list(mentor_ids)))
    return {mentor_id: count for mentor_id, count in session.execute(query)}


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


# ---------------------------------------------------------------------------------------------
# Scores.


@dataclass(frozen=True)
class CriterionScore:
    """One line of a score's breakdown."""

    criterion: str
    weight: int
    points: float
    reason: str

    @property
    def fit(self) -> float:
        return self.points / self.weight if self.weight else 0.0

    def describe(self) -> str:
        return f"{self.criterion} {self.points:.2f}/{self.weight}: {self.reason}"

    def to_json(self) -> dict[str, Any]:
        return {
            "criterion": self.criterion,
            "weight": self.weight,
            "points": self.points,
            "fit": round(self.fit, 4),
            "reason": self.reason,
        }


@dataclass(frozen=True)
class PairScore:
    student_id: str
    mentor_id: str
    score: float
    breakdown: tuple[CriterionScore, ...]

    @property
    def reasons(self) -> list[str]:
        return [line.describe() for line in self.breakdown]


def _style_table() -> np.ndarray:
    """Teaching-style fit (rows: the student's learning style, columns: the mentor's teaching
    style), indexed by position in ``TEACHING_STYLES``."""
    size = len(TEACHING_STYLES)
    mixed = TEACHING_STYLES.index("mixed")
    table = np.zeros((size, size), dtype=np.float64)
    for s in range(size):
        for m in range(size):
            if s == m:
                table[s, m] = 1.0
            elif mixed in (s, m):
                table[s, m] = MIXED_STYLE_FIT
    return table


def _style_code(style: str) -> int:
    return (
        TEACHING_STYLES.index(style) if style in TEACHING_STYLES else TEACHING_STYLES.index("mixed")
    )


def _points(weight: int, fit: np.ndarray) -> np.ndarray:
    """Whole centi-points of ``weight * fit``."""
    return np.rint(np.asarray(fit, dtype=np.float64) * (weight * CENTI)).astype(np.int32)


class ScoreTable:
    """Every student-mentor score of one batch, per criterion, in whole centi-points.

    Criteria that depend on few values are kept as small tables (teaching style by style pair,
    timezone by offset pair) or per-mentor vectors (hours, load); skills is an array over all
    pairs. The solver and the explanations index the same arrays, so they always agree."""

    def __init__(
        self,
        students: Sequence[StudentNeeds],
        mentors: Sequence[MentorOffer],
        weights: MatchingWeights,
        now: datetime,
    ) -> None:
        self.students = list(students)
        self.mentors = list(mentors)
        self.weights = weights
        self._weights = criterion_weights(weights)
        self._mentor_texts: dict[int, tuple[str, str]] = {}
        self._zone_texts: dict[tuple[str, str], str] = {}
        self.now = now
        n, m = len(self.students), len(self.mentors)

        # skills: students' needs (n x K, 0/1) against mentors' strengths (m x K)
        vocabulary: dict[str, int] = {}
        self._needs = [_needed_skills(s.needed_skills) for s in self.students]
        needs = [
            [vocabulary.setdefault(key, len(vocabulary)) for key in keys] for keys in self._needs
        ]
        self._strengths = [self._mentor_strengths(mentor) for mentor in self.mentors]
        for strengths in self._strengths:
            for key in strengths:
                vocabulary.setdefault(key, len(vocabulary))
        need_matrix = np.zeros((n, len(vocabulary)), dtype=np.float64)
        for i, columns in enumerate(needs):
            need_matrix[i, columns] = 1.0
        strength_matrix = np.zeros((m, len(vocabulary)), dtype=np.float64)
        for j, strengths in enumerate(self._strengths):
            for key, (strength, _how) in strengths.items():
                strength_matrix[j, vocabulary[key]] = strength
        counts = need_matrix.sum(axis=1)
        # points = weight * (summed strength / needed skills), rounded to centi-points
        scale = np.zeros(n, dtype=np.float64)
        np.divide(weights.skills * CENTI, counts, out=scale, where=counts > 0)
        points = need_matrix @ strength_matrix.T
        points *= scale[:, None]
        self.skills_points = np.rint(points, out=points).astype(np.int32)
        del points, need_matrix

        # teaching style: a 4 x 4 table
        self.student_style = np.array(
            [_style_code(s.learning_style) for s in self.students], dtype=np.intp
        )
        self.mentor_style = np.array(
            [_style_code(x.teaching_style) for x in self.mentors], dtype=np.intp
        )
        self.style_points = _points(weights.teaching_style, _style_table())

        # timezone: a table over the distinct offsets present
        offsets: dict[str, float | None] = {}
        for tz in {s.timezone for s in self.students} | {x.timezone for x in self.mentors}:
            offsets[tz] = utc_offset_hours(tz, now)
        self.offset_of = {tz: (0.0 if off is None else off) for tz, off in offsets.items()}
        self.unknown_zones = {tz for tz, off in offsets.items() if off is None}
        distinct = sorted(set(self.offset_of.values()))
        index = {off: k for k, off in enumerate(distinct)}
        self.student_zone = np.array(
            [index[self.offset_of[s.timezone]] for s in self.students], dtype=np.intp
        )
        self.mentor_zone = np.array(
            [index[self.offset_of[x.timezone]] for x in self.mentors], dtype=np.intp
        )
        gaps = clock_gap(np.array(distinct)[:, None], np.array(distinct)[None, :])
        self.zone_gap = gaps
        self.zone_reachable = gaps <= weights.max_timezone_gap_hours + 1e-9
        self.zone_points = _points(weights.timezone, 1.0 - gaps / WIDEST_GAP_HOURS)

        # per mentor
        capacity = np.array([max(1, x.capacity) for x in self.mentors], dtype=np.float64)
        hours = np.array([max(0, x.weekly_hours) for x in self.mentors], dtype=np.float64)
        load = np.array([x.load for x in self.mentors], dtype=np.float64)
        self.hours_points = _points(
            weights.weekly_hours, np.minimum(1.0, hours / capacity / HOURS_PER_STUDENT)
        )
        self.load_points = _points(weights.load, np.clip(1.0 - load / capacity, 0.0, 1.0))
        self.free_seats = np.array([x.free_seats for x in self.mentors], dtype=np.int64)

    @staticmethod
    def _mentor_strengths(mentor: MentorOffer) -> dict[str, tuple[float, str]]:
        """skill key -> (strength, how the mentor has it) for one mentor."""
        strengths: dict[str, tuple[float, str]] = {}
        for area in mentor.expertise:
            if skill_key(area):
                strengths[skill_key(area)] = (EXPERTISE_STRENGTH, "expertise")
        for spec in mentor.specializations:
            key = skill_key(spec.name)
            if not key:
                continue
            level = min(5, max(1, spec.proficiency))
            strength = level / 5 * (1.0 if spec.verified else UNVERIFIED_FACTOR)
            checked = "verified" if spec.verified else "unverified"
            how = f"specialization, proficiency {level}, {checked}"
            if strength > strengths.get(key, (0.0, ""))[0]:
                strengths[key] = (strength, how)
        return strengths

    # -- whole-batch arrays

    def reachable(self) -> np.ndarray:
        """(n x m) pairs the timezone rule allows."""
        return self.zone_reachable[self.student_zone[:, None], self.mentor_zone[None, :]]

    def dense_points(self) -> np.ndarray:
        """(n x m) centi-point totals of every pair."""
        total = self.skills_points.astype(np.int64)
        total += self.style_points[self.student_style[:, None], self.mentor_style[None, :]]
        total += self.zone_points[self.student_zone[:, None], self.mentor_zone[None, :]]
        total += (self.hours_points + self.load_points)[None, :]
        return total

    def total_points(self, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
        """Centi-point totals of the pairs (rows[k], cols[k])."""
        return (
            self.skills_points[rows, cols].astype(np.int64)
            + self.style_points[self.student_style[rows], self.mentor_style[cols]]
            + self.zone_points[self.student_zone[rows], self.mentor_zone[cols]]
            + self.hours_points[cols]
            + self.load_points[cols]
        )

    # -- one pair, explained

    def pair(self, i: int, j: int) -> PairScore:
        """One pair's score with its breakdown: the same centi-points ``total_points`` adds."""
        student, mentor = self.students[i], self.mentors[j]
        cents = (
            int(self.skills_points[i, j]),
            int(self.style_points[self.student_style[i], self.mentor_style[j]]),
            int(self.zone_points[self.student_zone[i], self.mentor_zone[j]]),
            int(self.hours_points[j]),
            int(self.load_points[j]),
        )
        hours, load = self._mentor_reasons(j)
        reasons = (
            self._skills_reason(i, j),
            f"teaches {mentor.teaching_style}, learns {student.learning_style}",
            self._zone_reason(student.timezone, mentor.timezone),
            hours,
            load,
        )
        lines = tuple(
            CriterionScore(name, weight, c / CENTI, why)
            for name, weight, c, why in zip(CRITERIA, self._weights, cents, reasons, strict=True)
        )
        return PairScore(student.id, mentor.id, sum(cents) / CENTI, lines)

    def _mentor_reasons(self, j: int) -> tuple[str, str]:
        """The hours and load reasons of mentor ``j``, made once per table."""
        if j not in self._mentor_texts:
            mentor = self.mentors[j]
            seats = _plural(mentor.capacity, "seat")
            self._mentor_texts[j] = (
                f"{mentor.weekly_hours} h/week for {seats}",
                f"{mentor.load} of {seats} taken",
            )
        return self._mentor_texts[j]

    def gap_hours(self, i: int, j: int) -> float:
        return float(self.zone_gap[self.student_zone[i], self.mentor_zone[j]])

    def _skills_reason(self, i: int, j: int) -> str:
        needed = self._needs[i]
        if not needed:
            return "no needed skills on file"
        strengths = self._strengths[j]
        have = [f"{name} ({strengths[key][1]})" for key, name in needed.items() if key in strengths]
        missing = [name for key, name in needed.items() if key not in strengths]
        parts = []
        if have:
            parts.append(", ".join(have))
        if missing:
            parts.append("no match for " + ", ".join(missing))
        return "; ".join(parts)

    def _zone_reason(self, student_tz: str, mentor_tz: str) -> str:
        """The timezone reason of a pair of zones, made once per table."""
        key = (student_tz, mentor_tz)
        if key not in self._zone_texts:
            student, mentor = self.offset_of[student_tz], self.offset_of[mentor_tz]
            gap = float(clock_gap(student, mentor))
            text = (
                f"{gap:g} h apart ({format_offset(student)} student, "
                f"{format_offset(mentor)} mentor)"
            )
            unknown = sorted(set(key) & self.unknown_zones)
            if unknown:
                text += "; unknown timezone " + ", ".join(repr(z) for z in unknown)
                text += " taken as UTC"
            self._zone_texts[key] = text
        return self._zone_texts[key]


# ---------------------------------------------------------------------------------------------
# The optimal assignment.


def optimal_assignment(
    profit: np.ndarray,
    allowed: np.ndarray,
    seats: Sequence[int] | np.ndarray,
    *,
    shortlists: Sequence[int] = SHORTLISTS,
) -> np.ndarray:
    """The mentor index for each student (row), or -1: the most students placed over the
    ``allowed`` pairs within ``seats``, and among those the largest total integer ``profit``.

    Exact. Each shortlist first solves with only each student's best-scoring pairs and keeps
    the answer only when ``is_optimal`` proves it optimal over every allowed pair; otherwise
    (or when a shortlist would not be shorter) every allowed pair goes to the solver."""
    profit = np.asarray(profit, dtype=np.int64)
    seats = np.maximum(np.asarray(seats, dtype=np.int64), 0)
    allowed = np.asarray(allowed, dtype=bool) & (seats > 0)[None, :]
    n, m = allowed.shape
    for size in shortlists:
        if size >= m:
            break
        rows, cols = _best_pairs(profit, allowed, size)
        placed = _max_flow_min_cost(n, seats, rows, cols, profit[rows, cols])
        if is_optimal(profit, allowed, seats, placed):
            return placed
    rows, cols = np.nonzero(allowed)
    return _max_flow_min_cost(n, seats, rows, cols, profit[rows, cols])


def _best_pairs(
    profit: np.ndarray, allowed: np.ndarray, size: int
) -> tuple[np.ndarray, np.ndarray]:
    """Each student's ``size`` best-scoring allowed pairs (fewer when fewer are allowed)."""
    n = allowed.shape[0]
    ranked = np.where(allowed, profit, np.iinfo(np.int64).min)
    best = np.argpartition(ranked, ranked.shape[1] - size, axis=1)[:, -size:]
    rows = np.repeat(np.arange(n), size)
    cols = best.ravel()
    keep = allowed[rows, cols]
    return rows[keep], cols[keep]


def _max_flow_min_cost(
    n: int, seats: np.ndarray, rows: np.ndarray, cols: np.ndarray, profit: np.ndarray
) -> np.ndarray:
    """Source -> each student (capacity 1) -> each listed mentor (cost -profit) -> sink
    (capacity = seats): the maximum flow of least cost, read back as a mentor per student."""
    m = len(seats)
    arcs = len(rows)
    placed = np.full(n, -1, dtype=np.int64)
    if arcs == 0:
        return placed
    source, sink = n + m, n + m + 1
    flow = min_cost_flow.SimpleMinCostFlow()
    flow.add_arcs_with_capacity_and_unit_cost(
        np.concatenate([rows, np.full(n, source), np.arange(m) + n]).astype(np.int64),
        np.concatenate([cols + n, np.arange(n), np.full(m, sink)]).astype(np.int64),
        np.concatenate([np.ones(arcs + n, np.int64), seats]),
        np.concatenate([-profit, np.zeros(n + m, np.int64)]).astype(np.int64),
    )
    flow.set_node_supply(source, n)
    flow.set_node_supply(sink, -n)
    status = flow.solve_max_flow_with_min_cost()
    if status != flow.OPTIMAL:
        raise RuntimeError(f"the matching solver stopped with status {status}")
    used = flow.flows(np.arange(arcs, dtype=np.int64)) > 0
    placed[rows[used]] = cols[used]
    return placed


def is_optimal(
    profit: np.ndarray, allowed: np.ndarray, seats: np.ndarray, placed: np.ndarray
) -> bool:
    """Whether ``placed`` is a valid assignment that places the most students and, among those,
    has the largest total profit: an LP duality certificate, exact in integers.

    With M larger than any total profit, the goal is the maximum-weight assignment for the
    weights profit + M. ``placed`` is optimal iff mentor prices v exist with v >= 0, v = 0 for a
    mentor with a free seat, every placed student's own pair at least as good at those prices
    as any other allowed pair and as staying out (profit + M - v >= 0), and every allowed pair
    of an unplaced student worth nothing at those prices (profit + M <= v). These are
    difference constraints between mentors; the least prices meeting the lower bounds are found
    by longest paths (Bellman-Ford over the mentors), and then the upper bounds are checked."""
    n, m = allowed.shape
    placed = np.asarray(placed, dtype=np.int64)
    mine = np.flatnonzero(placed >= 0)
    their = placed[mine]
    if len(mine) and not allowed[mine, their].all():
        return False
    taken = np.bincount(their, minlength=m)
    if (taken > seats).any():
        return False
    if not allowed.any():
        return True
    big = (int(np.abs(profit[allowed]).max()) * 2 + 1) * (n + 1)
    never = -(big * 4)
    own = profit[mine, their]
    # gain[j, k]: the most a student placed with j gains by moving to k (never: nobody can)
    gain = np.full((m, m), never, dtype=np.int64)
    order = np.argsort(their, kind="stable")
    for start in range(0, len(order), CERTIFY_CHUNK):
        part = order[start : start + CERTIFY_CHUNK]
        rows, group = mine[part], their[part]
        moves = np.where(allowed[rows], profit[rows], never) - own[part][:, None]
        firsts = np.flatnonzero(np.r_[True, group[1:] != group[:-1]])
        np.maximum.at(gain, group[firsts], np.maximum.reduceat(moves, firsts, axis=0))
    prices = np.zeros(m, dtype=np.int64)
    out = np.flatnonzero(placed < 0)
    for start in range(0, len(out), CERTIFY_CHUNK):
        rows = out[start : start + CERTIFY_CHUNK]
        wanted = np.where(allowed[rows], profit[rows] + big, never).max(axis=0)
        prices = np.maximum(prices, wanted)
    for _ in range(m + 1):
        raised = np.maximum(prices, (prices[:, None] + gain).max(axis=0))
        if np.array_equal(raised, prices):
            break
        prices = raised
    else:
        return False  # a cycle of moves that gains: not optimal
    if (prices[their] > own + big).any():
        return False
    return bool((prices[taken < seats] == 0).all())


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


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" + ("" if count == 1 else "s")


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


def criterion_weights(weights: MatchingWeights) -> tuple[int, ...]:
    """The five criterion weights, in ``CRITERIA`` order."""
    return tuple(getattr(weights, name) for name in CRITERIA)


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
