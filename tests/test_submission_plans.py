"""The reads of submissions plan through the indexes meant for them (revision 0026 left eight):
the key screens' queries are run for real on the demo store (with its planner statistics) and
each statement's EXPLAIN QUERY PLAN is checked, so that an index dropped or changed under a
query fails here rather than as a slow screen on a big store."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from app_support import ADMIN, FROZEN_NOW, MENTOR, copy_store
from sqlalchemy import Engine, event, select
from sqlalchemy.orm import Session

from mentor_tui.config import Config
from mentor_tui.core.access import actor_for_email
from mentor_tui.core.analytics.dashboard import dashboard
from mentor_tui.core.analytics.early_reads import REVIEW_HOURS_SQL
from mentor_tui.core.analytics.mentors import mentor_table
from mentor_tui.core.analytics.student_view import student_detail
from mentor_tui.core.analytics.summary_sql import RANKED_SQL
from mentor_tui.core.reviews import queue as review_queue
from mentor_tui.core.reviews.decisions import decide
from mentor_tui.core.reviews.queue import count_queue, list_queue
from mentor_tui.core.reviews.queue_pages import landing_after
from mentor_tui.db.derived_tables import FEEDBACK_PAIRS_COUNT_SQL
from mentor_tui.db.engine import make_engine, session_scope
from mentor_tui.db.migrations import upgrade
from mentor_tui.db.models import User
from mentor_tui.sync.bulk_load import defer_indexes, restore_indexes

# a table scan of submissions (an index scan reads "SCAN submissions USING ... INDEX")
TABLE_SCAN = re.compile(r"\bSCAN submissions\b(?! USING)")
BY_STUDENT = re.compile(
    r"SEARCH submissions USING (COVERING )?INDEX "
    r"ix_submissions_(student_live|student_review_time|attempts) \(student_id=\?"
)


@pytest.fixture
def engine(template: Path, tmp_path: Path) -> Iterator[Engine]:
    eng = make_engine(copy_store(template, tmp_path / "plans.db"))
    yield eng
    eng.dispose()


@contextmanager
def _statements(engine: Engine) -> Iterator[list[tuple[str, Any]]]:
    """Every statement naming submissions that ``engine`` runs inside, with its parameters."""
    seen: list[tuple[str, Any]] = []

    def record(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if "submissions" in statement and not statement.lstrip().upper().startswith("EXPLAIN"):
            seen.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


def _plan(session: Session, sql: str, params: Any = ()) -> str:
    """The plan's lines joined by " | ", each line in a subquery marked with one ">" a level."""
    depth = {0: -1}
    lines = []
    for node, parent, _unused, detail in session.connection().exec_driver_sql(
        "EXPLAIN QUERY PLAN " + sql, params
    ):
        depth[node] = depth.get(parent, -1) + 1
        lines.append(">" * depth[node] + detail)
    return " | ".join(lines)


def _plans(engine: Engine, call: Callable[[Session], object]) -> list[tuple[str, str]]:
    """(statement, plan) of each read of submissions ``call`` makes; none scans the table."""
    with _statements(engine) as seen, session_scope(engine) as s:
        call(s)
    with session_scope(engine) as s:
        plans = [
            (sql, _plan(s, sql, params))
            for sql, params in seen
            if not sql.lstrip().upper().startswith(("INSERT", "UPDATE"))
        ]
    assert plans, "no read of submissions was made"
    for sql, plan in plans:
        assert not TABLE_SCAN.search(plan), f"{plan}\n  for {sql}"
    return plans


def _actor(engine: Engine, email: str) -> Any:
    with session_scope(engine) as s:
        return actor_for_email(s, email)


