"""The store's derived tables (``db/derived_tables.py``, local revisions 0021, 0022, 0025) around
the first pass's bulk loads: counted once after a table is filled instead of by a trigger per
row written.

Filling an empty ``users``, ``module_progress`` or ``submissions`` with many rows fires, per
row, the trigger that adds it to its student's totals and, through the totals tables, the ones
that make the student's sort keys anew (a delete and an insert across six indexes). Around such
a load (``counted_after``) every trigger that keeps a derived table is set aside; at the end the
derived tables the loaded table feeds are made anew from their definitions (``refill``, one
query each; the sort keys with their indexes made once after the rows are in), then the
triggers are made again. All in the caller's transaction, which rolls back on any error: then
the triggers and the derived tables are as they were, and no reader ever sees them apart (a
reader keeps its snapshot). Another table, a store without the triggers (a server's): nothing
is done.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from sqlmodel import Session

from mentor_tui.core.people import progress_totals, sort_keys, submission_totals
from mentor_tui.core.writes import begin_for_ddl
from mentor_tui.db.derived_tables import SORT_KEYS, refill_feedback_pairs

# the derived tables and the tables whose triggers keep them (0021, 0022)
KEEPERS = ("module_progress", "submissions", "users", "student_progress_totals",
           "student_submission_totals")  # fmt: skip
# a table loaded -> the derived tables it feeds, made anew in this order
FEEDS: dict[str, tuple[Callable[[Session], int], ...]] = {
    "users": (sort_keys.rebuild,),
    "module_progress": (progress_totals.rebuild, sort_keys.rebuild),
    "submissions": (submission_totals.rebuild, sort_keys.rebuild, refill_feedback_pairs),
}
DERIVED = ("student_progress_totals", "student_submission_totals", "student_sort_keys",
           "submission_feedback_pairs")  # fmt: skip


def _triggers(conn: Any) -> list[tuple[str, str]]:
    """(name, sql) of every trigger that keeps a derived table."""
    marks = ", ".join("?" * len(KEEPERS))
    rows = conn.exec_driver_sql(
        f"SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name IN ({marks}) "
        "AND sql IS NOT NULL ORDER BY name",
        KEEPERS,
    ).all()
    return [(name, sql) for name, sql in rows if any(t in sql for t in DERIVED)]


@contextmanager
def counted_after(session: Session, table: str) -> Iterator[None]:
    """Around filling the empty ``table`` with many rows (see the module's text)."""
    conn = session.connection()
    feeds = FEEDS.get(table, ()) if conn.dialect.name == "sqlite" else ()
    found = _triggers(conn) if feeds else []
    if not found:
        yield
        return
    begin_for_ddl(conn)
    quote = conn.dialect.identifier_preparer.quote
    for name, _sql in found:
        conn.exec_driver_sql(f"DROP TRIGGER {quote(name)}")
    yield  # an error rolls the transaction back (``session_scope``): the drops go with it
    indexes = conn.exec_driver_sql(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? "
        "AND sql IS NOT NULL",
        (SORT_KEYS.name,),
    ).all()
    for name, _sql in indexes:
        conn.exec_driver_sql(f"DROP INDEX {quote(name)}")
    for rebuild in feeds:
        rebuild(session)
    for _name, sql in indexes:
        conn.exec_driver_sql(sql)
    for _name, sql in found:
        conn.exec_driver_sql(sql)


__all__ = ["counted_after"]
