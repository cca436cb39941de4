"""Each student's progress totals (student_progress_totals, local revision 0021), kept
by the store's triggers: after any mix of writes through every path that writes progress rows
(core/writes.py's insert, update and tombstone; a sync's upsert and purge; insert_many into an
empty table with its indexes set aside), they equal a full recount; ``rebuild`` makes them
anew; a store at 0018 upgrades with its rows kept and its totals counted."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import factory
import pytest
from derived_support import check_recounts
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pull_writes import FORMAT, from_server
from sqlalchemy import func, select

from mentor_tui.core import writes
from mentor_tui.core.people import progress, progress_totals
from mentor_tui.db.engine import make_engine, session_scope
from mentor_tui.db.migrations import HEAD, upgrade
from mentor_tui.db.models import ModuleProgress, new_id

START = datetime(2026, 11, 1, 12, tzinfo=UTC)
STUDENTS, MODULES = 3, 4


@pytest.fixture
def program(engine) -> tuple[list[str], list[str]]:
    """Three students and one course of four modules: (student ids, module ids)."""
    with session_scope(engine) as s:
        mentor = factory.mentor(s)
        students = [factory.student(s, f"Student {n}", mentor=mentor).id for n in range(STUDENTS)]
        _, modules = factory.course(s, modules=MODULES)
        return students, [m.id for m in modules]


def _check(engine) -> None:
    check_recounts(engine, progress_totals)


moment = st.one_of(st.none(), st.integers(0, 30).map(lambda d: START + timedelta(days=d)))
step = st.one_of(
    st.tuples(st.just("insert"), st.integers(0, STUDENTS - 1), st.integers(0, MODULES - 1),
              st.booleans(), moment),
    st.tuples(st.just("update"), st.integers(0, 50), st.booleans(), moment),
    st.tuples(st.just("move"), st.integers(0, 50), st.integers(0, STUDENTS - 1)),
    st.tuples(st.just("tombstone"), st.integers(0, 50)),
    st.tuples(st.just("pulled"), st.integers(0, 50), st.booleans(), moment, st.booleans()),
    st.tuples(st.just("purged"), st.integers(0, 50)),
)  # fmt: skip


def _apply(engine, db_path: Path, students: list[str], modules: list[str], op: tuple) -> None:
    kind = op[0]
    with session_scope(engine) as s:
        rows = s.execute(select(ModuleProgress).order_by(ModuleProgress.id)).scalars().all()
        taken = {(r.user_id, r.module_id) for r in rows}
        if kind == "insert":
            _, who, which, done, at = op
            if (students[who], modules[which]) not in taken:
                row = ModuleProgress(
                    user_id=students[who], module_id=modules[which], is_completed=done,
                    last_activity_at=at,
                )  # fmt: skip
                writes.insert(s, None, row)
            return
        if not rows:
            return
        row = rows[op[1] % len(rows)]
        if kind == "update":
            writes.update(s, None, row, {"is_completed": op[2], "last_activity_at": op[3]})
        elif kind == "move" and (students[op[2]], row.module_id) not in taken:
            writes.update(s, None, row, {"user_id": students[op[2]]})
        elif kind == "tombstone":
            writes.tombstone(s, None, row)
        if kind not in ("pulled", "purged"):
            return
        row_id, version = row.id, row.version
    if kind == "pulled":  # the server's newer version of the row, as the pull applies it
        _, _, done, at, gone = op
        fields = {"is_completed": done, "last_activity_at": at and at.strftime(FORMAT)}
        from_server(db_path, "module_progress", row_id, version, fields, START if gone else None)
    else:  # out of this store's scope: removed here, kept by the server
        from_server(db_path, "module_progress", row_id, version, None)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(steps=st.lists(step, min_size=1, max_size=12))
def test_the_totals_equal_a_recount_after_any_writes(engine, db_path, program, steps) -> None:
    students, modules = program
    for op in steps:
        _apply(engine, db_path, students, modules, op)
        _check(engine)


def test_rebuild_makes_the_totals_anew(engine, program) -> None:
    students, modules = program
    with session_scope(engine) as s:
        for who in students:
            for n, module in enumerate(modules):
                row = ModuleProgress(
                    user_id=who, module_id=module, is_completed=n % 2 == 0,
                    last_activity_at=START + timedelta(days=n),
                )  # fmt: skip
                writes.insert(s, None, row)
    with session_scope(engine) as s:
        s.connection().exec_driver_sql("UPDATE student_progress_totals SET modules = 99")
        assert progress_totals.kept(s) != progress_totals.recount(s)
        assert progress_totals.rebuild(s) == STUDENTS
    _check(engine)
    with session_scope(engine) as s:
        assert progress_totals.kept(s)[students[0]] == (4, 2, START + timedelta(days=3))
        assert progress.cohort_average(s) == 50.0


def test_a_bulk_load_with_its_indexes_set_aside_is_counted(engine, program) -> None:
    """The learning platform bridge's first pass: insert_many into an empty table, its indexes
    dropped and made again at the end; every row still counted once."""
    students, modules = program
    rows = [
        {
            "id": new_id(), "user_id": who, "module_id": module, "is_completed": n < 3,
            "last_activity_at": START + timedelta(hours=n),
        }
        for who in students
        for n, module in enumerate(modules)
    ]  # fmt: skip
    with session_scope(engine) as s, writes.indexes_deferred(s, ModuleProgress):
        writes.insert_many(s, None, ModuleProgress, rows, audit_each=False)
    _check(engine)
    with session_scope(engine) as s:
        assert set(progress_totals.kept(s).values()) == {(4, 3, START + timedelta(hours=3))}


def test_a_store_at_0018_upgrades_with_its_rows_kept_and_counted(db_path: Path) -> None:
    engine = make_engine(db_path, migrate=False)
    try:
        assert upgrade(engine, "0018") == "0018"
        with session_scope(engine) as s:
            mentor = factory.mentor(s)
            who = factory.student(s, mentor=mentor)
            _, modules = factory.course(s, modules=3)
            for n, module in enumerate(modules):
                factory.progress(s, who, module, completed=n == 0, at=START + timedelta(days=n))
            writes.tombstone(s, None, s.get(ModuleProgress, _first_row(s, modules[2].id)))
            before = s.execute(select(func.count()).select_from(ModuleProgress)).scalar_one()
        assert upgrade(engine) == HEAD
        with session_scope(engine) as s:
            after = s.execute(select(func.count()).select_from(ModuleProgress)).scalar_one()
            assert after == before == 3
            assert progress_totals.kept(s) == {who.id: (2, 1, START + timedelta(days=1))}
            assert progress_totals.kept(s) == progress_totals.recount(s)
    finally:
        engine.dispose()


def _first_row(s, module_id: str) -> str:
    found = s.execute(select(ModuleProgress.id).where(ModuleProgress.module_id == module_id))
    return found.scalar_one()
