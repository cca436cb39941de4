"""The program report and the per-mentor table read part of their figures on more connections
in threads (``core/analytics/beside.py``): the figures are those of reading everything on the
caller's session, and where another connection would not see what the session sees (a write
not committed yet, an in-memory store), everything is read on the session itself. The
report's pass over the submissions equals the plain groupings."""

from __future__ import annotations

from pathlib import Path

import pytest
from app_support import ADMIN, FROZEN_NOW, copy_store
from sqlalchemy import create_engine, text
from sqlmodel import Session

from mentor_tui.config import Config
from mentor_tui.core.access import actor_for_email
from mentor_tui.core.analytics import beside as beside_module
from mentor_tui.core.analytics.beside import second_engine
from mentor_tui.core.analytics.correlations import review_hours
from mentor_tui.core.analytics.mentors import mentor_table
from mentor_tui.core.analytics.program import program_figures
from mentor_tui.core.analytics.shared_progress import submission_pass
from mentor_tui.db.engine import make_engine, session_scope

RATE_ONE = (
    "UPDATE session_attendees SET rating = 5 WHERE id = (SELECT a.id FROM session_attendees AS a"
    " JOIN mentorship_sessions AS s ON s.id = a.session_id WHERE a.rating IS NULL"
    " AND a.deleted_at IS NULL AND s.deleted_at IS NULL AND s.status != 'cancelled'"
    " ORDER BY a.id LIMIT 1)"
)


@pytest.fixture
def store(template: Path, tmp_path: Path) -> Path:
    return copy_store(template, tmp_path / "beside.db")


def _figures(session: Session):
    admin = actor_for_email(session, ADMIN)
    figures = program_figures(session, admin, Config(), now=FROZEN_NOW)
    rows = mentor_table(session, admin, Config(), now=FROZEN_NOW)
    return {t.heading: t.rows for t in figures.report.tables}, figures.correlations, rows


def test_figures_read_beside_equal_figures_read_on_one_connection(
    store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = make_engine(store)
    try:
        with session_scope(engine) as s:
            assert second_engine(s) is engine  # a file store, nothing written: threads
            threaded = _figures(s)
        monkeypatch.setattr(beside_module, "second_engine", lambda _session: None)
        with session_scope(engine) as s:
            alone = _figures(s)
    finally:
        engine.dispose()
    assert threaded == alone
    tables, found, rows = threaded
    assert all(tables.values()) and all(c.n > 0 for c in found) and rows


def test_a_write_not_committed_yet_is_counted(store: Path) -> None:
    """The session's own uncommitted rating shows in the satisfaction and the mentor's
    ratings: those figures are read on the session then, not on a connection that cannot see
    the write."""
    engine = make_engine(store)
    try:
        with session_scope(engine) as s:
            before, _, before_rows = _figures(s)
        with Session(engine) as s:
            assert second_engine(s) is engine
            s.execute(text(RATE_ONE))
            assert second_engine(s) is None
            after, _, after_rows = _figures(s)
            s.rollback()
    finally:
        engine.dispose()
    fives = {r["rating"]: r["count"] for r in before["Satisfaction"]}[5]
    assert {r["rating"]: r["count"] for r in after["Satisfaction"]}[5] == fives + 1
    assert sum(r.ratings for r in after_rows) == sum(r.ratings for r in before_rows) + 1


def test_an_in_memory_store_is_read_on_the_session_alone() -> None:
    engine = create_engine("sqlite://")
    try:
        with Session(engine) as s:
            assert second_engine(s) is None
    finally:
        engine.dispose()


def test_a_read_left_to_the_session_runs_once_however_often_asked() -> None:
    """The program report asks the retention pass's result three times: on the session
    itself (no second connection) it must be read once, not three times."""
    engine = create_engine("sqlite://")
    calls: list[Session] = []

    def read(own: Session) -> int:
        calls.append(own)
        return int(own.execute(text("SELECT 41 + 1")).scalar_one())

    try:
        with Session(engine) as s, beside_module.beside(s, read) as handle:
            assert [handle.result() for _ in range(3)] == [42, 42, 42]
            assert calls == [s]
    finally:
        engine.dispose()


def test_the_submission_pass_equals_the_plain_groupings(store: Path) -> None:
    """``submission_pass`` (one grouping of the submissions for retention and the review
    turnaround) holds each student's last submission and mean review time exactly as the
    plain queries give them."""
    engine = make_engine(store)
    try:
        with session_scope(engine) as s:
            hours = review_hours(s)
            last = dict(
                s.connection()
                .execute(
                    text(
                        "SELECT student_id, max(submitted_at) FROM submissions"
                        " WHERE deleted_at IS NULL GROUP BY student_id"
                    )
                )
                .all()
            )
            with submission_pass(s) as subs:
                rows = s.connection().execute(text(f"SELECT * FROM {subs.name}")).all()
    finally:
        engine.dispose()
    assert hours and last
    assert {sid: h for sid, _, h in rows if h is not None} == hours
    assert {sid: at for sid, at, _ in rows} == last
