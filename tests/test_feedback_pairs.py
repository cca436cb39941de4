"""The work sent back with feedback and the next attempt at it, counted by (feedback length,
approved) (submission_feedback_pairs, local revision 0025), kept by the store's triggers: after
any mix of writes through every path that writes submissions (core/writes.py's insert, update
and tombstone; a sync's upsert and purge), the kept counts equal a full count from the rows;
a first sync's bulk load and the learning platform bridge's first pass, which set the
triggers aside, count them once at the end; the demo build counts them too."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import factory
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pull_writes import from_server
from sqlalchemy import select, text

from mentor_tui.core import writes
from mentor_tui.core.analytics.early_reads import FEEDBACK_PAIRS_SQL
from mentor_tui.db.derived_tables import (
    ATTENDED_COUNT_SQL,
    FEEDBACK_PAIRS_COUNT_SQL,
    refill_feedback_pairs,
)
from mentor_tui.db.engine import session_scope
from mentor_tui.db.models import Submission

START = datetime(2026, 11, 1, 12, tzinfo=UTC)
STUDENTS = 2
STATUSES = ("pending", "approved", "changes_requested", "rejected")
Counts = list[tuple[int, int, int]]


def kept(session) -> Counts:
    """The counts the triggers keep, as the program report reads them."""
    return [tuple(r) for r in session.execute(text(FEEDBACK_PAIRS_SQL)).all()]


def counted(session) -> Counts:
    """The counts from the submissions (the full recomputation)."""
    return [tuple(r) for r in session.execute(text(FEEDBACK_PAIRS_COUNT_SQL)).all()]


@pytest.fixture
def program(engine) -> tuple[list[str], list[str]]:
    """Two students and two assignments: (student ids, assignment ids)."""
    with session_scope(engine) as s:
        mentor = factory.mentor(s)
        students = [factory.student(s, f"Student {n}", mentor=mentor).id for n in range(STUDENTS)]
        _, modules = factory.course(s, modules=1)
        tasks = [factory.assignment(s, modules[0]).id for _ in range(2)]
        return students, tasks


def _check(engine) -> None:
    with session_scope(engine) as s:
        assert kept(s) == counted(s)


status = st.sampled_from(STATUSES)
feedback = st.one_of(st.none(), st.integers(0, 4).map(lambda n: "x" * n))
attempt = st.integers(1, 4)
step = st.one_of(
    st.tuples(st.just("insert"), st.integers(0, STUDENTS - 1), st.integers(0, 1), attempt,
              status, feedback),
    st.tuples(st.just("update"), st.integers(0, 50), status, feedback),
    st.tuples(st.just("attempt"), st.integers(0, 50), attempt),
    st.tuples(st.just("move"), st.integers(0, 50), st.integers(0, STUDENTS - 1),
              st.integers(0, 1)),
    st.tuples(st.just("tombstone"), st.integers(0, 50)),
    st.tuples(st.just("pulled"), st.integers(0, 50), status, feedback, st.booleans()),
    st.tuples(st.just("purged"), st.integers(0, 50)),
)  # fmt: skip


def _apply(engine, db_path: Path, students: list[str], tasks: list[str], op: tuple) -> None:
    kind = op[0]
    with session_scope(engine) as s:
        rows = s.execute(select(Submission).order_by(Submission.id)).scalars().all()
        if kind == "insert":
            _, who, task, n, state, words = op
            row = Submission(
                assignment_id=tasks[task], student_id=students[who], submitted_at=START,
                status=state, attempt=n, feedback=words,
            )  # fmt: skip
            writes.insert(s, None, row)
            return
        if not rows:
            return
        row = rows[op[1] % len(rows)]
        if kind == "update":
            writes.update(s, None, row, {"status": op[2], "feedback": op[3]})
        elif kind == "attempt":
            writes.update(s, None, row, {"attempt": op[2]})
        elif kind == "move":
            writes.update(
                s, None, row, {"student_id": students[op[2]], "assignment_id": tasks[op[3]]}
            )
        elif kind == "tombstone":
            writes.tombstone(s, None, row)
        if kind not in ("pulled", "purged"):
            return
        row_id, version = row.id, row.version
    if kind == "pulled":  # the server's newer version of the row, as the pull applies it
        _, _, state, words, gone = op
        fields = {"status": state, "feedback": words}
        from_server(db_path, "submissions", row_id, version, fields, START if gone else None)
    else:  # out of this store's scope: removed here, kept by the server
        from_server(db_path, "submissions", row_id, version, None)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(steps=st.lists(step, min_size=1, max_size=14))
def test_the_pairs_equal_a_count_after_any_writes(engine, db_path, program, steps) -> None:
    students, tasks = program
    for op in steps:
        _apply(engine, db_path, students, tasks, op)
        _check(engine)


def _load(engine, students: list[str], task: str) -> None:
    """Per student: attempt 1 sent back with 3 characters, 2 rejected with 5, 3 approved."""
    with session_scope(engine) as s:
        for who in students:
            for n, (state, words) in enumerate(
                (("changes_requested", "abc"), ("rejected", "abcde"), ("approved", None)), 1
            ):
                row = Submission(
                    assignment_id=task, student_id=who, submitted_at=START + timedelta(days=n),
                    status=state, attempt=n, feedback=words,
                )  # fmt: skip
                writes.insert(s, None, row)


def test_the_pairs_are_counted_by_length_and_approval(engine, program) -> None:
    students, tasks = program
    _load(engine, students, tasks[0])
    with session_scope(engine) as s:
        assert kept(s) == [(3, 0, STUDENTS), (5, 1, STUDENTS)]


def test_refill_makes_the_pairs_anew(engine, program) -> None:
    students, tasks = program
    _load(engine, students, tasks[0])
    with session_scope(engine) as s:
        s.connection().exec_driver_sql("UPDATE submission_feedback_pairs SET n = 99")
        assert kept(s) != counted(s)
        assert refill_feedback_pairs(s) == 2
    _check(engine)


def test_the_demo_build_counts_revision_0025s_tables_and_keeps_their_triggers(
    template: Path, empty_store: Path
) -> None:
    """The demo build sets the triggers aside while its indexes are (each would scan a table
    per row), then counts the feedback pairs and the sessions attended once and makes the
    triggers again."""
    conn = sqlite3.connect(template)
    try:
        found = conn.execute(FEEDBACK_PAIRS_SQL).fetchall()
        assert found and found == conn.execute(FEEDBACK_PAIRS_COUNT_SQL).fetchall()
        attended = conn.execute("SELECT * FROM student_attended_totals ORDER BY 1").fetchall()
        assert attended and attended == sorted(conn.execute(ATTENDED_COUNT_SQL).fetchall())
        names = conn.execute(TRIGGERS).fetchall()
    finally:
        conn.close()
    conn = sqlite3.connect(empty_store)
    try:
        expected = conn.execute(TRIGGERS).fetchall()
    finally:
        conn.close()
    assert len(expected) == 9 and names == expected


TRIGGERS = (
    "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND (name LIKE "
    "'submission_feedback_pairs_%' OR name LIKE 'student_attended_totals_%') ORDER BY name"
)
