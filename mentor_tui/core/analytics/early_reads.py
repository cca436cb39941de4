"""Three of the program report's reads over all time, started on a plain ``sqlite3``
connection of their own before SQLAlchemy and the models are imported.

``mentor-tui report program`` spends its first half second or more importing SQLAlchemy, SQLModel
and the models, on one core, before any figure is read. Three of the report's reads do not
depend on the period, the clock or the acting user: each student's mean review time
(``correlations.review_hours``), the feedback pairs (``correlations.feedback_resubmission``,
kept by revision 0025's triggers since: a few dozen rows) and the figures by verified
specialization (``program.by_specialization`` on revision 0021's kept totals).
``start_early_reads`` starts them in a thread on the store file meanwhile (SQLite lets go of
the GIL while it reads, so they take the other core), and the report uses their rows instead
of reading them again. The statements are the ones the report runs otherwise (this module is
where they are written), so the figures are the same.

This module imports nothing but ``sqlite3`` and ``threading``. Reads start only on a store at
the code's schema revision (one that needs a migration is read after it, the usual way); a read
that fails leaves the report to read the figures itself.
"""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import quote

REVIEW_SECONDS_SQL = "round((julianday(reviewed_at) - julianday(submitted_at)) * 86400.0, 3)"
"""A decision's review time as revisions 0015 and 0020's indexes keep it (SQLite reads an
indexed expression only where a query spells it the same, with these literal numbers)."""

REVIEW_HOURS_SQL = f"""
    SELECT student_id AS sid, avg({REVIEW_SECONDS_SQL} / 3600.0) AS hours
    FROM submissions
    WHERE deleted_at IS NULL AND status != 'pending' AND reviewed_at IS NOT NULL
    GROUP BY student_id
"""
"""Per student with a decided submission: the mean review time in hours, read from revision
0020's ``ix_submissions_student_review_time`` alone."""

FEEDBACK_PAIRS_SQL = """
    SELECT length, approved, n FROM submission_feedback_pairs WHERE n > 0 ORDER BY 1, 2
"""
"""Work sent back with feedback and the next attempt at it, counted by (feedback length,
approved), as revision 0025's triggers keep the counts (``submission_feedback_pairs``: a
few dozen rows for 300,000 pairs; ``db/derived_tables.py``'s ``FEEDBACK_PAIRS_COUNT_SQL``
counts them from the submissions, in the same order), without the rows whose pairs are gone."""

BY_SPECIALIZATION_SQL = """
    SELECT spec.specialization, count(DISTINCT spec.mentor_id), count(DISTINCT u.id),
           avg(CASE WHEN t.user_id IS NOT NULL THEN
                   CASE WHEN coalesce(t.modules, 0) = 0 THEN 0.0
                        ELSE (coalesce(t.completed, 0) * 100.0) / (t.modules + 0.0) END
               END),
           count(DISTINCT CASE WHEN u.status = 'Passed out / Completed' THEN u.id END)
    FROM mentor_specializations AS spec
    LEFT OUTER JOIN users AS u
        ON u.mentor_id = spec.mentor_id AND u.role = 'student' AND u.deleted_at IS NULL
    LEFT OUTER JOIN student_progress_totals AS t ON t.user_id = u.id
    WHERE spec.deleted_at IS NULL AND spec.verified IS 1
    GROUP BY spec.specialization ORDER BY spec.specialization
"""
"""For each specialization some mentor holds verified: its mentors, their live students (a
student counts under each of their mentor's), the students' mean completion rate
(``progress.completion_rate`` of revision 0021's kept totals, students with progress rows)
and the graduates (``students.GRADUATED``): ``program.by_specialization``'s figures, the
statement its SQLAlchemy query compiles to."""


class Found(NamedTuple):
    """The rows of the reads, as the report's own reads give them."""

    review_hours: dict[str, float]
    feedback_pairs: list[tuple[Any, ...]]
    specializations: list[tuple[Any, ...]]


class EarlyReads:
    """Both reads under way in a thread; ``result()`` waits for them (None if they failed)."""

    def __init__(self, path: Path) -> None:
        self._found: Found | None = None
        self._conn: sqlite3.Connection | None = None
        self._opened = threading.Event()
        self._thread = threading.Thread(
            target=self._read, args=(path,), name="analytics-early", daemon=True
        )
        self._thread.start()

    def _read(self, path: Path) -> None:
        try:
            conn = sqlite3.connect(
                f"file:{quote(str(path))}?mode=ro", uri=True, check_same_thread=False
            )
        except sqlite3.Error:
            self._opened.set()
            return
        self._conn = conn
        self._opened.set()
        try:
            conn.execute("BEGIN")  # one snapshot for all
            hours = {sid: h for sid, h in conn.execute(REVIEW_HOURS_SQL)}
            pairs = [tuple(row) for row in conn.execute(FEEDBACK_PAIRS_SQL)]
            specializations = [tuple(row) for row in conn.execute(BY_SPECIALIZATION_SQL)]
            self._found = Found(hours, pairs, specializations)
        except sqlite3.Error:
            self._found = None  # interrupted, or a store these reads do not fit
        finally:
            conn.close()

    def result(self) -> Found | None:
        self._thread.join()
        return self._found

    def close(self) -> None:
        """Stop the reads if they are still going (the command ended without them)."""
        self._opened.wait()
        if self._thread.is_alive() and self._conn is not None:
            try:
                self._conn.interrupt()
            except sqlite3.Error:
                pass
        self._thread.join()


def start_early_reads(path: Path) -> EarlyReads | None:
    """The reads started on the store at ``path``, or None where they should not start: no
    such file, or a store not at the code's revision (the migration comes first)."""
    from mentor_tui.db.migrations import at_head

    return EarlyReads(path) if at_head(path) else None


__all__ = [
    "BY_SPECIALIZATION_SQL",
    "FEEDBACK_PAIRS_SQL",
    "REVIEW_HOURS_SQL",
    "REVIEW_SECONDS_SQL",
    "EarlyReads",
    "Found",
    "start_early_reads",
]
