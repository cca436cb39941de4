"""The dashboard's figure records (the review queue card, a mentor's performance, the program
overview) and their statements, read in plain SQL on any ``sqlite3`` connection.

This module imports nothing but the standard library, so that the screen may paint these
figures from a read started before SQLAlchemy and the models are loaded
(``summary_counts.EarlyCounts``). It is their one definition: ``dashboard.py`` and
``performance.py`` run the same readers on the session's own connection.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

GRADUATED = "Passed out / Completed"
TOP_MENTORS = 10


@dataclass(frozen=True)
class ReviewQueue:
    pending_reviews: int
    oldest_pending_at: datetime | None
    overdue_reviews: int


@dataclass(frozen=True)
class MentorPerformance:
    students: int
    average_completion_rate: float
    average_review_hours: float | None
    reviews_within_sla_share: float | None
    session_attendance_rate: float | None
    average_rating: float | None
    graduated_students: int
    reviews: int = 0


@dataclass(frozen=True)
class ProgramOverview:
    mentors: int
    active_mentors: int
    students: int
    unassigned_students: int
    mentors_at_capacity: int
    completion_by_mentor: list[tuple[str, float, int]]
    graduated_students: int


REVIEWS_SQL = """
    SELECT count(*), min(submitted_at), sum(CASE WHEN submitted_at < :overdue_before THEN 1 ELSE 0 END)
    FROM submissions WHERE deleted_at IS NULL AND status = 'pending'
"""
"""Every live pending submission: how many, the oldest, how many over the SLA (the admin's
review queue card)."""
MINE = "SELECT id FROM users WHERE role = 'student' AND deleted_at IS NULL AND mentor_id = :mentor"
"""A mentor's live students (``access.student_scope``'s)."""
MENTOR_REVIEWS_SQL = REVIEWS_SQL + f"  AND student_id IN ({MINE})"
"""A mentor's review queue card: their live students' pending submissions."""
STUDENT_REVIEWS_SQL = REVIEWS_SQL + "  AND student_id = :student"
"""A student's own pending submissions."""

MENTOR_STUDENTS_SQL = """
    SELECT count(*), sum(CASE WHEN status = :graduated THEN 1 ELSE 0 END) FROM users
    WHERE role = 'student' AND deleted_at IS NULL AND mentor_id = :mentor
"""
_RATE = """avg(CASE WHEN coalesce(t.modules, 0) = 0 THEN 0.0
                    ELSE (coalesce(t.completed, 0) * 100.0) / (t.modules + 0.0) END)"""
_TOTALS = """
        SELECT user_id AS sid, count(*) AS modules,
               sum(CASE WHEN is_completed THEN 1 ELSE 0 END) AS completed
        FROM module_progress WHERE user_id IN ({students}) AND deleted_at IS NULL
        GROUP BY user_id"""
MENTOR_COMPLETION_SQL = f"SELECT {_RATE} FROM ({_TOTALS.format(students=MINE)}) AS t"
MENTOR_REVIEWED_SQL = """
    SELECT submitted_at, reviewed_at FROM submissions
    WHERE reviewer_id = :mentor AND deleted_at IS NULL AND reviewed_at IS NOT NULL
      AND status != 'pending'
"""
MENTOR_SESSIONS_SQL = """
    SELECT sum(CASE WHEN s.starts_at < :now AND a.attendance = 'attended' THEN 1 ELSE 0 END),
           sum(CASE WHEN s.starts_at < :now AND a.attendance = 'no_show' THEN 1 ELSE 0 END),
           avg(a.rating)
    FROM session_attendees AS a JOIN mentorship_sessions AS s ON s.id = a.session_id
    WHERE s.mentor_id = :mentor AND s.deleted_at IS NULL AND a.deleted_at IS NULL
      AND s.status != 'cancelled'
"""
"""A mentor's performance's statements (``performance.mentor_performance``'s definitions)."""

_PEOPLE = "SELECT id, status, mentor_id FROM users WHERE role = 'student' AND deleted_at IS NULL"
_LOADS = f"""
    SELECT people.mentor_id AS mentor_id, count(*) AS students FROM ({_PEOPLE}) AS people
    WHERE people.mentor_id IS NOT NULL GROUP BY people.mentor_id
"""
STUDENTS_SQL = f"""
    SELECT count(*),
           sum(CASE WHEN people.mentor_id IS NULL AND people.status = 'Active' THEN 1 ELSE 0 END),
           sum(CASE WHEN people.status = :graduated THEN 1 ELSE 0 END)
    FROM ({_PEOPLE}) AS people
"""
MENTORS_SQL = f"""
    SELECT count(*), sum(CASE WHEN u.status = 'Active' THEN 1 ELSE 0 END),
           sum(CASE WHEN u.status = 'Active'
                    AND coalesce(loads.students, 0) >= coalesce(p.capacity, :capacity)
                    THEN 1 ELSE 0 END)
    FROM users AS u
    LEFT JOIN mentor_profiles AS p ON p.user_id = u.id AND p.deleted_at IS NULL
    LEFT JOIN ({_LOADS}) AS loads ON loads.mentor_id = u.id
    WHERE u.role = 'mentor' AND u.deleted_at IS NULL
"""
TOP_SQL = f"""
    SELECT loads.mentor_id, u.full_name, loads.students
    FROM ({_LOADS}) AS loads JOIN users AS u ON u.id = loads.mentor_id
    ORDER BY loads.students DESC, u.full_name, u.id LIMIT {TOP_MENTORS}
"""
_THEIRS = f"""
            SELECT people.id FROM ({_PEOPLE}) AS people
            WHERE people.mentor_id IN (SELECT value FROM json_each(:mentors))"""
