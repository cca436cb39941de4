"""The per-mentor table's "at risk now": the rule of ``StudentFigures.risk`` (the students list
and dashboard) for a count, without grouping every submission of every student.

``StudentFigures`` joins each student's submission totals (pending, overdue, latest submission)
to tell a student's last activity and overdue work: on the benchmark store, grouping its
960,000 submissions by student was most of the table's time. A count needs less: a student is
idle when neither a progress row nor a submission of theirs is recent, and has overdue work
when one of their pending submissions waits past the SLA; both sets are read from the recent
or pending part of an index (``ix_submissions_submitted``, ``ix_submissions_queue``). The
result is the same student for student (tests/test_core_mentor_risk.py compares).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, and_, case, false, or_, select

from mentor_tui.core.people import progress
from mentor_tui.core.people.students import NO_SHOW_LIMIT, RiskContext
from mentor_tui.db.models import Submission


def at_risk_rule(
    people: Any, totals: Any, rate: ColumnElement[float], ctx: RiskContext
) -> tuple[Any, ColumnElement[bool]]:
    """The recent-attendance subquery to outer-join on ``people.c.id`` (its ``sid``) and the
    condition "Active and breaking at least one rule", given the students' progress
    ``totals`` (``progress.progress_totals``'s columns) joined already and their ``rate``."""
    p, sub = people.c, Submission
    attendance = progress.recent_attendance(select(p.id), ctx.now)
    recent = select(sub.student_id).where(
        sub.submitted_at >= ctx.idle_before, progress.live(sub), sub.student_id.is_not(None)
    )
    overdue = select(sub.student_id).where(
        sub.status == "pending", progress.live(sub), sub.submitted_at < ctx.overdue_before
    )
    moved = case((totals.c.last_progress_at >= ctx.idle_before, 1), else_=0)
    threshold = ctx.behind_threshold
    rules = [
        and_(moved == 0, p.id.not_in(recent)),  # last activity missing or before idle_before
        rate <= threshold if threshold is not None else false(),
        p.id.in_(overdue),
        progress.as_int(attendance.c.no_shows) >= NO_SHOW_LIMIT,
    ]
    return attendance, and_(p.status == "Active", or_(*rules))


__all__ = ["at_risk_rule"]
