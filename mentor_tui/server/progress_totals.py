"""A batch of progress rows written with its students' totals counted once, not per row.

A database that is also a mentor-tui store (a demo store served, say) keeps
``student_progress_totals`` by triggers on ``module_progress`` (local revision 0021): each row
written adds itself to its student's totals (an update counts the student's rows again), and
each change of the totals makes the student's sort keys anew (0022, a delete and an insert
across six indexes) and marks the student's at-risk score stale (0023). For an xAPI batch that
is most of its cost. Around such a batch (``totals_after``) the triggers on ``module_progress``
that keep the totals are set aside (``derived_tables.set_aside``, as a first sync's snapshot
and the learning platform bridge's first pass do); at the end the batch's students' totals
are counted again from their live rows in one statement, written only where they changed, so
the sort keys' and the stale marks' triggers (kept) fire once per student whose totals moved,
and the triggers are made again (``derived_tables.put_back``). All in the caller's transaction:
an error rolls the drops back with the rest, and no reader ever sees the triggers missing (a
reader keeps its snapshot). A database without those triggers (a server's own schema,
PostgreSQL): nothing is done.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from sqlalchemy import Connection

from mentor_tui.core.writes import begin_for_ddl
from mentor_tui.db.derived_tables import PROGRESS_TOTALS, put_back, set_aside

CHUNK = 500
TRIGGERS = f"{PROGRESS_TOTALS.name}_%"  # the triggers on module_progress that keep it
RECOUNT = """
INSERT INTO student_progress_totals (user_id, modules, completed, last_activity_at)
SELECT user_id, count(*), sum(is_completed <> 0), max(last_activity_at)
FROM module_progress
WHERE user_id IN ({marks}) AND deleted_at IS NULL
GROUP BY user_id
ON CONFLICT (user_id) DO UPDATE SET
    modules = excluded.modules,
    completed = excluded.completed,
    last_activity_at = excluded.last_activity_at
WHERE modules IS NOT excluded.modules OR completed IS NOT excluded.completed
    OR last_activity_at IS NOT excluded.last_activity_at
"""
# a student left with no live rows (every row tombstoned) has no totals, as the triggers keep it
EMPTY = """
DELETE FROM student_progress_totals
WHERE user_id IN ({marks}) AND NOT EXISTS (
    SELECT 1 FROM module_progress m
    WHERE m.user_id = student_progress_totals.user_id AND m.deleted_at IS NULL
)
"""


@contextmanager
def totals_after(conn: Connection, students: Iterable[str]) -> Iterator[None]:
    """Around writing progress rows of ``students`` only (see the module's text)."""
    if conn.dialect.name != "sqlite":
        yield
        return
    begin_for_ddl(conn)
    raw = conn.connection.dbapi_connection
    assert raw is not None
    found = set_aside(raw, only=(TRIGGERS,))
    yield  # an error rolls the transaction back: the drops go with it
    if not found:
        return
    wanted = sorted(set(students))
    for start in range(0, len(wanted), CHUNK):
        chunk = tuple(wanted[start : start + CHUNK])
        marks = ", ".join("?" for _ in chunk)
        conn.exec_driver_sql(RECOUNT.format(marks=marks), chunk)
        conn.exec_driver_sql(EMPTY.format(marks=marks), chunk)
    put_back(raw, found, ())
