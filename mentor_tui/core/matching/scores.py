"""Mentor matching scores (SPEC section 7): every student-mentor pair scored criterion by
criterion in whole centi-points, and each pair's score explained (see ``matching`` for the rules).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np

from mentor_tui.config import MatchingWeights
from mentor_tui.core.matching.people import (
    CRITERIA,
    CRITERION_WORDS,
    MentorOffer,
    StudentNeeds,
    _needed_skills,
    utc_offset_hours,
)
from mentor_tui.core.text import skill_key
from mentor_tui.db.models import TEACHING_STYLES

EXPERTISE_STRENGTH = 0.6
UNVERIFIED_FACTOR = 0.8
MIXED_STYLE_FIT = 0.7
HOURS_PER_STUDENT = 1.0
"""Weekly mentor hours per student that count as a full fit."""
WIDEST_GAP_HOURS = 12.0
"""Two places can be at most 12 hours apart round the clock."""
CENTI = 100
"""Points are kept as whole centi-points."""


def format_offset(hours: float) -> str:
    sign = "+" if hours >= 0 else "-"
    minutes = round(abs(hours) * 60)
    return f"UTC{sign}{minutes // 60:02d}:{minutes % 60:02d}"


def clock_gap(a: np.ndarray | float, b: np.ndarray | float) -> np.ndarray:
    """Hours between UTC offsets, round the clock (0..12)."""
    d = np.abs(np.asarray(a, dtype=np.float64) - np.asarray(b, dtype=np.float64)) % 24.0
    return np.minimum(d, 24.0 - d)


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
        words = CRITERION_WORDS.get(self.criterion, self.criterion)
        return f"{words} {self.points:.2f}/{self.weight}: {self.reason}"

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
            checked = (
                "verified, counted in full"
                if spec.verified
                else f"unverified, counted at {UNVERIFIED_FACTOR:.0%}"
            )
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
        total: np.ndarray = (
            self.skills_points[rows, cols].astype(np.int64)
            + self.style_points[self.student_style[rows], self.mentor_style[cols]]
            + self.zone_points[self.student_zone[rows], self.mentor_zone[cols]]
            + self.hours_points[cols]
            + self.load_points[cols]
        )
        return total

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


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" + ("" if count == 1 else "s")


def criterion_weights(weights: MatchingWeights) -> tuple[int, ...]:
    """The five criterion weights, in ``CRITERIA`` order."""
    return tuple(getattr(weights, name) for name in CRITERIA)


__all__ = [
    "CENTI",
    "CRITERIA",
    "CriterionScore",
    "PairScore",
    "ScoreTable",
    "clock_gap",
    "criterion_weights",
    "format_offset",
]
