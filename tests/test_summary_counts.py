"""The admin's student counts counted by SQLite (core/analytics/summary_counts.py) against the
same figures counted row by row in Python, and the early count (started on a connection of its
own before the ORM is loaded) giving the same summary, used only at the moment it counted."""

from __future__ import annotations

import sqlite3
import threading
from datetime import timedelta, timezone
from pathlib import Path

import pytest
from app_support import ADMIN, FROZEN_NOW, MENTOR, copy_store, services_for, settle
from sqlalchemy import select

from mentor_tui.app.main import MentorApp
from mentor_tui.config import Config
from mentor_tui.core.access import visible_student_ids
from mentor_tui.core.analytics import summary
from mentor_tui.core.analytics import summary_counts as counts
from mentor_tui.core.people.students import RiskContext
from mentor_tui.db.engine import make_engine, session_scope
from mentor_tui.db.models import Submission, User
from tests import factory

CONFIG = Config()


def _admin(session):
    admin = session.execute(select(User).where(User.role == "admin")).scalars().first()
    return factory.actor(admin)


def _in_python(session, actor, ctx):
    """The summary counted over every student's fetched row in Python (the path mentors take)."""
    db = session.connection()
    return summary._summarize(session, db, actor, ctx, visible_student_ids(actor))


@pytest.mark.parametrize("days", [0, 10, 40])
def test_sqlite_counts_match_the_count_in_python(template, tmp_path, days: int) -> None:
    engine = make_engine(copy_store(template, tmp_path / "demo.db"))
    ctx = RiskContext(FROZEN_NOW + timedelta(days=days), CONFIG.assignment_review_sla_hours, None)
    try:
        with session_scope(engine) as s:
            # a student left inactive with work pending: ranked, never at risk
            student = s.execute(
                select(User).join(Submission, Submission.student_id == User.id)
                .where(User.role == "student", Submission.status == "pending")
            ).scalars().first()  # fmt: skip
            assert student is not None
            student.status = "Paused"
        with session_scope(engine) as s:
            admin = _admin(s)
            assert admin.is_admin
            counted = summary.summarize_students(s, admin, ctx)
            expected = _in_python(s, admin, ctx)
            assert counted == expected
            assert counted.at_risk_count > 0 and len(counted.attention) == summary.ATTENTION_ROWS
    finally:
        engine.dispose()


def test_the_early_count_is_the_sessions_and_is_used(template, tmp_path, monkeypatch) -> None:
    path = copy_store(template, tmp_path / "demo.db")
    engine = make_engine(path)
    ctx = RiskContext(FROZEN_NOW, CONFIG.assignment_review_sla_hours, None)
    try:
        early = counts.start_early_counts(path, counts.risk_moment(ctx.now, ctx.sla_hours))
        assert early is not None
        found = early.result()
        assert found is not None and found.groups.students == 60
        with session_scope(engine) as s:
            admin = _admin(s)
            own = summary.summarize_students(s, admin, ctx)
        read: list[str] = []
        real = counts.read_groups

        def watched(conn: sqlite3.Connection, mentor: str | None = None) -> counts.Groups:
            read.append(threading.current_thread().name)
            return real(conn, mentor)

        monkeypatch.setattr(counts, "read_groups", watched)
        with session_scope(engine) as s:
            assert summary.summarize_students(s, admin, ctx, found) == own
        assert read == []  # the early figures were used, not read again
        later = RiskContext(ctx.now + timedelta(minutes=1), ctx.sla_hours, None)
        with session_scope(engine) as s:
            summary.summarize_students(s, admin, later, found)
        assert len(read) == 1  # counted at another minute: read afresh
    finally:
        engine.dispose()


def test_no_early_count_on_a_store_to_migrate_or_missing(tmp_path) -> None:
    moment = counts.risk_moment(FROZEN_NOW, 48)
    assert counts.start_early_counts(tmp_path / "none.db", moment) is None
    old = tmp_path / "old.db"
    with sqlite3.connect(old) as conn:
        conn.execute("CREATE TABLE alembic_version (version_num TEXT)")
        conn.execute("INSERT INTO alembic_version VALUES ('0001')")
    conn.close()
    assert counts.start_early_counts(old, moment) is None


def test_stored_time_is_the_stores_text(template, tmp_path) -> None:
    """The times the counts compare with are written as the store keeps them (else a text
    comparison would put a student on the wrong side of a limit)."""
    path = copy_store(template, tmp_path / "demo.db")
    engine = make_engine(path)
    try:
        with session_scope(engine) as s:
            sid, at = s.execute(select(Submission.id, Submission.submitted_at).limit(1)).one()
    finally:
        engine.dispose()
    with sqlite3.connect(path) as conn:
        (raw,) = conn.execute(
            "SELECT submitted_at FROM submissions WHERE id = ?", (sid,)
        ).fetchone()
    conn.close()
    assert counts.stored_time(at) == raw
    assert counts.stored_time(at.astimezone(timezone(timedelta(hours=-5)))) == raw


@pytest.mark.parametrize(("email", "early"), [(ADMIN, True), (MENTOR, True)])
async def test_the_first_dashboard_counts_early(
    template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, email: str, early: bool
) -> None:
    threads: list[str] = []
    real = counts.read_groups

    def watched(conn: sqlite3.Connection, mentor: str | None = None) -> counts.Groups:
        threads.append(threading.current_thread().name)
        return real(conn, mentor)

    monkeypatch.setattr(counts, "read_groups", watched)
    app = MentorApp(services_for(copy_store(template, tmp_path / "s.db"), email))
    async with app.run_test(size=(130, 40)) as pilot:
        await settle(pilot)
        assert "Average completion" in str(app.screen.query_one("#card-completion").render())
        # an admin's or a mentor's counts: once, on the early thread
        assert threads == (["dashboard-early"] if early else [])
        await pilot.press("r")
        await settle(pilot)
        # a reload never uses an early count (the store may have changed since start-up)
        assert threads.count("dashboard-early") == (1 if early else 0)
        assert all(name != "dashboard-early" for name in threads[1:])
