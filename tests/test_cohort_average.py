"""The cohort average (issue #4): each student's progress totals (kept by the store's
triggers, issue #21) give exactly the figure of its plain definition, the mean completion rate
of every live Active student with live progress rows, on the demo store with the awkward cases
added."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from app_support import copy_store
from sqlalchemy import event

from mentor_tui.core.people import progress
from mentor_tui.db.engine import make_engine, session_scope


def plain_cohort_average(path: Path) -> float | None:
    """The definition, student by student in Python (SPEC section 8)."""
    conn = sqlite3.connect(path)
    try:
        students = [
            row[0]
            for row in conn.execute(
                "SELECT id FROM users WHERE role = 'student' AND status = 'Active'"
                " AND deleted_at IS NULL"
            )
        ]
        rates = []
        for student in students:
            flags = [
                row[0]
                for row in conn.execute(
                    "SELECT is_completed FROM module_progress WHERE user_id = ?"
                    " AND deleted_at IS NULL",
                    (student,),
                )
            ]
            if flags:
                rates.append(sum(1 for done in flags if done) * 100.0 / len(flags))
    finally:
        conn.close()
    return sum(rates) / len(rates) if rates else None


def _active_students_with_progress(conn: sqlite3.Connection, count: int) -> list[str]:
    return [
        row[0]
        for row in conn.execute(
            "SELECT u.id FROM users u WHERE u.role = 'student' AND u.status = 'Active'"
            " AND EXISTS (SELECT 1 FROM module_progress p WHERE p.user_id = u.id"
            " AND p.is_completed) ORDER BY u.id LIMIT ?",
            (count,),
        )
    ]


def _add_awkward_cases(path: Path) -> None:
    """Soft-deleted progress rows (some and all of a student's), a soft-deleted student, a
    student made Inactive and one whose role changed, each still holding progress rows."""
    conn = sqlite3.connect(path)
    try:
        partly, wholly, deleted, inactive, other_role = _active_students_with_progress(conn, 5)
        stamp = "2025-03-17 14:00:00.000000"
        conn.execute(
            "UPDATE module_progress SET deleted_at = ? WHERE id IN (SELECT id FROM"
            " module_progress WHERE user_id = ? AND is_completed ORDER BY id LIMIT 1)",
            (stamp, partly),
        )
        conn.execute("UPDATE module_progress SET deleted_at = ? WHERE user_id = ?", (stamp, wholly))
        conn.execute("UPDATE users SET deleted_at = ? WHERE id = ?", (stamp, deleted))
        conn.execute("UPDATE users SET status = 'Inactive' WHERE id = ?", (inactive,))
        conn.execute("UPDATE users SET role = 'mentor' WHERE id = ?", (other_role,))
        conn.commit()
    finally:
        conn.close()


def _cohort_average(path: Path, statements: list[tuple[str, object]] | None = None) -> float | None:
    engine = make_engine(path)
    if statements is not None:
        event.listen(
            engine,
            "before_cursor_execute",
            lambda _c, _cur, sql, params, *_a: statements.append((sql, params)),
        )
    try:
        with session_scope(engine) as session:
            return progress.cohort_average(session)
    finally:
        engine.dispose()


def test_the_grouped_pass_equals_the_definition_on_the_demo_store(
    template: Path, tmp_path: Path
) -> None:
    path = copy_store(template, tmp_path / "cohort.db")
    before = _cohort_average(path)
    assert before is not None
    assert before == pytest.approx(plain_cohort_average(path), abs=1e-9)

    _add_awkward_cases(path)
    after = _cohort_average(path)
    expected = plain_cohort_average(path)
    assert expected is not None and abs(expected - before) > 1e-6  # the cases moved the figure
    assert after == pytest.approx(expected, abs=1e-9)


def test_no_active_student_with_progress_means_no_average(template: Path, tmp_path: Path) -> None:
    path = copy_store(template, tmp_path / "quiet.db")
    conn = sqlite3.connect(path)
    conn.execute("UPDATE module_progress SET deleted_at = '2025-03-17 14:00:00.000000'")
    conn.commit()
    conn.close()
    assert plain_cohort_average(path) is None
    assert _cohort_average(path) is None


def test_the_average_reads_each_students_kept_totals_not_every_progress_row(
    template: Path, tmp_path: Path
) -> None:
    """Issue #21: one pass over the students, each one's totals (student_progress_totals, kept
    by the store's triggers) read by its key: no progress row, no subquery per student, no
    sort."""
    path = copy_store(template, tmp_path / "plan.db")
    statements: list[tuple[str, object]] = []
    _cohort_average(path, statements)
    query, params = next((sql, p) for sql, p in statements if "student_progress_totals" in sql)
    conn = sqlite3.connect(path)
    try:
        plan = " | ".join(row[3] for row in conn.execute(f"EXPLAIN QUERY PLAN {query}", params))
    finally:
        conn.close()
    assert "CORRELATED" not in plan and "TEMP B-TREE" not in plan, plan
    assert "module_progress" not in plan, plan
    assert "USING PRIMARY KEY (user_id=?)" in plan, plan
