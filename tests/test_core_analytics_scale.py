"""The analytics at program scale (issue 19): the figures computed a faster way equal the plain
way's, and the queries read what revision 0015 keeps in its indexes (a changed expression would
silently fall back to parsing every time: these plans would tell)."""

from __future__ import annotations

import sqlite3
import statistics
from datetime import date
from pathlib import Path

import pytest
from app_support import ADMIN, FROZEN_NOW, copy_store
from sqlalchemy import select
from sqlalchemy.dialects import sqlite

from mentor_tui.config import Config
from mentor_tui.core.access import actor_for_email
from mentor_tui.core.analytics.correlations import (
    feedback_resubmission,
    pearson,
    weighted_median,
    weighted_pearson,
)
from mentor_tui.core.analytics.mentors import (
    REVIEW_SECONDS_SQL,
    Period,
    _reviews_query,
    completion_by_mentor,
    mentor_table,
    period_from_text,
    review_seconds,
)
from mentor_tui.db.derived_tables import FEEDBACK_PAIRS_COUNT_SQL
from mentor_tui.db.engine import make_engine, session_scope
from mentor_tui.errors import UserError


@pytest.mark.parametrize(
    "triples",
    [
        [(10.0, 1.0, 3), (20.0, 0.0, 1), (40.0, 0.0, 2), (15.0, 1.0, 4)],
        [(1.0, 2.0, 1), (2.0, 4.0, 1), (3.0, 6.0, 1)],
        [(5.0, 1.0, 2), (5.0, 0.0, 7)],  # one x: no coefficient
        [(5.0, 1.0, 1), (6.0, 0.0, 1)],  # two pairs: too few
    ],
)
def test_counted_pairs_give_the_coefficient_and_median_of_the_pairs_repeated(triples) -> None:
    xs = [x for x, _, w in triples for _ in range(w)]
    ys = [y for _, y, w in triples for _ in range(w)]
    expected = pearson(xs, ys)
    got = weighted_pearson(triples)
    assert (got is None) == (expected is None)
    if expected is not None:
        assert got == pytest.approx(expected, abs=1e-12)
    assert weighted_median([(x, w) for x, _, w in triples]) == statistics.median(xs)
    assert weighted_median([]) == 0.0


def test_a_period_as_typed() -> None:
    assert period_from_text("", " ") == Period()
    assert period_from_text("2026-02-01", "") == Period(date(2026, 2, 1), None)
    assert period_from_text(" 2026-02-01", "2026-02-28") == Period(
        date(2026, 2, 1), date(2026, 2, 28)
    )
    with pytest.raises(UserError, match=r"^'2026-02-30' is not a date; use YYYY-MM-DD"):
        period_from_text("2026-02-30", "")
    with pytest.raises(UserError, match=r"^The period starts \(2026-03-01\) after it ends"):
        period_from_text("2026-03-01", "2026-02-01")


@pytest.fixture
def store(template: Path, tmp_path: Path) -> Path:
    return copy_store(template, tmp_path / "scale.db")


def test_completion_by_mentor_is_the_per_mentor_tables_figures(store: Path) -> None:
    engine = make_engine(store)
    try:
        for period in (Period(), Period(date(2025, 12, 1), date(2026, 2, 28))):
            with session_scope(engine) as s:
                admin = actor_for_email(s, ADMIN)
                full = mentor_table(s, admin, Config(), period=period, now=FROZEN_NOW)
                light = completion_by_mentor(s, admin, period=period)
            assert light == [
                {
                    "mentor_id": r.mentor_id,
                    "name": r.name,
                    "students": r.students,
                    "average_completion_rate": r.average_completion_rate,
                    "graduated_students": r.graduated_students,
                }
                for r in full
            ]
    finally:
        engine.dispose()


