"""Each student's submission totals (student_submission_totals, local revision 0022), kept by
the store's triggers: after any mix of writes through every path that writes submissions
(core/writes.py's insert, update and tombstone; a sync's upsert and purge; insert_many into an
empty table with its indexes set aside), they equal a full recount; ``rebuild`` makes them
anew; a store at 0021 upgrades with its submissions counted."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import factory
import pytest
from derived_support import STUDENTS, check_recounts
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pull_writes import FORMAT, from_server
from sqlalchemy import select

from mentor_tui.core import writes
from mentor_tui.core.people import submission_totals
from mentor_tui.db.engine import make_engine, session_scope
from mentor_tui.db.migrations import HEAD, upgrade
from mentor_tui.db.models import Submission, new_id

START = datetime(2026, 11, 1, 12, tzinfo=UTC)
STATUSES = ("pending", "approved", "changes_requested")


@pytest.fixture
def program(engine) -> tuple[list[str], str]:
    """Three students and one assignment: (student ids, assignment id)."""
    with session_scope(engine) as s:
        mentor = factory.mentor(s)
        students = [factory.student(s, f"Student {n}", mentor=mentor).id for n in range(STUDENTS)]
        _, modules = factory.course(s, modules=1)
        return students, factory.assignment(s, modules[0]).id


def _check(engine) -> None:
    check_recounts(engine, submission_totals)


moment = st.integers(0, 30).map(lambda d: START + timedelta(days=d))
status = st.sampled_from(STATUSES)
step = st.one_of(
    st.tuples(st.just("insert"), st.integers(0, STUDENTS - 1), status, moment),
    st.tuples(st.just("update"), st.integers(0, 50), status, moment),
    st.tuples(st.just("move"), st.integers(0, 50), st.integers(0, STUDENTS - 1)),
    st.tuples(st.just("tombstone"), st.integers(0, 50)),
    st.tuples(st.just("pulled"), st.integers(0, 50), status, moment, st.booleans()),
    st.tuples(st.just("purged"), st.integers(0, 50)),
)  # fmt: skip


def _apply(engine, db_path: Path, students: list[str], task: str, op: tuple) -> None:
    kind = op[0]
    with session_scope(engine) as s:
        rows = s.execute(select(Submission).order_by(Submission.id)).scalars().all()
        if kind == "insert":
            _, who, state, at = op
            row = Submission(
                assignment_id=task, student_id=students[who], submitted_at=at, status=state,
                attempt=len(rows) + 1,
            )  # fmt: skip
            writes.insert(s, None, row)
            return
        if not rows:
            return
        row = rows[op[1] % len(rows)]
        if kind == "update":
            writes.update(s, None, row, {"status": op[2], "submitted_at": op[3]})
        elif kind == "move":
            writes.update(s, None, row, {"student_id": students[op[2]]})
        elif kind == "tombstone":
            writes.tombstone(s, None, row)
        if kind not in ("pulled", "purged"):
            return
        row_id, version = row.id, row.version
    if kind == "pulled":  # the server's newer version of the row, as the pull applies it
        _, _, state, at, gone = op
        fields = {"status": state, "submitted_at": at.strftime(FORMAT)}
        from_server(db_path, "submissions", row_id, version, fields, START if gone else None)
    else:  # out of this store's scope: removed here, kept by the server
        from_server(db_path, "submissions", row_id, version, None)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(steps=st.lists(step, min_size=1, max_size=12))
def test_the_totals_equal_a_recount_after_any_writes(engine, db_path, program, steps) -> None:
    students, task = program
    for op in steps:
        _apply(engine, db_path, students, task, op)
        _check(engine)


def _load(engine, students: list[str], task: str) -> None:
    """Four submissions each: pending on days 1 and 3, approved on days 0 and 2."""
    with session_scope(engine) as s:
        for who in students:
            for n in range(4):
                row = Submission(
                    assignment_id=task, student_id=who, submitted_at=START + timedelta(days=n),
                    status="pending" if n % 2 else "approved", attempt=n + 1,
                )  # fmt: skip
                writes.insert(s, None, row)


def test_rebuild_makes_the_totals_anew(engine, program) -> None:
    students, task = program
    _load(engine, students, task)
    with session_scope(engine) as s:
        s.connection().exec_driver_sql("UPDATE student_submission_totals SET pending = 99")
        assert submission_totals.kept(s) != submission_totals.recount(s)
        assert submission_totals.rebuild(s) == STUDENTS
    _check(engine)
    with session_scope(engine) as s:
        expected = (2, START + timedelta(days=1), START + timedelta(days=3))
        assert submission_totals.kept(s)[students[0]] == expected


def test_a_bulk_load_with_its_indexes_set_aside_is_counted(engine, program) -> None:
    """The learning platform bridge's first pass: insert_many into an empty table, its indexes
    dropped and made again at the end; every submission still counted once."""
    students, task = program
    rows = [
        {
            "id": new_id(), "assignment_id": task, "student_id": who, "content": "",
            "submitted_at": START + timedelta(hours=n), "status": STATUSES[n % 3],
            "attempt": n + 1,
        }
        for who in students
        for n in range(4)
    ]  # fmt: skip
    with session_scope(engine) as s, writes.indexes_deferred(s, Submission):
        writes.insert_many(s, None, Submission, rows, audit_each=False)
    _check(engine)
    with session_scope(engine) as s:
        expected = (2, START, START + timedelta(hours=3))
        assert set(submission_totals.kept(s).values()) == {expected}


def test_a_store_at_0021_upgrades_with_its_submissions_counted(db_path: Path) -> None:
    engine = make_engine(db_path, migrate=False)
    try:
        assert upgrade(engine, "0021") == "0021"
        with session_scope(engine) as s:
            mentor = factory.mentor(s)
            who = factory.student(s, mentor=mentor)
            _, modules = factory.course(s, modules=1)
            task = factory.assignment(s, modules[0])
            for n in range(3):
                at = START + timedelta(days=n)
                factory.submission(s, who, task, submitted_at=at, attempt=n + 1)
            gone = s.execute(select(Submission).where(Submission.attempt == 3)).scalar_one()
            writes.tombstone(s, None, gone)
        assert upgrade(engine) == HEAD
        with session_scope(engine) as s:
            kept = submission_totals.kept(s)
            assert kept == {who.id: (2, START, START + timedelta(days=1))}
            assert kept == submission_totals.recount(s)
    finally:
        engine.dispose()
