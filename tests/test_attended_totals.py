"""Each student's sessions attended (student_attended_totals, local revision 0025), kept by the
store's triggers on attendances and sessions: after any mix of writes through every path that
writes them (core/writes.py's insert, update and tombstone; a sync's upsert and purge, which
may bring an attendance before its session), the kept counts equal a full count; and the
program report's counts as of a moment (the kept counts less the sessions not yet started)
equal the attendances joined to their sessions, whatever the moment."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import factory
import pytest
from app_support import FROZEN_NOW
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pull_writes import FORMAT, from_server, pull_or_purge
from sqlalchemy import select, text

from mentor_tui.core import writes
from mentor_tui.core.analytics.correlations import _attended, attended_counts
from mentor_tui.db.derived_tables import ATTENDED_COUNT_SQL
from mentor_tui.db.engine import make_engine, session_scope
from mentor_tui.db.models import MentorshipSession, SessionAttendee, User, new_id

START = datetime(2026, 11, 1, 12, tzinfo=UTC)
STUDENTS = 3
ATTENDANCE = (None, "attended", "no_show")
STATUSES = ("scheduled", "completed", "cancelled")


def kept(session) -> dict[str, int]:
    found = session.execute(text("SELECT user_id, attended FROM student_attended_totals"))
    return dict(found.all())


def counted(session) -> dict[str, int]:
    return dict(session.execute(text(ATTENDED_COUNT_SQL)).all())


@pytest.fixture
def school(engine) -> tuple[str, list[str]]:
    """A mentor and three students: (mentor id, student ids)."""
    with session_scope(engine) as s:
        mentor = factory.mentor(s)
        students = [factory.student(s, f"Student {n}", mentor=mentor).id for n in range(STUDENTS)]
        return mentor.id, students


def _check(engine) -> None:
    with session_scope(engine) as s:
        assert kept(s) == counted(s)


who = st.integers(0, STUDENTS - 1)
step = st.one_of(
    st.tuples(st.just("session"), st.sampled_from(STATUSES)),
    st.tuples(st.just("attend"), st.integers(0, 20), who, st.sampled_from(ATTENDANCE)),
    st.tuples(st.just("mark"), st.integers(0, 50), st.sampled_from(ATTENDANCE)),
    st.tuples(st.just("move"), st.integers(0, 50), who, st.integers(0, 20)),
    st.tuples(st.just("drop"), st.integers(0, 50)),
    st.tuples(st.just("status"), st.integers(0, 20), st.sampled_from(STATUSES)),
    st.tuples(st.just("cancel_gone"), st.integers(0, 20)),
    st.tuples(st.just("pulled"), st.integers(0, 50), st.sampled_from(ATTENDANCE), st.booleans()),
    st.tuples(st.just("purged"), st.integers(0, 50)),
    st.tuples(st.just("session_purged"), st.integers(0, 20)),
    st.tuples(st.just("early"), who, st.sampled_from(STATUSES)),
)  # fmt: skip


def _apply(engine, db_path: Path, school: tuple[str, list[str]], op: tuple) -> None:
    mentor, students = school
    kind = op[0]
    if kind == "early":  # a pull brings an attendance before its session
        _, n, state = op
        sid = new_id()
        conn = sqlite3.connect(db_path, isolation_level=None)
        try:
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("PRAGMA defer_foreign_keys = ON")
            now = START.strftime(FORMAT)
            conn.execute(
                "INSERT INTO session_attendees (id, created_at, updated_at, version, session_id,"
                " student_id, attendance) VALUES (?, ?, ?, 1, ?, ?, 'attended')",
                (new_id(), now, now, sid, students[n]),
            )
            conn.execute(
                "INSERT INTO mentorship_sessions (id, created_at, updated_at, version, mentor_id,"
                " kind, title, starts_at, duration_minutes, timezone, agenda, status, summary)"
                " VALUES (?, ?, ?, 1, ?, 'one_on_one', 'Early', ?, 60, 'UTC', '', ?, '')",
                (sid, now, now, mentor, now, state),
            )
            conn.execute("COMMIT")
        finally:
            conn.close()
        return
    with session_scope(engine) as s:
        sessions = s.execute(select(MentorshipSession).order_by(MentorshipSession.id)).scalars()
        sessions = sessions.all()
        rows = s.execute(select(SessionAttendee).order_by(SessionAttendee.id)).scalars().all()
        if kind == "session":
            row = MentorshipSession(
                mentor_id=mentor, kind="group", title="Group", starts_at=START,
                duration_minutes=60, status=op[1],
            )  # fmt: skip
            writes.insert(s, None, row)
            return
        if kind in ("attend", "status", "cancel_gone", "session_purged"):
            if not sessions:
                return
            meeting = sessions[op[1] % len(sessions)]
            if kind == "attend":
                if s.execute(
                    select(SessionAttendee).where(
                        SessionAttendee.session_id == meeting.id,
                        SessionAttendee.student_id == students[op[2]],
                    )
                ).first():
                    return
                row = SessionAttendee(
                    session_id=meeting.id, student_id=students[op[2]], attendance=op[3]
                )
                writes.insert(s, None, row)
            elif kind == "status":
                writes.update(s, None, meeting, {"status": op[2]})
            elif kind == "cancel_gone":
                writes.tombstone(s, None, meeting)
            else:
                s.commit()
                for row in rows:
                    if row.session_id == meeting.id:
                        pull_or_purge(db_path, "session_attendees", row.id, None)
                pull_or_purge(db_path, "mentorship_sessions", meeting.id, None)
            return
        if not rows:
            return
        row = rows[op[1] % len(rows)]
        if kind == "mark":
            writes.update(s, None, row, {"attendance": op[2]})
        elif kind == "move":
            if not sessions:
                return
            target = sessions[op[3] % len(sessions)]
            taken = s.execute(
                select(SessionAttendee).where(
                    SessionAttendee.session_id == target.id,
                    SessionAttendee.student_id == students[op[2]],
                )
            ).first()
            if taken is None:
                writes.update(
                    s, None, row, {"student_id": students[op[2]], "session_id": target.id}
                )
        elif kind == "drop":
            writes.tombstone(s, None, row)
        if kind not in ("pulled", "purged"):
            return
        row_id, version = row.id, row.version
    if kind == "pulled":  # the server's newer version of the row, as the pull applies it
        _, _, attendance, gone = op
        fields = {"attendance": attendance}
        from_server(db_path, "session_attendees", row_id, version, fields, START if gone else None)
    else:
        from_server(db_path, "session_attendees", row_id, version, None)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(steps=st.lists(step, min_size=1, max_size=14))
def test_the_counts_equal_a_recount_after_any_writes(engine, db_path, school, steps) -> None:
    for op in steps:
        _apply(engine, db_path, school, op)
        _check(engine)


def test_a_students_row_goes_with_their_last_attendance(engine, school) -> None:
    mentor, students = school
    with session_scope(engine) as s:
        host = s.get(User, mentor)
        who = s.get(User, students[0])
        meeting = factory.meeting(s, host, [(who, "attended")], starts_at=START)
    with session_scope(engine) as s:
        assert kept(s) == {students[0]: 1}
        writes.update(s, None, s.get(MentorshipSession, meeting.id), {"status": "cancelled"})
    with session_scope(engine) as s:
        assert kept(s) == {}


@pytest.fixture
def store(template: Path, tmp_path: Path) -> Path:
    from app_support import copy_store

    return copy_store(template, tmp_path / "attended.db")


def test_the_counts_as_of_a_moment_equal_the_attendances_joined(store: Path) -> None:
    """Before every session, amid them and after them all: the kept counts less the sessions
    not started give the join's counts."""
    engine = make_engine(store)
    try:
        with session_scope(engine) as s:
            first, last = s.execute(
                text("SELECT min(starts_at), max(starts_at) FROM mentorship_sessions")
            ).one()
            assert first < last
            seen = set()
            for now in (
                FROZEN_NOW - timedelta(days=3650),
                FROZEN_NOW - timedelta(days=20),
                FROZEN_NOW,
                FROZEN_NOW + timedelta(days=10),
                FROZEN_NOW + timedelta(days=3650),
            ):
                plain = {sid: int(n) for sid, n in s.connection().execute(_attended(now)).all()}
                assert attended_counts(s, now) == plain
                seen.add(sum(plain.values()))
    finally:
        engine.dispose()
    assert len(seen) >= 3  # the moments gave different counts
