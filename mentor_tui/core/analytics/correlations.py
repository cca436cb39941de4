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
import sqlite3
import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, text
from sqlmodel import Session

from mentor_tui.core import clock
from mentor_tui.core.analytics.early_reads import FEEDBACK_PAIRS_SQL, REVIEW_HOURS_SQL
from mentor_tui.core.analytics.mentors import review_seconds
from mentor_tui.core.analytics.shared_progress import SharedProgress
from mentor_tui.core.people import progress
from mentor_tui.db.derived_tables import ATTENDED_TOTALS
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


def julian_day(moment: datetime) -> float:
    """``moment`` as SQLite's ``julianday`` reads it (days since noon UTC, 4714 BC)."""
    return clock.aware(moment).timestamp() / 86400.0 + 2440587.5


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


def _totals(shared: SharedProgress | None) -> Any:
    students = select(User.id).where(User.role == "student", progress.live(User))
    return shared.totals(students) if shared is not None else progress.progress_totals(students)


def attended_counts(session: Session, now: datetime) -> dict[str, int]:
    """Per student: the sessions they attended (live, not cancelled, started before ``now``);
    students with none are left out. Each student's count whenever the sessions start is kept
    by the store's triggers (``student_attended_totals``, revision 0025); the attendances of
    sessions not started before ``now`` (few: the ones ahead) are taken off: the counts of
    ``_attended(now)``, without joining every attendance to its session."""
    t = ATTENDED_TOTALS.c
    db = session.connection()
    counts = {sid: int(n) for sid, n in db.execute(select(t.user_id, t.attended)).all()}
    for sid, n in db.execute(_attended_not_started(now)).all():
        counts[sid] = counts.get(sid, 0) - int(n)
    return {sid: n for sid, n in counts.items() if n > 0}


def _attended(now: datetime) -> Any:
    att, ses = SessionAttendee, MentorshipSession
    return (
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
    )


def _attended_not_started(now: datetime) -> Any:
    """Per student: their attendances of live sessions not cancelled that start at ``now`` or
    later (``starts_at`` is never NULL): the sessions found first, by ``ix_sessions_start``,
    then their attendances."""
    att, ses = SessionAttendee, MentorshipSession
    ahead = select(ses.id).where(
        ses.starts_at >= now, progress.live(ses), ses.status != "cancelled"
    )
    return (
        select(att.student_id.label("sid"), func.count().label("n"))
        .where(att.attendance == "attended", progress.live(att), att.session_id.in_(ahead))
        .group_by(att.student_id)
    )


def _students_query(shared: SharedProgress | None) -> Any:
    """Per student with progress rows, by id: ``sid``, ``modules``, ``completed`` and the
    first progress as a Julian day (50,000 times read as numbers, not parsed into datetimes)."""
    mp = ModuleProgress
    if shared is not None:  # one row of the pass per student has every column
        s = shared.students.c
        students = select(User.id).where(User.role == "student", progress.live(User))
        return (
            select(s.sid, s.modules, s.completed, func.julianday(s.first_progress_at))
            .where(s.sid.in_(students))
            .order_by(s.sid)
        )
    totals = _totals(None)
    first = (
        select(mp.user_id.label("sid"), func.julianday(func.min(mp.created_at)).label("first"))
        .where(progress.live(mp))
        .group_by(mp.user_id)
        .subquery("first_progress")
    )
    return (
        select(totals.c.sid, totals.c.modules, totals.c.completed, first.c.first)
        .select_from(totals)
        .join(first, first.c.sid == totals.c.sid)
        .order_by(totals.c.sid)  # the points (and r's float) in one order either way
    )


def student_rows(session: Session, shared: SharedProgress | None = None) -> list[Any]:
    """``_students_query``'s rows, read once for both correlations of the program report
    (``session_frequency``'s and ``review_turnaround``'s ``students``). From the shared pass
    (a SQLite store's temporary table) the statement runs on the driver's connection, its
    rows plain tuples of the same values (none of its columns has a result processor): 50,000
    rows without a result object each, a third of the read's time."""
    db = session.connection()
    query = _students_query(shared)
    if shared is None:
        return list(db.execute(query).all())
    compiled = query.compile(dialect=db.dialect)
    params = compiled.construct_params()
    order = compiled.positiontup or ()
    raw = db.connection.driver_connection
    assert isinstance(raw, sqlite3.Connection)  # the shared pass is made on SQLite alone
    rows: list[Any] = raw.execute(compiled.string, [params[name] for name in order]).fetchall()
    return rows


def session_frequency(
    session: Session,
    now: datetime,
    shared: SharedProgress | None = None,
    attended: Mapping[str, int] | None = None,
    students: Sequence[Any] | None = None,
) -> Correlation:
    """``attended`` (``attended_counts``, read beforehand, perhaps on another connection) and
    ``students`` (``student_rows``) give the same figure as counting in the query."""
    rows: Sequence[Any]
    if attended is None:
        query = _students_query(shared)
        counted = _attended(now).subquery("attended")
        sid = query.selected_columns[0]
        query = query.add_columns(counted.c.n).outerjoin(counted, counted.c.sid == sid)
        rows = session.connection().execute(query).all()
    else:
        found = students if students is not None else student_rows(session, shared)
        rows = [
            (sid, modules, completed, started, attended.get(sid))
            for sid, modules, completed, started in found
        ]
    today = julian_day(now)
    points = []
    for _sid, modules, completed, started, n in rows:
        days = today - float(started) if started is not None else 0.0
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


def _turnaround() -> Any:
    sub = Submission
    hours = review_seconds() / 3600.0
    return (
        select(sub.student_id.label("sid"), func.avg(hours).label("hours"))
        .where(progress.live(sub), sub.status != "pending", sub.reviewed_at.is_not(None))
        .group_by(sub.student_id)
    )


