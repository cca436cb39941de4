"""Each live student's sort keys (student_sort_keys, local revision 0022), kept by the store's
triggers on users and on the two totals tables: after any mix of writes to students (renamed,
taken back, made a mentor), their progress rows and their submissions, through core/writes.py
and a sync's pull and purge, they equal a full recount; ``rebuild`` makes them anew."""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest
from derived_support import check_recounts, three_students
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from test_submission_totals import START, STUDENTS, _apply
from test_submission_totals import step as submission_step

from mentor_tui.core import writes
from mentor_tui.core.people import sort_keys
from mentor_tui.db.engine import session_scope
from mentor_tui.db.models import ModuleProgress, User, new_id
from mentor_tui.sync import store as sync_store


@pytest.fixture
def program(engine) -> tuple[list[str], str, list[str]]:
    """Three students, one assignment, a course of three modules."""
    return three_students(engine)


def _check(engine) -> None:
    check_recounts(engine, sort_keys)


moment = st.integers(0, 30).map(lambda d: START + timedelta(days=d))
step = st.one_of(
    submission_step,
    st.tuples(st.just("progress"), st.integers(0, STUDENTS - 1), st.integers(0, 2),
              st.booleans(), moment),
    st.tuples(st.just("progress_gone"), st.integers(0, 50)),
    st.tuples(st.just("rename"), st.integers(0, STUDENTS - 1), st.sampled_from("ABZ")),
    st.tuples(st.just("user_gone"), st.integers(0, STUDENTS - 1)),
    st.tuples(st.just("role"), st.integers(0, STUDENTS - 1), st.sampled_from(["mentor", "student"])),
)  # fmt: skip


def _write(engine, db_path: Path, program, op: tuple) -> None:
    students, task, modules = program
    kind = op[0]
    if kind not in ("progress", "progress_gone", "rename", "user_gone", "role"):
        _apply(engine, db_path, students, task, op)
        return
    with session_scope(engine) as s:
        if kind == "progress":
            _, who, which, done, at = op
            row = s.execute(
                select(ModuleProgress).where(
                    ModuleProgress.user_id == students[who],
                    ModuleProgress.module_id == modules[which],
                )
            ).scalar_one_or_none()
            if row is None:
                row = ModuleProgress(user_id=students[who], module_id=modules[which])
                row.is_completed, row.last_activity_at = done, at
                writes.insert(s, None, row)
            else:
                writes.update(s, None, row, {"is_completed": done, "last_activity_at": at})
            return
        if kind == "progress_gone":
            rows = s.execute(select(ModuleProgress).order_by(ModuleProgress.id)).scalars().all()
            if rows:
                writes.tombstone(s, None, rows[op[1] % len(rows)])
            return
        user = s.get(User, students[op[1]])
        assert user is not None
        if kind == "rename":
            writes.update(s, None, user, {"full_name": f"{op[2]} {user.id[:4]}"})
        elif kind == "role":
            writes.update(s, None, user, {"role": op[2]})
        elif user.deleted_at is None:
            writes.tombstone(s, None, user)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(steps=st.lists(step, min_size=1, max_size=12))
def test_the_keys_equal_a_recount_after_any_writes(engine, db_path, program, steps) -> None:
    for op in steps:
        _write(engine, db_path, program, op)
        _check(engine)


def test_rebuild_makes_the_keys_anew(engine, db_path, program) -> None:
    students, _, _ = program
    _write(engine, db_path, program, ("insert", 0, "pending", START))
    _write(engine, db_path, program, ("progress", 1, 0, True, START + timedelta(days=2)))
    with session_scope(engine) as s:
        s.connection().exec_driver_sql("UPDATE student_sort_keys SET pending = 99")
        assert sort_keys.kept(s) != sort_keys.recount(s)
        assert sort_keys.rebuild(s) == STUDENTS
    _check(engine)
    with session_scope(engine) as s:
        kept = sort_keys.kept(s)
    assert kept[students[0]][1:3] == (0.0, 1)
    assert kept[students[1]][1:3] == (100.0, 0)
    assert kept[students[2]][1:] == (0.0, 0, "")


def _steps(conn: sqlite3.Connection, sql: str, params: tuple) -> int:
    """SQLite virtual-machine steps (in hundreds) one statement takes, its triggers with it."""
    count = [0]

    def tick() -> int:
        count[0] += 1
        return 0

    conn.set_progress_handler(tick, 100)
    try:
        conn.execute(sql, params)
    finally:
        conn.set_progress_handler(None, 100)
    return count[0]


def test_a_students_keys_are_kept_without_reading_every_student(db_path, program) -> None:
    """A store without planner statistics (a new one, as a first sync's pull fills it): a
    renamed student's keys cost the same with 20 or 2,000 students beside them. Without the
    unary + in the view the triggers read (student_sort_keys_source), `users.id IN (OLD.id,
    NEW.id)` went through the role index and read every student for each row written (a
    50,000-student pull: quadratic)."""
    students = program[0]
    conn = sqlite3.connect(db_path, isolation_level=None)
    try:
        template = sync_store.row_values(conn, "users", students[0])
        assert template is not None
        names = list(template)
        costs = []
        for total in (20, 2000):
            have = conn.execute("SELECT count(*) FROM users WHERE role = 'student'").fetchone()[0]
            copies = [
                template | {"id": new_id(), "email": f"copy{n}@example.org"}
                for n in range(have, total)
            ]
            conn.execute("BEGIN")
            sync_store.upsert_rows(conn, "users", names, [[c[n] for n in names] for c in copies])
            conn.execute("COMMIT")
            costs.append(_steps(conn, "UPDATE users SET full_name = ? WHERE id = ?",
                                (f"Renamed {total}", students[0])))  # fmt: skip
        assert conn.execute(
            "SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'"
        ).fetchone() == (0,)
        assert costs[1] < 3 * costs[0] + 5, costs
    finally:
        conn.close()