COMPLETION_SQL = f"""
    SELECT u.mentor_id, {_RATE}
    FROM ({_TOTALS.format(students=_THEIRS)}) AS t JOIN users AS u ON u.id = t.sid
    GROUP BY u.mentor_id
"""
"""The program overview's statements (``performance.program_overview`` runs them too)."""


def stored_datetime(value: str | None) -> datetime | None:
    """A time as the store keeps it (UTC text), as the ORM returns it: aware, in UTC."""
    if value is None:
        return None
    return datetime.fromisoformat(value).replace(tzinfo=UTC)


def stored_time(moment: datetime) -> str:
    """``moment`` as the store keeps times (UTC, SQLAlchemy's SQLite text), for comparisons."""
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def read_review_queue(
    conn: sqlite3.Connection,
    overdue_before: str,
    *,
    mentor: str | None = None,
    student: str | None = None,
) -> ReviewQueue:
    """The review queue card, the SLA's limit ``overdue_before`` as the store keeps times
    (``stored_time``): the whole program's (an admin's), or ``mentor``'s students', or one
    ``student``'s own."""
    sql, params = REVIEWS_SQL, {"overdue_before": overdue_before}
    if mentor is not None:
        sql, params["mentor"] = MENTOR_REVIEWS_SQL, mentor
    elif student is not None:
        sql, params["student"] = STUDENT_REVIEWS_SQL, student
    count, oldest, overdue = conn.execute(sql, params).fetchone()
    return ReviewQueue(int(count), stored_datetime(oldest), int(overdue or 0))


def read_mentor_performance(
    conn: sqlite3.Connection, mentor: str, now: str, sla_hours: int
) -> MentorPerformance:
    """A mentor's own figures (``performance``'s module docstring defines them) at ``now``
    as the store keeps times."""
    params = {"mentor": mentor}
    count, graduated = conn.execute(
        MENTOR_STUDENTS_SQL, {**params, "graduated": GRADUATED}
    ).fetchone()
    (average,) = conn.execute(MENTOR_COMPLETION_SQL, params).fetchone()
    review_hours = [
        (_aware(reviewed) - _aware(submitted)).total_seconds() / 3600
        for submitted, reviewed in conn.execute(MENTOR_REVIEWED_SQL, params)
    ]
    within = sum(1 for hours in review_hours if hours <= sla_hours)
    attended, no_show, rating = conn.execute(MENTOR_SESSIONS_SQL, {**params, "now": now}).fetchone()
    attended, no_show = int(attended or 0), int(no_show or 0)
    return MentorPerformance(
        students=int(count),
        average_completion_rate=float(average or 0.0),
        average_review_hours=sum(review_hours) / len(review_hours) if review_hours else None,
        reviews_within_sla_share=within / len(review_hours) if review_hours else None,
        session_attendance_rate=attended / (attended + no_show) if attended + no_show else None,
        average_rating=float(rating) if rating is not None else None,
        graduated_students=int(graduated or 0),
        reviews=len(review_hours),
    )


def _aware(value: str) -> datetime:
    moment = stored_datetime(value)
    assert moment is not None  # the statement reads set times alone
    return moment


def read_program_overview(conn: sqlite3.Connection, capacity: int) -> ProgramOverview:
    """The program overview, ``capacity`` a mentor's capacity where their profile has none
    (``max_students_per_mentor``)."""
    students, unassigned, graduated = conn.execute(
        STUDENTS_SQL, {"graduated": GRADUATED}
    ).fetchone()
    mentors, active, at_capacity = conn.execute(MENTORS_SQL, {"capacity": capacity}).fetchone()
    top = conn.execute(TOP_SQL).fetchall()
    averages: dict[str, float] = {}
    if top:
        ids = json.dumps([row[0] for row in top])
        averages = dict(conn.execute(COMPLETION_SQL, {"mentors": ids}).fetchall())
    return overview_of((students, unassigned, graduated), (mentors, active, at_capacity),
                       top, averages)  # fmt: skip


def overview_of(
    students: Sequence[Any],
    mentors: Sequence[Any],
    top: Sequence[Sequence[Any]],
    averages: Mapping[Any, Any],
) -> ProgramOverview:
    """The overview from its reads, as both paths make them (here and ``performance``):
    (students, unassigned, graduated), (mentors, active, at capacity), the top mentors'
    (id, name, students) and their students' average completion by mentor id."""
    students_count, unassigned, graduated = students
    mentor_count, active, at_capacity = mentors
    completion_by_mentor = [
        (name, float(averages.get(mentor_id) or 0.0), int(count)) for mentor_id, name, count in top
    ]
    return ProgramOverview(
        mentors=int(mentor_count or 0),
        active_mentors=int(active or 0),
        students=int(students_count or 0),
        unassigned_students=int(unassigned or 0),
        mentors_at_capacity=int(at_capacity or 0),
        completion_by_mentor=completion_by_mentor,
        graduated_students=int(graduated or 0),
    )


__all__ = [
    "GRADUATED",
    "TOP_MENTORS",
    "MentorPerformance",
    "ProgramOverview",
    "ReviewQueue",
    "overview_of",
    "read_mentor_performance",
    "read_program_overview",
    "read_review_queue",
    "stored_datetime",
    "stored_time",
]