def test_an_admins_queue_is_counted_paged_and_landed_on_from_the_queue_index(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(review_queue, "FEW_STUDENTS", 10)  # the demo's 60 students: "many"
    admin = _actor(engine, ADMIN)
    config = Config()
    first: list[Any] = []

    def open_queue(s: Session) -> None:
        assert count_queue(s, admin, config=config, now=FROZEN_NOW) > 0
        first.extend(list_queue(s, admin, limit=50, config=config, now=FROZEN_NOW))

    plans = [plan for _sql, plan in _plans(engine, open_queue)]
    assert any(
        "COVERING INDEX ix_submissions_queue (status=? AND deleted_at=?)" in p for p in plans
    )
    # the page's ids walk the queue index in its order (no sort of every pending item); only
    # the page's rows are sorted once joined
    walks = [p for p in plans if ">SEARCH submissions USING INDEX ix_submissions_queue (" in p]
    assert walks and all(">USE TEMP B-TREE" not in p for p in walks), plans
    # the few asked for feedback by their own index
    assert any(
        "INDEX ix_submissions_feedback_requested (feedback_requested_at>?)" in p for p in plans
    )

    def approve_and_land(s: Session) -> None:
        decide(s, admin, first[0].id, "approve", "Good work.", config)
        landing_after(s, admin, first[0], config=config)

    plans = [plan for _sql, plan in _plans(engine, approve_and_land)]
    assert any("ix_submissions_queue" in p for p in plans), plans


def test_a_mentors_queue_and_its_filter_read_their_students_submissions_by_student(
    engine: Engine,
) -> None:
    mentor = _actor(engine, MENTOR)
    config = Config()

    def open_and_filter(s: Session) -> None:
        list_queue(s, mentor, config=config, now=FROZEN_NOW)
        count_queue(s, mentor, text_filter="a", config=config, now=FROZEN_NOW)
        list_queue(s, mentor, text_filter="a", config=config, now=FROZEN_NOW)

    plans = _plans(engine, open_and_filter)
    asked = "SEARCH submissions USING INDEX ix_submissions_feedback_requested"
    # the counts (the pages' ids may walk an index in their order instead: with 60 students
    # the demo store's statistics make that as cheap; never the table, checked above)
    counts = [(sql, plan) for sql, plan in plans if "count(*)" in sql]
    assert len(counts) >= 2, plans
    for sql, plan in counts:
        assert BY_STUDENT.search(plan) or plan.startswith(asked), f"{plan}\n  for {sql}"
    assert any(BY_STUDENT.search(plan) for _sql, plan in counts), counts


def test_the_per_mentor_review_times_are_read_from_their_covering_index(engine: Engine) -> None:
    admin = _actor(engine, ADMIN)
    plans = _plans(engine, lambda s: mentor_table(s, admin, Config(), now=FROZEN_NOW))
    times = [plan for sql, plan in plans if "ix_submissions_review_time" in sql]
    assert times == [
        "SEARCH submissions USING COVERING INDEX ix_submissions_review_time "
        "(reviewer_id=? AND deleted_at=?)"
    ], plans


def test_a_students_detail_reads_their_submissions_by_student(engine: Engine) -> None:
    mentor = _actor(engine, MENTOR)
    with session_scope(engine) as s:
        student = s.scalars(
            select(User.id).where(User.mentor_id == mentor.id).order_by(User.id).limit(1)
        ).one()
    plans = _plans(engine, lambda s: student_detail(s, mentor, student, now=FROZEN_NOW))
    for sql, plan in plans:
        if re.search(r"FROM submissions\b", sql):
            assert BY_STUDENT.search(plan), f"{plan}\n  for {sql}"


def test_the_dashboard_reads_no_submission_it_does_not_need(engine: Engine) -> None:
    for email in (ADMIN, MENTOR):
        actor = _actor(engine, email)
        _plans(engine, lambda s, actor=actor: dashboard(s, actor, Config(), now=FROZEN_NOW))


def test_the_at_risk_ranking_reads_the_pending_and_the_recent_from_indexes(
    engine: Engine,
) -> None:
    names = set(re.findall(r":(\w+)", RANKED_SQL))
    with session_scope(engine) as s:
        plan = _plan(s, RANKED_SQL, dict.fromkeys(names))
    assert "COVERING INDEX ix_submissions_queue (status=? AND deleted_at=?)" in plan, plan
    assert "COVERING INDEX ix_submissions_submitted (submitted_at>?)" in plan, plan
    assert not TABLE_SCAN.search(plan), plan


def test_the_work_sent_back_and_its_next_attempt_are_found_through_indexes(
    engine: Engine,
) -> None:
    """The pairs' full count (a first sync, the demo build, the bridge) and the lookups of the
    triggers that keep them on every decision."""
    with session_scope(engine) as s:
        plan = _plan(s, FEEDBACK_PAIRS_COUNT_SQL)
        assert "SEARCH sent_back USING INDEX ix_submissions_sent_back" in plan, plan
        assert "next_attempt USING COVERING INDEX ix_submissions_attempts" in plan, plan
        triggers = s.connection().exec_driver_sql(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' "
            "AND name LIKE 'submission_feedback_pairs_%'"
        )
        lookups = 0
        for name, sql in triggers:
            body = sql[sql.upper().index("BEGIN") + len("BEGIN") : sql.upper().rindex("END")]
            for statement in filter(str.strip, body.split(";")):
                bound = re.sub(r"\b(NEW|OLD)\.(\w+)", r":\1_\2", statement)
                names = set(re.findall(r":(\w+)", bound))
                plan = _plan(s, bound, dict.fromkeys(names))
                assert re.search(
                    r"SEARCH (t|s) USING (COVERING )?INDEX ix_submissions_attempts "
                    r"\(student_id=\? AND assignment_id=\? AND attempt=\?",
                    plan,
                ), f"{name}: {plan}"
                lookups += 1
    assert lookups == 8


def test_the_program_reports_review_hours_are_read_from_their_covering_index(
    engine: Engine,
) -> None:
    """Per student, the review time kept in ix_submissions_student_review_time as an
    expression: read from the index alone, never computed again from the rows' two times."""
    with session_scope(engine) as s:
        plan = _plan(s, REVIEW_HOURS_SQL)
    assert plan == "SCAN submissions USING COVERING INDEX ix_submissions_student_review_time"


def _submission_indexes(conn: sqlite3.Connection) -> set[str]:
    return {
        row[0]
        for row in conn.execute(
            "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'submissions' "
            "AND sql IS NOT NULL"
        )
    }


def test_a_store_upgraded_mid_first_snapshot_builds_the_fresh_stores_indexes(
    tmp_path: Path,
) -> None:
    """Revision 0026 on a store whose first snapshot set its indexes aside: the snapshot's end
    builds the indexes a fresh store has, not the ones 0026 dropped."""
    fresh = make_engine(tmp_path / "fresh.db")
    fresh.dispose()
    older = make_engine(tmp_path / "older.db", migrate=False)
    try:
        assert upgrade(older, "0025") == "0025"
    finally:
        older.dispose()
    conn = sqlite3.connect(tmp_path / "older.db", isolation_level=None)
    try:
        conn.execute("BEGIN")
        assert defer_indexes(conn) > 0
        conn.execute("COMMIT")
        assert not _submission_indexes(conn)
    finally:
        conn.close()
    upgraded = make_engine(tmp_path / "older.db")  # to HEAD
    upgraded.dispose()
    conn = sqlite3.connect(tmp_path / "older.db", isolation_level=None)
    try:
        conn.execute("BEGIN")
        restore_indexes(conn)
        conn.execute("COMMIT")
        with sqlite3.connect(tmp_path / "fresh.db") as made:
            assert _submission_indexes(conn) == _submission_indexes(made)
        assert len(_submission_indexes(conn)) == 8
    finally:
        conn.close()
