"""One grouped pass over the progress rows for the whole program report.

The program report's figures (completion by mentor, time to course completion, retention, by
specialization, and the session frequency and review turnaround correlations) each need every
student's progress totals; grouped separately, the 400,000 progress rows of the 50,000-student
benchmark store were read and grouped six times. Here they are grouped once by student, in
the order revision 0020's covering index reads them (no sort), into a temporary table
(``analytics_student_progress``), and the completed rows of live modules of the students who
may have completed a course once by student and course into a second
(``analytics_course_progress``, for the time to course completion); the
figures join these instead. Both live only on the report's connection and only while
``shared_progress`` is open.

The values are those of the plain queries (``progress.progress_totals`` and the figures' own
groupings): counts, minima and maxima of the same stored values.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Float, Integer, String, TableClause, column, select, table, text
from sqlalchemy.sql import Select, Subquery
from sqlmodel import Session

from mentor_tui.core.analytics.early_reads import REVIEW_SECONDS_SQL
from mentor_tui.db.derived_tables import PROGRESS_TOTALS, SUBMISSION_TOTALS
from mentor_tui.db.models import ModuleProgress

COURSES = "analytics_course_progress"
STUDENTS = "analytics_student_progress"
SUBMISSIONS = "analytics_student_submissions"


_TIME = ModuleProgress.__table__.c.created_at.type

_STUDENT_PASS: Sequence[str] = (
    f"DROP TABLE IF EXISTS temp.{STUDENTS}",
    # per student, every live row (of live, deleted or missing modules alike): grouped as
    # revision 0020's covering index gives the rows, in student order, so nothing is sorted
    f"""CREATE TEMP TABLE {STUDENTS} AS
    SELECT user_id AS sid, count(*) AS modules,
           sum(CASE WHEN is_completed THEN 1 ELSE 0 END) AS completed,
           max(last_activity_at) AS last_progress_at, min(created_at) AS first_progress_at
    FROM module_progress WHERE deleted_at IS NULL GROUP BY user_id""",
    f"CREATE UNIQUE INDEX temp.ix_{STUDENTS} ON {STUDENTS} (sid)",
)

_MAY_HAVE_COMPLETED = f"""
    SELECT user_id FROM {PROGRESS_TOTALS.name} WHERE completed >= (
        SELECT min(n) FROM (
            SELECT count(*) AS n FROM modules WHERE deleted_at IS NULL GROUP BY course_id))"""
"""The users with at least as many completed live progress rows as the smallest course (by
live modules) has modules: everyone who may have completed a course (none without modules)."""

_COURSE_PASS: Sequence[str] = (
    f"DROP TABLE IF EXISTS temp.{COURSES}",
    # per student and course, the completed rows of live modules alone: a course is completed
    # when all of its n live modules are, and a student has one row per module
    # (uq_progress_user_module), so there its n completed rows are all its rows and their
    # earliest start and latest completion those of all of them. Only the students who can
    # have completed a course are read: those with at least as many completed live rows as
    # the smallest course has live modules, as the store's triggers keep the count
    # (``student_progress_totals.completed``, revision 0021: rows of deleted modules too, so
    # never fewer); their rows looked up through ix_progress_user_times, not all 400,000
    # scanned and 185,000 sorted (on the demo store, 6,000 of 50,000 students)
    f"""CREATE TEMP TABLE {COURSES} AS
    SELECT mp.user_id AS sid, m.course_id AS course_id, count(*) AS completed,
           min(mp.created_at) AS started, max(mp.completed_at) AS finished
    FROM module_progress AS mp JOIN modules AS m ON m.id = mp.module_id
    WHERE mp.deleted_at IS NULL AND mp.is_completed AND m.deleted_at IS NULL
      AND mp.user_id IN ({_MAY_HAVE_COMPLETED})
    GROUP BY mp.user_id, m.course_id""",
)


@dataclass(frozen=True)
class SharedProgress:
    """The two temporary tables as SQLAlchemy tables.

    - ``students``: ``sid``, ``modules`` (live progress rows), ``completed``,
      ``last_progress_at`` (latest ``last_activity_at``), ``first_progress_at`` (earliest
      ``created_at``), for every user with live progress rows;
    - ``courses``: ``sid``, ``course_id``, ``completed``, ``started`` (earliest
      ``created_at``), ``finished`` (latest ``completed_at``), of the completed rows of live
      modules, for the users who may have completed a course (``_MAY_HAVE_COMPLETED``): a
      course's figures where ``completed`` is its number of live modules.
    """

    students: TableClause
    courses: TableClause

    def totals(self, ids: Select[Any]) -> Subquery:
        """``progress.progress_totals(ids)`` read from the shared pass: the same columns and
        values for the students ``ids`` selects."""
        s = self.students.c
        return (
            select(
                s.sid.label("sid"),
                s.modules.label("modules"),
                s.completed.label("completed"),
                s.last_progress_at.label("last_progress_at"),
            )
            .where(s.sid.in_(ids))
            .subquery("progress_totals")
        )


def _tables() -> SharedProgress:
    students = table(
        STUDENTS,
        column("sid", String),
        column("modules", Integer),
        column("completed", Integer),
        column("last_progress_at", _TIME),
        column("first_progress_at", _TIME),
    )
    courses = table(
        COURSES,
        column("sid", String),
        column("course_id", String),
        column("completed", Integer),
        column("started", _TIME),
        column("finished", _TIME),
    )
    return SharedProgress(students, courses)


@contextmanager
def shared_progress(
    session: Session, *, students: bool = True, courses: bool = True
) -> Iterator[SharedProgress]:
    """The pass made once on ``session``'s connection, dropped again on the way out; only the
    tables asked for are made (the program report makes ``courses`` on a connection of its
    own, beside the rest: ``students`` is then not to be read, nor ``courses`` the other way)."""
    db = session.connection()
    for statement in (*(_STUDENT_PASS if students else ()), *(_COURSE_PASS if courses else ())):
        db.execute(text(statement))
    try:
        yield _tables()
    finally:  # only the tables made here (another pass on this connection keeps its own)
        for name, made in ((STUDENTS, students), (COURSES, courses)):
            if made:
                db.execute(text(f"DROP TABLE IF EXISTS temp.{name}"))


_SUBMISSION_PASS: Sequence[str] = (
    f"DROP TABLE IF EXISTS temp.{SUBMISSIONS}",
    # per student: the last live submission (any status) and the mean review time in hours of
    # the decided ones (None without one), as retention and the review turnaround group them
    f"""CREATE TEMP TABLE {SUBMISSIONS} AS
    SELECT student_id AS sid, max(submitted_at) AS last_submitted_at,
           avg(CASE WHEN status != 'pending' AND reviewed_at IS NOT NULL
                    THEN {REVIEW_SECONDS_SQL} / 3600.0 END) AS review_hours
    FROM submissions WHERE deleted_at IS NULL GROUP BY student_id""",
    f"CREATE UNIQUE INDEX temp.ix_{SUBMISSIONS} ON {SUBMISSIONS} (sid)",
)


@contextmanager
def submission_pass(session: Session) -> Iterator[TableClause]:
    """The 960,000 submissions grouped once by student on ``session``'s connection, for the
    two figures that each grouped them (retention's last submission, the review turnaround's
    mean review time), read from revision 0020's ``ix_submissions_student_review_time``
    alone: a temporary table ``sid``, ``last_submitted_at``, ``review_hours``, dropped on the
    way out. The mean adds the same review times in the same order as the plain query (the
    index's), so it is the same float."""
    db = session.connection()
    for statement in _SUBMISSION_PASS:
        db.execute(text(statement))
    try:
        yield table(
            SUBMISSIONS,
            column("sid", String),
            column("last_submitted_at", _TIME),
            column("review_hours", Float),
        )
    finally:
        db.execute(text(_SUBMISSION_PASS[0]))


def kept_last_submitted() -> Subquery:
    """``submission_pass``'s ``sid`` and ``last_submitted_at`` as the store's triggers keep
    them (``student_submission_totals``, revision 0022: each student's latest live
    submission): the same values, 50,000 rows read instead of 960,000 grouped."""
    t = SUBMISSION_TOTALS.c
    return select(t.user_id.label("sid"), t.last_submitted_at.label("last_submitted_at")).subquery(
        "kept_submissions"
    )


__all__ = [
    "COURSES",
    "REVIEW_SECONDS_SQL",
    "STUDENTS",
    "SUBMISSIONS",
    "SharedProgress",
    "kept_last_submitted",
    "shared_progress",
    "submission_pass",
]
