"""The program report groups the progress rows once (``core/analytics/shared_progress.py``) and
computes its figures from that pass; here every figure it shows equals the figure computed the
plain way, each grouping the progress rows itself, on the demo store with a deleted module, a
deleted progress row and a deleted student (rows the pass must count or leave out exactly as
the plain queries do)."""

from __future__ import annotations

import sqlite3
from datetime import UTC, date, timedelta
from pathlib import Path

import pytest
from app_support import ADMIN, FROZEN_NOW, copy_store
from sqlalchemy import text

from mentor_tui.config import Config
from mentor_tui.core import clock
from mentor_tui.core.access import actor_for_email
from mentor_tui.core.analytics.correlations import (
    correlations,
    julian_day,
    session_frequency,
    student_rows,
)
from mentor_tui.core.analytics.mentors import Period, completion_by_mentor
from mentor_tui.core.analytics.program import (
    by_specialization,
    course_completion_times,
    program_figures,
    retention,
)
from mentor_tui.core.analytics.shared_progress import (
    COURSES,
    STUDENTS,
    kept_last_submitted,
    shared_progress,
)
from mentor_tui.core.people import progress
from mentor_tui.db.engine import make_engine, session_scope

DELETED = "2026-01-01 00:00:00.000000"


@pytest.fixture
def store(template: Path, tmp_path: Path) -> Path:
    path = copy_store(template, tmp_path / "shared.db")
    conn = sqlite3.connect(path)
    with conn:
        # a module some student has progress on; one progress row; one student with progress
        (module,) = conn.execute(
            "SELECT module_id FROM module_progress WHERE deleted_at IS NULL"
            " GROUP BY module_id ORDER BY count(*) DESC LIMIT 1"
        ).fetchone()
        conn.execute("UPDATE modules SET deleted_at = ? WHERE id = ?", (DELETED, module))
        conn.execute(
            "UPDATE module_progress SET deleted_at = ? WHERE id = (SELECT id FROM module_progress"
            " WHERE deleted_at IS NULL AND module_id != ? ORDER BY id LIMIT 1)",
            (DELETED, module),
        )
        conn.execute(
            "UPDATE users SET deleted_at = ? WHERE id = (SELECT user_id FROM module_progress"
            " WHERE deleted_at IS NULL ORDER BY user_id DESC LIMIT 1)",
            (DELETED,),
        )
    conn.close()
    return path


@pytest.mark.parametrize("period", [Period(), Period(date(2025, 12, 1), date(2026, 2, 28))])
def test_the_reports_figures_equal_the_plain_recomputation(store: Path, period: Period) -> None:
    engine = make_engine(store)
    config = Config()
    try:
        with session_scope(engine) as s:
            admin = actor_for_email(s, ADMIN)
            figures = program_figures(s, admin, config, period=period, now=FROZEN_NOW)
            plain = {
                "Completion by mentor": completion_by_mentor(s, admin, period=period),
                "Time to course completion": course_completion_times(s, period),
                "Retention by cohort": retention(s, FROZEN_NOW, period),
                "By verified specialization": by_specialization(s),
            }
            found = correlations(s, FROZEN_NOW, config.assignment_review_sla_hours)
            left = s.connection().execute(text("SELECT name FROM sqlite_temp_master")).all()
    finally:
        engine.dispose()
    tables = {t.heading: t.rows for t in figures.report.tables}
    for heading, rows in plain.items():
        assert rows, heading  # something to compare
        assert tables[heading] == rows, heading
    assert figures.correlations == found  # n, r, reading and every point
    assert all(c.n > 0 for c in found)
    # the pass's tables are gone with the report
    assert not [name for (name,) in left if name in (COURSES, STUDENTS)]


