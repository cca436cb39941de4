"""Each student's submission totals, kept by the store's triggers in the transaction that
writes their submissions (``db/derived_tables.py``, local revision 0022): ``pending`` (live
submissions waiting for review), ``oldest_pending_at`` (the earliest of those submitted) and
``last_submitted_at`` (the latest of every live submission), one row per student with a live
submission. The students list sorts by them (``student_pages.py``) without grouping every
submission of the store per page.

``recount`` is the definition, counted from submissions; ``kept`` what the table holds;
``rebuild`` makes the table anew from ``recount``; tests compare ``kept`` with ``recount``
after random writes.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Integer, Select, case, func, select
from sqlmodel import Session

from mentor_tui.core.people.progress import live
from mentor_tui.db.derived_tables import SUBMISSION_TOTALS, refill
from mentor_tui.db.models import Submission

Totals = dict[str, tuple[int, datetime | None, datetime | None]]
"""student id -> (pending, oldest pending submitted, last submitted)."""


def recount_query() -> Select[str, int, Any, Any]:
    sub = Submission
    pending = sub.status == "pending"
    return (
        select(
            sub.student_id,
            func.sum(case((pending, 1), else_=0), type_=Integer),
            func.min(case((pending, sub.submitted_at), else_=None)),
            func.max(sub.submitted_at),
        )
        .where(live(sub))
        .group_by(sub.student_id)
    )


def recount(session: Session) -> Totals:
    """Every student's totals counted from their live submissions (the full recomputation)."""
    return {
        sid: (int(pending or 0), oldest, last)
        for sid, pending, oldest, last in session.execute(recount_query()).all()
    }


def kept(session: Session) -> Totals:
    """The totals the triggers keep."""
    t = SUBMISSION_TOTALS.c
    query = select(t.user_id, t.pending, t.oldest_pending_at, t.last_submitted_at)
    return {
        sid: (int(pending), oldest, last)
        for sid, pending, oldest, last in session.execute(query).all()
    }


def rebuild(session: Session) -> int:
    """Make the table anew from the submissions (in the caller's transaction); how many
    students have totals."""
    return refill(session, SUBMISSION_TOTALS, recount_query())


__all__ = ["SUBMISSION_TOTALS", "Totals", "kept", "rebuild", "recount"]
