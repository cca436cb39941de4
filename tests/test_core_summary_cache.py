"""The dashboard summary reads its students with a larger SQLite page cache and sets the
connection's own size back afterwards (core/analytics/summary.py, ``READ_CACHE_KIB``)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event

from mentor_tui.config import Config
from mentor_tui.core.analytics.dashboard import student_summary
from mentor_tui.core.analytics.summary import READ_CACHE_KIB
from mentor_tui.db.engine import session_scope
from tests import factory
from tests.school import build_school


def test_the_summary_reads_with_a_larger_page_cache_and_sets_it_back(engine) -> None:
    with session_scope(engine) as s:
        school = build_school(s)
    seen: list[int] = []  # the cache size each of the summary's reads ran with

    def before(conn: Any, cursor: Any, statement: str, *_: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            raw = conn.connection.dbapi_connection
            seen.append(int(raw.execute("PRAGMA cache_size").fetchone()[0]))

    with session_scope(engine) as s:
        conn = s.connection()
        before_size = int(conn.exec_driver_sql("PRAGMA cache_size").scalar_one())
        assert before_size > -READ_CACHE_KIB  # SQLite's default is smaller: the test means it
        event.listen(engine, "before_cursor_execute", before)
        try:
            summary = student_summary(s, factory.actor(school.admin), Config(), now=school.now)
        finally:
            event.remove(engine, "before_cursor_execute", before)
        assert summary.student_count == 6
        assert seen and all(size == -READ_CACHE_KIB for size in seen), seen
        assert int(conn.exec_driver_sql("PRAGMA cache_size").scalar_one()) == before_size
