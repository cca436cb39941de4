"""The dashboard's figure records (the review queue card, a mentor's performance, the program
overview) and an admin's review queue and program overview read in plain SQL on any
``sqlite3`` connection.

This module imports nothing but the standard library, so that the screen may paint these
figures from a read started before SQLAlchemy and the models are loaded
(``summary_counts.EarlyCounts``); ``dashboard.py`` and ``performance.py`` read the same figures
through the ORM, with the same statements (tests compare both), and return these records.
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
``dashboard.review_queue``)."""

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
COMPLETION_SQL = f"""
    SELECT u.mentor_id,
           avg(CASE WHEN coalesce(t.modules, 0) = 0 THEN 0.0
                    ELSE (coalesce(t.completed, 0) * 100.0) / (t.modules + 0.0) END)
    FROM (
        SELECT user_id AS sid, count(*) AS modules,
               sum(CASE WHEN is_completed THEN 1 ELSE 0 END) AS completed
        FROM module_progress
        WHERE user_id IN (
            SELECT people.id FROM ({_PEOPLE}) AS people
            WHERE people.mentor_id IN (SELECT value FROM json_each(:mentors)))
          AND deleted_at IS NULL
        GROUP BY user_id
    ) AS t JOIN users AS u ON u.id = t.sid
    GROUP BY u.mentor_id
"""
"""The program overview's statements (``performance.program_overview``'s, written out)."""


def stored_datetime(value: str | None) -> datetime | None:
    """A time as the store keeps it (UTC text), as the ORM returns it: aware, in UTC."""
    if value is None:
        return None
    return datetime.fromisoformat(value).replace(tzinfo=UTC)


def read_review_queue(conn: sqlite3.Connection, overdue_before: str) -> ReviewQueue:
    """The admin's review queue card, the SLA's limit ``overdue_before`` as the store keeps
    times (``summary_counts.stored_time``)."""
    count, oldest, overdue = conn.execute(
        REVIEWS_SQL, {"overdue_before": overdue_before}
    ).fetchone()
    return ReviewQueue(int(count), stored_datetime(oldest), int(overdue or 0))


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
    "read_program_overview",
    "read_review_queue",
    "stored_datetime",
]
