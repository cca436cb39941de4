"""Each student's progress totals, kept by the store's triggers in the transaction that writes
their progress rows (``db/derived_tables.py``, local revision 0021): ``modules`` (live
rows), ``completed`` and ``last_activity_at`` (the latest of those rows'), one row per student
with a live progress row.

``recount`` is the definition, counted from module_progress; ``kept`` what the table holds;
``rebuild`` makes the table anew from ``recount`` (a store whose triggers were ever bypassed,
or that a test wants to check); tests compare ``kept`` with ``recount`` after random writes.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Integer, Select, case, func, select
from sqlmodel import Session

from mentor_tui.core.people.progress import live
from mentor_tui.db.derived_tables import PROGRESS_TOTALS, refill
from mentor_tui.db.models import ModuleProgress

INSERT_TRIGGER = "student_progress_totals_insert"  # local revision 0021

Totals = dict[str, tuple[int, int, datetime | None]]
"""user id -> (modules, completed, last activity)."""


def recount_query() -> Select[str, int, Any, datetime | None]:
    mp = ModuleProgress
    return (
        select(
            mp.user_id,
            func.count(),
            func.sum(case((mp.is_completed, 1), else_=0), type_=Integer),
            func.max(mp.last_activity_at),
        )
        .where(live(mp))
        .group_by(mp.user_id)
    )


def recount(session: Session) -> Totals:
    """Every student's totals counted from their live progress rows (the full recomputation)."""
    return {
        sid: (int(modules), int(completed or 0), last)
        for sid, modules, completed, last in session.execute(recount_query()).all()
    }


def kept(session: Session) -> Totals:
    """The totals the triggers keep."""
    t = PROGRESS_TOTALS.c
    query = select(t.user_id, t.modules, t.completed, t.last_activity_at)
    return {
        sid: (int(modules), int(completed), last)
        for sid, modules, completed, last in session.execute(query).all()
    }


def rebuild(session: Session) -> int:
    """Make the table anew from the progress rows (in the caller's transaction); how many
    students have totals."""
    return refill(session, PROGRESS_TOTALS, recount_query())


__all__ = ["INSERT_TRIGGER", "PROGRESS_TOTALS", "Totals", "kept", "rebuild",
           "recount"]  # fmt: skip
