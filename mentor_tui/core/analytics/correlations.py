"""The source document's "Student Success Correlation": three pairs of figures, each with its n,
Pearson's r (``statistics.correlation``) and a reading in plain words. They describe how the
figures move together in this program's data; they say nothing about cause.

- **session frequency vs completion**: per student with progress rows, sessions attended per 30
  days since their first progress (at least one 30-day stretch) against their completion rate;
  the reading compares students with two or more sessions a month with the others;
- **review turnaround vs completion**: per student with a decided submission, the mean hours
  from submission to decision against their completion rate; the reading compares students
  whose reviews came within the SLA on average with the others;
- **feedback length vs resubmission success**: per submission sent back (changes requested or
  rejected) with feedback whose next attempt (``attempt`` + 1, same student and assignment) was
  decided, the feedback's length in characters against whether that attempt was approved
  (1 or 0: the point-biserial r); the reading compares feedback at least as long as the median
  with shorter feedback.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import aliased
from sqlmodel import Session

from mentor_tui.core import clock
from mentor_tui.core.analytics.mentors import review_seconds
from mentor_tui.core.people import progress
from mentor_tui.db.models import (
    MentorshipSession,
    ModuleProgress,
    SessionAttendee,
    Submission,
    User,
)

MIN_PAIRS = 3
"""Fewer pairs than this give no coefficient (and say so)."""
FREQUENT = 2.0
"""Sessions a month that make a student's sessions "frequent" in the reading."""


@dataclass(frozen=True)
class Correlation:
    name: str
    x_label: str
    y_label: str
    n: int
    r: float | None
    reading: str
    points: tuple[tuple[float, float], ...] = ()


def pearson(xs: Sequence[float], ys: Sequence[float]) -> float | None:
    """Pearson's r, or None with fewer than ``MIN_PAIRS`` pairs or a constant side."""
    if len(xs) < MIN_PAIRS or len(set(xs)) < 2 or len(set(ys)) < 2:
        return None
    return statistics.correlation(xs, ys)


def strength(r: float) -> str:
    size = abs(r)
    if size < 0.1:
        return "no linear relation to speak of"
    word = "weak" if size < 0.3 else "moderate" if size < 0.5 else "strong"
    return f"a {word} {'positive' if r > 0 else 'negative'} relation"


def _mean(values: Sequence[float]) -> float | None:
    return math.fsum(values) / len(values) if values else None


def _split_reading(
    points: Sequence[tuple[float, float]],
    high: str,
    low: str,
    cut: float,
    unit: str,
) -> str:
    """The mean of y for the points with x >= cut against the others, in words."""
    above = [y for x, y in points if x >= cut]
    below = [y for x, y in points if x < cut]
    a, b = _mean(above), _mean(below)
    if a is None or b is None:
        return f"All {len(points)} fall on one side, so there is nothing to compare."
    gap = a - b
    more = "more" if gap >= 0 else "less"
    return f"{high} ({len(above)}) averaged {abs(gap):.1f} {unit} {more} than {low} ({len(below)})."


def _describe(n: int, r: float | None, split: str) -> str:
    if r is None:
        return f"Too few pairs ({n}) or no spread to compute a coefficient."
    return f"r = {r:.2f} over {n}: {strength(r)}. {split} An association, not a cause."