def test_session_frequency_points_are_the_python_formula(store: Path) -> None:
    """The session frequency points come out of SQL; each equals, to the last bit, the formula
    computed in Python from the raw rows: sessions attended before now per 30 days since the
    student's first live progress row (at least one stretch), against their completion rate."""
    now = clock.aware(FROZEN_NOW).astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    conn = sqlite3.connect(store)
    try:
        totals = conn.execute(
            "SELECT mp.user_id, count(*), sum(CASE WHEN mp.is_completed THEN 1 ELSE 0 END),"
            " julianday(min(mp.created_at)) FROM module_progress AS mp"
            " JOIN users AS u ON u.id = mp.user_id"
            " WHERE mp.deleted_at IS NULL AND u.role = 'student' AND u.deleted_at IS NULL"
            " GROUP BY mp.user_id"
        ).fetchall()
        attended = dict(
            conn.execute(
                "SELECT a.student_id, count(*) FROM session_attendees AS a"
                " JOIN mentorship_sessions AS s ON s.id = a.session_id"
                " WHERE a.attendance = 'attended' AND a.deleted_at IS NULL"
                " AND s.deleted_at IS NULL AND s.status != 'cancelled' AND s.starts_at < ?"
                " GROUP BY a.student_id",
                (now,),
            ).fetchall()
        )
    finally:
        conn.close()
    today = julian_day(FROZEN_NOW)
    expected = sorted(
        (attended.get(sid, 0) / max((today - first) / 30, 1.0), progress.rate(modules, done))
        for sid, modules, done, first in totals
    )
    assert any(x > 0 for x, _ in expected) and any(x == 0 for x, _ in expected)
    assert any(0 < y < 100 for _, y in expected)
    engine = make_engine(store)
    try:
        with session_scope(engine) as s:
            admin = actor_for_email(s, ADMIN)
            figures = program_figures(s, admin, Config(), now=FROZEN_NOW)
            plain = session_frequency(s, FROZEN_NOW)
    finally:
        engine.dispose()
    shared = figures.correlations[0]
    assert shared.name == "Session frequency vs completion"
    assert sorted(shared.points) == expected
    assert sorted(plain.points) == expected
    assert shared.n == len(expected)


def test_the_kept_totals_the_report_reads_equal_the_rows_grouped(store: Path) -> None:
    """The program report reads retention's last activity from ``student_sort_keys`` (or its
    last submission from ``student_submission_totals``) and the figures by specialization from ``student_progress_totals`` (kept by triggers);
    each equals the figure grouped from the rows, here after each student's latest submission
    is moved to the day before now (their last activity then) and every other one of those
    is deleted (the kept totals must follow both: the retention figures move with them)."""
    late = (FROZEN_NOW - timedelta(days=1)).strftime("%Y-%m-%d %H:%M:%S.%f")
    engine = make_engine(store)
    try:
        with session_scope(engine) as s:
            before = retention(s, FROZEN_NOW, Period())
        conn = sqlite3.connect(store)
        with conn:  # the writes go through the triggers, as any write of the store's
            latest = [
                sid
                for (sid,) in conn.execute(
                    "SELECT id FROM submissions AS s WHERE deleted_at IS NULL AND submitted_at ="
                    " (SELECT max(submitted_at) FROM submissions WHERE student_id = s.student_id"
                    " AND deleted_at IS NULL) ORDER BY id"
                )
            ]
            conn.executemany(
                "UPDATE submissions SET submitted_at = ? WHERE id = ?", [(late, i) for i in latest]
            )
            conn.executemany(
                "UPDATE submissions SET deleted_at = ? WHERE id = ?",
                [(DELETED, i) for i in latest[::2]],
            )
        conn.close()
        assert len(latest) > 10
        with session_scope(engine) as s:
            plain = retention(s, FROZEN_NOW, Period())
            with shared_progress(s, courses=False) as shared:
                kept = retention(s, FROZEN_NOW, Period(), shared, kept_last_submitted())
                keyed = retention(s, FROZEN_NOW, Period(), shared, kept_keys=True)
                rows = student_rows(s, shared)
            assert rows == student_rows(s)
            assert by_specialization(s, kept=True) == by_specialization(s)
    finally:
        engine.dispose()
    assert plain != before  # the deletions changed what retention counts
    assert kept == plain
    assert keyed == plain
