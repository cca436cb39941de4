"""The admin's attention ranking read from the kept at-risk scores (``summary_counts``'s
``KEPT_RANKED_SQL``, revision 0023's ``student_risk``) is the definition's (``RANKED_SQL``,
every score counted from the rows): at moments before and long after the basis, at other
thresholds than the basis's, and after writes that mark students stale."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import pytest
from app_support import REFERENCE, copy_store
from sqlalchemy import select

from mentor_tui.core import clock
from mentor_tui.core.analytics import summary_counts as counts
from mentor_tui.core.people.risk_rules import NO_SHOW_LIMIT, RECENT_SESSIONS
from mentor_tui.db.engine import make_engine, session_scope
from mentor_tui.db.models import SessionAttendee, Submission, User


@contextmanager
def _every_row_shown(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The ranking statements with every student ranked in the rows they return."""
    every = 100_000
    with monkeypatch.context() as patch:
        for name in ("RANKED_SQL", "KEPT_RANKED_SQL", "MINE_SQL"):
            sql = getattr(counts, name)
            sql = sql.replace(f"LIMIT {counts.ATTENTION_ROWS}", f"LIMIT {every}")
            sql = sql.replace(f"above >= {counts.ATTENTION_ROWS}", f"above >= {every}")
            patch.setattr(counts, name, sql)
        yield


def _defined(conn: sqlite3.Connection, moment, behind) -> counts.Ranked:
    """``RANKED_SQL``'s figures: every score counted from the rows."""
    now, idle_before, overdue_before = moment
    rows = conn.execute(
        counts.RANKED_SQL,
        {
            "now": now,
            "idle_before": idle_before,
            "overdue_before": overdue_before,
            "behind": behind,
            "no_show_limit": NO_SHOW_LIMIT,
            "recent_sessions": RECENT_SESSIONS,
        },
    ).fetchall()
    if not rows:
        return counts.Ranked([], 0, 0)
    return counts.Ranked([row[0] for row in rows], int(rows[0][1]), int(rows[0][2]))


def _write(path: Path) -> None:
    """Writes the kept scores do not see until counted afresh: a student paused, one
    deleted, one renamed to the head of the order, work sent in, work deleted, a no-show."""
    engine = make_engine(path)
    try:
        with session_scope(engine) as s:
            students = s.execute(
                select(User).where(User.role == "student").order_by(User.id)
            ).scalars().all()  # fmt: skip
            students[0].status = "Paused"
            students[1].deleted_at = clock.now()
            students[2].full_name = "Aaron Aardvark"
            pending = s.execute(
                select(Submission).where(Submission.status == "pending").order_by(Submission.id)
            ).scalars().all()  # fmt: skip
            pending[0].deleted_at = clock.now()
            pending[1].status = "approved"
            attendee = s.execute(
                select(SessionAttendee).where(SessionAttendee.attendance == "attended")
            ).scalars().first()  # fmt: skip
            assert attendee is not None
            attendee.attendance = "no_show"
    finally:
        engine.dispose()


def add_signals(path: Path, mentor: str | None = None) -> tuple[str, str]:
    """Two active students (``mentor``'s, if given) whose score only the rules' less common
    inputs decide: one idle by their progress who sent work in a day ago (not idle), one
    with no-shows at their two latest past sessions (missing sessions). Their ids."""
    recent = counts.stored_time(REFERENCE - timedelta(days=1))
    theirs = "" if mentor is None else " AND u.mentor_id = :mentor"
    with sqlite3.connect(path) as conn:
        args = {"mentor": mentor, "idle": counts.stored_time(REFERENCE - timedelta(days=16))}
        sender = conn.execute(
            "SELECT u.id FROM users AS u JOIN student_progress_totals AS t ON t.user_id = u.id"
            " WHERE u.role = 'student' AND u.status = 'Active' AND u.deleted_at IS NULL"
            f" AND t.last_activity_at < :idle{theirs} AND u.id IN ("
            " SELECT student_id FROM submissions WHERE deleted_at IS NULL) ORDER BY u.id",
            args,
        ).fetchone()[0]
        conn.execute(
            "UPDATE submissions SET submitted_at = :recent WHERE id = (SELECT id FROM submissions"
            " WHERE student_id = :sid AND deleted_at IS NULL ORDER BY id LIMIT 1)",
            {"recent": recent, "sid": sender},
        )
        absent = conn.execute(
            "SELECT u.id FROM users AS u JOIN session_attendees AS a ON a.student_id = u.id"
            " JOIN mentorship_sessions AS s ON s.id = a.session_id"
            " WHERE u.role = 'student' AND u.status = 'Active' AND u.deleted_at IS NULL"
            f" AND s.starts_at < :recent AND s.status != 'cancelled' AND u.id != :sender{theirs}"
            " GROUP BY u.id HAVING count(*) >= 2 ORDER BY u.id",
            {**args, "recent": recent, "sender": sender},
        ).fetchone()[0]
        conn.execute(
            "UPDATE session_attendees SET attendance = 'no_show' WHERE id IN ("
            " SELECT a.id FROM session_attendees AS a"
            " JOIN mentorship_sessions AS s ON s.id = a.session_id"
            " WHERE a.student_id = :sid AND s.starts_at < :recent AND s.status != 'cancelled'"
            " AND a.deleted_at IS NULL AND s.deleted_at IS NULL"
            " ORDER BY s.starts_at DESC LIMIT 2)",
            {"sid": absent, "recent": recent},
        )
    return sender, absent