def session_frequency(session: Session, now: datetime) -> Correlation:
    mp, att, ses = ModuleProgress, SessionAttendee, MentorshipSession
    students = select(User.id).where(User.role == "student", progress.live(User))
    totals = progress.progress_totals(students)
    first = (
        select(mp.user_id.label("sid"), func.min(mp.created_at).label("first"))
        .where(progress.live(mp))
        .group_by(mp.user_id)
        .subquery("first_progress")
    )
    attended = (
        select(att.student_id.label("sid"), func.count().label("n"))
        .join(ses, ses.id == att.session_id)
        .where(
            att.attendance == "attended",
            progress.live(att),
            progress.live(ses),
            ses.status != "cancelled",
            ses.starts_at < now,
        )
        .group_by(att.student_id)
        .subquery("attended")
    )
    rows = (
        session.connection()
        .execute(
            select(totals.c.modules, totals.c.completed, first.c.first, attended.c.n)
            .select_from(totals)
            .join(first, first.c.sid == totals.c.sid)
            .outerjoin(attended, attended.c.sid == totals.c.sid)
        )
        .all()
    )
    points = []
    for modules, completed, started, n in rows:
        days = (now - clock.aware(started)).total_seconds() / 86400 if started else 0.0
        months = max(days / 30, 1.0)
        points.append(((n or 0) / months, progress.rate(modules, completed)))
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    r = pearson(xs, ys)
    split = _split_reading(
        points,
        "Students with two or more sessions a month",
        "the others",
        FREQUENT,
        "completion points",
    )
    return Correlation(
        "Session frequency vs completion",
        "sessions attended a month",
        "completion %",
        len(points),
        r,
        _describe(len(points), r, split),
        tuple(points),
    )


def review_turnaround(session: Session, sla_hours: int) -> Correlation:
    sub = Submission
    students = select(User.id).where(User.role == "student", progress.live(User))
    totals = progress.progress_totals(students)
    hours = review_seconds() / 3600.0
    turnaround = (
        select(sub.student_id.label("sid"), func.avg(hours).label("hours"))
        .where(progress.live(sub), sub.status != "pending", sub.reviewed_at.is_not(None))
        .group_by(sub.student_id)
        .subquery("turnaround")
    )
    rows = (
        session.connection()
        .execute(
            select(turnaround.c.hours, totals.c.modules, totals.c.completed)
            .select_from(turnaround)
            .join(totals, totals.c.sid == turnaround.c.sid)
        )
        .all()
    )
    points = [(float(h), progress.rate(m, c)) for h, m, c in rows]
    r = pearson([p[0] for p in points], [p[1] for p in points])
    # the split reads "within the SLA" as the low side: flip x so that >= cut means within
    flipped = [(-x, y) for x, y in points]
    split = _split_reading(
        flipped,
        f"Students whose reviews took {sla_hours} h or less on average",
        "the others",
        -float(sla_hours),
        "completion points",
    )
    return Correlation(
        "Review turnaround vs completion",
        "mean review hours",
        "completion %",
        len(points),
        r,
        _describe(len(points), r, split),
        tuple(points),
    )


def feedback_resubmission(session: Session) -> Correlation:
    sent, nxt = aliased(Submission, name="sent_back"), aliased(Submission, name="next_attempt")
    rows = (
        session.connection()
        .execute(
            select(func.length(sent.feedback), case((nxt.status == "approved", 1), else_=0))
            .join(
                nxt,
                and_(
                    nxt.student_id == sent.student_id,
                    nxt.assignment_id == sent.assignment_id,
                    nxt.attempt == sent.attempt + 1,
                    nxt.deleted_at.is_(None),
                    nxt.status != "pending",
                ),
            )
            .where(
                sent.deleted_at.is_(None),
                sent.status.in_(("changes_requested", "rejected")),
                sent.feedback.is_not(None),
            )
        )
        .all()
    )
    points = [(float(length or 0), float(ok)) for length, ok in rows]
    r = pearson([p[0] for p in points], [p[1] for p in points])
    lengths = sorted(p[0] for p in points)
    median = statistics.median(lengths) if lengths else 0.0
    percent = [(x, y * 100) for x, y in points]
    split = _split_reading(
        percent,
        f"Resubmissions after feedback of {median:.0f} characters or more",
        "those after shorter feedback",
        median,
        "points of approval rate",
    )
    return Correlation(
        "Feedback length vs resubmission success",
        "feedback characters",
        "next attempt approved (1/0)",
        len(points),
        r,
        _describe(len(points), r, split),
        tuple(points),
    )


def correlations(session: Session, now: datetime, sla_hours: int) -> list[Correlation]:
    return [
        session_frequency(session, now),
        review_turnaround(session, sla_hours),
        feedback_resubmission(session),
    ]


__all__ = [
    "MIN_PAIRS",
    "Correlation",
    "correlations",
    "feedback_resubmission",
    "pearson",
    "review_turnaround",
    "session_frequency",
    "strength",
]
