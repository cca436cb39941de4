"""Each student's progress totals, kept by the store's triggers in the transaction that writes
their progress rows (``db/derived_tables.py``, local revision 0021): ``modules`` (live
rows), ``completed`` and ``last_activity_at`` (the latest of those rows'), one row per student
with a live progress row.

``recount`` is the definition, counted from module_progress; ``kept`` what the table holds;
``rebuild`` makes the table anew from ``recount`` (a store whose triggers were ever bypassed,
or that a test wants to check); tests compare ``kept`` with ``recount`` after random writes.
``counted_after`` sets the insert trigger aside around a bulk load into an empty table.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from sqlalchemy import Integer, Select, case, func, select
from sqlmodel import Session

from mentor_tui.core.people.progress import live
from mentor_tui.core.writes import begin_for_ddl
from mentor_tui.db.derived_tables import PROGRESS_TOTALS, refill
from mentor_tui.db.models import ModuleProgress, Synced

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


@contextmanager
def counted_after(session: Session, model: type[Synced]) -> Iterator[None]:
    """Around filling an empty ``module_progress`` with many rows (the learning platform
    bridge's first pass): the trigger that adds each new row to its student's totals, an
    upsert per row, is set aside, and the totals are counted once at the end (``rebuild``,
    one GROUP BY; every row is counted, whichever way it was written meanwhile). Dropped and
    made again in the caller's transaction, which rolls back on any error: then the trigger
    is as it was. Another table, a store without the trigger (a server's): nothing is done."""
    conn = session.connection()
    made = None
    if model is ModuleProgress and conn.dialect.name == "sqlite":
        made = conn.exec_driver_sql(
            "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?",
            (INSERT_TRIGGER,),
        ).scalar()
    if made is None:
        yield
        return
    begin_for_ddl(conn)
    conn.exec_driver_sql(f"DROP TRIGGER {INSERT_TRIGGER}")
    yield  # an error rolls the transaction back (``session_scope``): the drop goes with it
    conn.exec_driver_sql(made)
    rebuild(session)


__all__ = ["INSERT_TRIGGER", "PROGRESS_TOTALS", "Totals", "counted_after", "kept", "rebuild",
           "recount"]  # fmt: skip