def test_feedback_pairs_counted_in_sql_are_the_pairs_one_by_one(store: Path) -> None:
    conn = sqlite3.connect(store)
    pairs = conn.execute(
        "SELECT length(a.feedback), b.status = 'approved' FROM submissions a JOIN submissions b"
        " ON b.student_id = a.student_id AND b.assignment_id = a.assignment_id"
        " AND b.attempt = a.attempt + 1 AND b.deleted_at IS NULL AND b.status != 'pending'"
        " WHERE a.deleted_at IS NULL AND a.feedback IS NOT NULL"
        " AND a.status IN ('changes_requested', 'rejected')"
    ).fetchall()
    conn.close()
    assert len(pairs) >= 3
    engine = make_engine(store)
    try:
        with session_scope(engine) as s:
            found = feedback_resubmission(s)
    finally:
        engine.dispose()
    assert found.n == len(pairs)
    assert found.r == pytest.approx(pearson([p[0] for p in pairs], [p[1] for p in pairs]))
    assert set(found.points) == {(float(x), float(y)) for x, y in pairs}
    median = statistics.median(p[0] for p in pairs)
    assert f"feedback of {median:.0f} characters or more" in found.reading


def _plan(store: Path, sql: str, params: tuple = ()) -> str:
    conn = sqlite3.connect(store)
    try:
        return " | ".join(r[-1] for r in conn.execute("EXPLAIN QUERY PLAN " + sql, params))
    finally:
        conn.close()


def test_review_times_are_read_from_the_index(store: Path) -> None:
    query = _reviews_query(["a", "b"], 48, Period(date(2026, 1, 1), date(2026, 2, 1)))
    compiled = query.compile(dialect=sqlite.dialect(), compile_kwargs={"render_postcompile": True})
    params = tuple(compiled.construct_params().get(n) for n in compiled.positiontup or ())
    plan = _plan(store, str(compiled), tuple(str(p) for p in params))
    assert plan == (
        "SEARCH submissions USING COVERING INDEX ix_submissions_review_time "
        "(reviewer_id=? AND deleted_at=?)"
    )
    # the SQLAlchemy spelling (the correlations, the weeks) is the same expression
    spelled = str(select(review_seconds()).compile(dialect=sqlite.dialect()))
    assert f"SELECT {REVIEW_SECONDS_SQL} " in spelled.replace("submissions.", "")


def test_feedback_pairs_are_counted_from_the_indexes(store: Path) -> None:
    """The count that fills the kept pairs (a first sync, the demo build, the bridge)."""
    plan = _plan(store, FEEDBACK_PAIRS_COUNT_SQL)
    assert "sent_back USING INDEX ix_submissions_sent_back" in plan
    assert "next_attempt USING COVERING INDEX ix_submissions_attempts" in plan


def test_a_mentors_weeks_follow_the_period(store: Path) -> None:
    from mentor_tui.core.analytics.mentor_detail import mentor_detail

    engine = make_engine(store)
    try:
        with session_scope(engine) as s:
            admin = actor_for_email(s, ADMIN)
            rows = mentor_table(s, admin, Config(), now=FROZEN_NOW)
            busiest = max(rows, key=lambda r: r.reviews)
            period = Period(date(2025, 6, 1), date(2025, 12, 31))
            narrowed = mentor_detail(
                s, admin, Config(), busiest.mentor_id, period=period, now=FROZEN_NOW
            )
            recent = mentor_detail(s, admin, Config(), busiest.mentor_id, now=FROZEN_NOW)
            in_period = mentor_table(
                s, admin, Config(), period=period, mentor_id=busiest.mentor_id, now=FROZEN_NOW
            )
    finally:
        engine.dispose()
    assert narrowed.weeks and recent.weeks
    # weeks start on the Monday before a day in the period
    assert all(date(2025, 5, 26) <= w.week <= date(2025, 12, 31) for w in narrowed.weeks)
    assert sum(w.reviews for w in narrowed.weeks) == in_period[0].reviews == narrowed.row.reviews
    assert min(w.week for w in recent.weeks) >= date(2025, 12, 1)  # the last 12 weeks