def review_hours(session: Session) -> dict[str, float]:
    """Per student with a decided submission: the mean review time in hours
    (``early_reads.REVIEW_HOURS_SQL``, the same figure as ``_turnaround``)."""
    return {sid: h for sid, h in session.connection().execute(text(REVIEW_HOURS_SQL)).all()}


def review_turnaround(
    session: Session,
    sla_hours: int,
    shared: SharedProgress | None = None,
    hours: Mapping[str, float] | None = None,
    students: Sequence[Any] | None = None,
) -> Correlation:
    """``hours`` (``review_hours``, read beforehand, perhaps on another connection) and
    ``students`` (``student_rows``) give the same figure as averaging in the query."""
    rows: Sequence[Any]
    if hours is None:
        totals = _totals(shared)
        turnaround = _turnaround().subquery("turnaround")
        rows = (
            session.connection()
            .execute(
                select(turnaround.c.hours, totals.c.modules, totals.c.completed)
                .select_from(turnaround)
                .join(totals, totals.c.sid == turnaround.c.sid)
                .order_by(turnaround.c.sid)  # the points (and r's float) in one order either way
            )
            .all()
        )
    else:
        found = students if students is not None else student_rows(session, shared)
        rows = [(hours[sid], m, c) for sid, m, c, _first in found if sid in hours]
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


FEEDBACK_PAIRS = text(FEEDBACK_PAIRS_SQL)
"""``early_reads.FEEDBACK_PAIRS_SQL``: the work sent back with feedback and the next attempt
at it, counted by (feedback length, approved), as the store's triggers keep the counts."""


def weighted_pearson(pairs: Sequence[tuple[float, float, int]]) -> float | None:
    """Pearson's r over (x, y, how many times) triples: the same value as ``pearson`` over the
    pairs repeated, or None as it gives None."""
    n = sum(w for _, _, w in pairs)
    if n < MIN_PAIRS or len({x for x, _, _ in pairs}) < 2 or len({y for _, y, _ in pairs}) < 2:
        return None
    mx = math.fsum(x * w for x, _, w in pairs) / n
    my = math.fsum(y * w for _, y, w in pairs) / n
    sxy = math.fsum((x - mx) * (y - my) * w for x, y, w in pairs)
    sxx = math.fsum((x - mx) ** 2 * w for x, _, w in pairs)
    syy = math.fsum((y - my) ** 2 * w for _, y, w in pairs)
    return sxy / math.sqrt(sxx * syy)


def weighted_median(values: Sequence[tuple[float, int]]) -> float:
    """``statistics.median`` of the values repeated their counts (0.0 for none)."""
    ordered = sorted(values)
    n = sum(w for _, w in ordered)
    if not n:
        return 0.0
    wanted = [(n - 1) // 2, n // 2]  # the middle position(s), 0-based
    found: list[float] = []
    seen = 0
    for value, w in ordered:
        while wanted and wanted[0] < seen + w:
            found.append(value)
            wanted.pop(0)
        seen += w
    return (found[0] + found[1]) / 2


def feedback_resubmission(
    session: Session, pairs: Sequence[Sequence[Any]] | None = None
) -> Correlation:
    """``pairs`` (``FEEDBACK_PAIRS``'s rows, read beforehand: ``early_reads``) give the same
    figure as reading them here."""
    if pairs is None:
        pairs = session.connection().execute(FEEDBACK_PAIRS).all()
    counted = [(float(length or 0), float(ok), int(n)) for length, ok, n in pairs]
    total = sum(w for _, _, w in counted)
    r = weighted_pearson(counted)
    median = weighted_median([(x, w) for x, _, w in counted])
    above = [(y * 100, w) for x, y, w in counted if x >= median]
    below = [(y * 100, w) for x, y, w in counted if x < median]
    split = _weighted_split(
        above,
        below,
        f"Resubmissions after feedback of {median:.0f} characters or more",
        "those after shorter feedback",
        "points of approval rate",
    )
    return Correlation(
        "Feedback length vs resubmission success",
        "feedback characters",
        "next attempt approved (1/0)",
        total,
        r,
        _describe(total, r, split),
        tuple((x, y) for x, y, _ in counted),
    )


def _weighted_split(
    above: Sequence[tuple[float, int]],
    below: Sequence[tuple[float, int]],
    high: str,
    low: str,
    unit: str,
) -> str:
    """``_split_reading`` over values with counts."""
    n_above, n_below = sum(w for _, w in above), sum(w for _, w in below)
    if not n_above or not n_below:
        return f"All {n_above + n_below} fall on one side, so there is nothing to compare."
    gap = (
        math.fsum(y * w for y, w in above) / n_above - math.fsum(y * w for y, w in below) / n_below
    )
    more = "more" if gap >= 0 else "less"
    return f"{high} ({n_above}) averaged {abs(gap):.1f} {unit} {more} than {low} ({n_below})."


def correlations(
    session: Session, now: datetime, sla_hours: int, shared: SharedProgress | None = None
) -> list[Correlation]:
    """The three pairs; ``shared`` (the program report's one pass over the progress rows) gives
    the same values as grouping the rows for each."""
    return [
        session_frequency(session, now, shared),
        review_turnaround(session, sla_hours, shared),
        feedback_resubmission(session),
    ]


__all__ = [
    "MIN_PAIRS",
    "Correlation",
    "attended_counts",
    "correlations",
    "feedback_resubmission",
    "pearson",
    "review_hours",
    "review_turnaround",
    "session_frequency",
    "strength",
    "student_rows",
]
