"""The admin's attention ranking read from the kept at-risk scores (``summary_counts``'s
``KEPT_RANKED_SQL``, revision 0023's ``student_risk``) is the definition's (``RANKED_SQL``,
every score counted from the rows): at moments before and long after the basis, at other
thresholds than the basis's, and after writes that mark students stale."""

from __future__ import annotations

import sqlite3
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


def _stale(path: Path) -> int:
    with sqlite3.connect(path) as conn:
        return int(conn.execute("SELECT count(*) FROM student_risk_stale").fetchone()[0])


@pytest.mark.parametrize("written", [False, True])
@pytest.mark.parametrize("days", [-3, 0, 2, 15, 40])
def test_the_kept_ranking_is_the_definitions(template, tmp_path, days: int, written: bool) -> None:
    path = copy_store(template, tmp_path / "demo.db")
    if written:
        _write(path)
        assert _stale(path) >= 3
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
        assert any(ranked.at_risk for ranked in found)
        assert len({(r.at_risk, r.total, tuple(r.chosen)) for r in found}) > 1  # they differ
    finally:
        conn.close()


def test_without_a_basis_every_score_is_counted(template, tmp_path) -> None:
    path = copy_store(template, tmp_path / "demo.db")
    with sqlite3.connect(path) as conn:
        conn.execute("DELETE FROM student_risk_basis")
        conn.execute("UPDATE student_risk SET score = 0")  # wrong, and not read
    moment = counts.risk_moment(REFERENCE + timedelta(minutes=17), 48)
    conn = sqlite3.connect(path)
    try:
        behind = counts.read_groups(conn).cohort_average
        ranked = counts.read_ranked(conn, moment, behind)
        assert ranked == _defined(conn, moment, behind) and ranked.at_risk > 0
    finally:
        conn.close()