def _stale(path: Path) -> int:
    with sqlite3.connect(path) as conn:
        return int(conn.execute("SELECT count(*) FROM student_risk_stale").fetchone()[0])


@pytest.mark.parametrize("written", [False, True])
@pytest.mark.parametrize("days", [-3, 0, 2, 15, 40])
def test_the_kept_ranking_is_the_definitions(
    template, tmp_path, monkeypatch, days: int, written: bool
) -> None:
    path = copy_store(template, tmp_path / "demo.db")
    if written:
        _write(path)
        add_signals(path)
        assert _stale(path) >= 5
    moment = counts.risk_moment(REFERENCE + timedelta(days=days, minutes=17), 48)
    conn = sqlite3.connect(path)
    try:
        assert conn.execute(counts.BASIS_SQL).fetchone() is not None  # the kept path is taken
        cohort = counts.read_groups(conn).cohort_average
        assert cohort is not None
        found = []
        for behind in (None, 0.0, cohort - 25.0, cohort - 10.0, cohort + 5.0):
            kept = counts.read_ranked(conn, moment, behind)
            assert kept == _defined(conn, moment, behind), (days, behind)
            found.append(kept)
            with _every_row_shown(monkeypatch):  # the whole order, not the first few
                whole = counts.read_ranked(conn, moment, behind)
                assert whole == _defined(conn, moment, behind), (days, behind)
                assert len(whole.chosen) == whole.total > len(kept.chosen)
        assert any(ranked.at_risk for ranked in found)
        assert len({(r.at_risk, r.total, tuple(r.chosen)) for r in found}) > 1  # they differ
    finally:
        conn.close()


def _ranked_as_defined(path: Path) -> None:
    """The ranking read 17 minutes after the reference equals the definition's, with some at
    risk."""
    moment = counts.risk_moment(REFERENCE + timedelta(minutes=17), 48)
    conn = sqlite3.connect(path)
    try:
        behind = counts.read_groups(conn).cohort_average
        ranked = counts.read_ranked(conn, moment, behind)
        assert ranked == _defined(conn, moment, behind) and ranked.at_risk > 0
    finally:
        conn.close()


def test_without_a_basis_every_score_is_counted(template, tmp_path) -> None:
    path = copy_store(template, tmp_path / "demo.db")
    with sqlite3.connect(path) as conn:
        conn.execute("DELETE FROM student_risk_basis")
        conn.execute("UPDATE student_risk SET score = 0")  # wrong, and not read
    _ranked_as_defined(path)


def test_past_moved_at_every_score_is_counted(template, tmp_path, monkeypatch) -> None:
    """More students to count afresh than ``MOVED_AT``: the definition itself is run (a basis
    weeks old), with the same figures."""
    path = copy_store(template, tmp_path / "demo.db")
    _write(path)
    monkeypatch.setattr(counts, "MOVED_AT", 2)
    monkeypatch.setattr(counts, "KEPT_RANKED_SQL", "SELECT no_such_column")  # not run
    _ranked_as_defined(path)
