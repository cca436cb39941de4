"""The per-mentor table counts "at risk now" from the recent and pending parts of the
submissions (``core/analytics/mentor_risk.py``) instead of every student's submission totals;
here its count equals, mentor for mentor, the count by ``StudentFigures.risk`` (the rule the
students list and dashboard use) on the demo store, at two moments with different idle
students, and with one pending submission made overdue and one student's only recent
submission deleted."""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest
from app_support import ADMIN, FROZEN_NOW, copy_store
from sqlalchemy import Integer, case, func, select

from mentor_tui.config import Config
from mentor_tui.core.access import actor_for_email
from mentor_tui.core.analytics.mentors import mentor_table
from mentor_tui.core.people import progress
from mentor_tui.core.people.students import RiskContext, StudentFigures
from mentor_tui.db.engine import make_engine, session_scope
from mentor_tui.db.models import User


@pytest.fixture
def store(template: Path, tmp_path: Path) -> Path:
    path = copy_store(template, tmp_path / "risk.db")
    conn = sqlite3.connect(path)
    with conn:
        conn.execute(
            "UPDATE submissions SET submitted_at = '2025-01-01 00:00:00.000000' WHERE id = ("
            "SELECT id FROM submissions WHERE status = 'pending' ORDER BY submitted_at DESC"
            " LIMIT 1)"
        )
        conn.execute(
            "UPDATE submissions SET deleted_at = '2026-01-01 00:00:00.000000' WHERE id = ("
            "SELECT id FROM submissions WHERE deleted_at IS NULL ORDER BY submitted_at DESC"
            " LIMIT 1)"
        )
        # the best-progressing Active student with work decided and none pending: their progress idle for
        # long, a submission of theirs a day old (active by the submission alone)
        (sid,) = conn.execute(
            "SELECT u.id FROM users u JOIN module_progress mp ON mp.user_id = u.id"
            " WHERE u.role = 'student' AND u.status = 'Active' AND u.deleted_at IS NULL"
            " AND EXISTS (SELECT 1 FROM submissions x WHERE x.student_id = u.id"
            " AND x.status != 'pending' AND x.deleted_at IS NULL) AND NOT EXISTS (SELECT 1"
            " FROM submissions y WHERE y.student_id = u.id AND y.status = 'pending')"
            " GROUP BY u.id ORDER BY sum(mp.is_completed) * 1.0 / count(*) DESC, u.id LIMIT 1"
        ).fetchone()
        conn.execute(
            "UPDATE module_progress SET last_activity_at = '2025-01-01 00:00:00.000000'"
            " WHERE user_id = ?",
            (sid,),
        )
        day_old = (FROZEN_NOW - timedelta(days=1)).strftime("%Y-%m-%d %H:%M:%S.%f")
        conn.execute(
            "UPDATE submissions SET submitted_at = ? WHERE id = (SELECT id FROM submissions"
            " WHERE student_id = ? AND status != 'pending' AND deleted_at IS NULL LIMIT 1)",
            (day_old, sid),
        )
    conn.close()
    return path


def _by_student_figures(s, config: Config, moment) -> dict[str, int]:
    people = (
        select(User.id, User.full_name, User.email, User.status, User.mentor_id)
        .where(User.role == "student", progress.live(User), User.mentor_id.is_not(None))
        .subquery("people")
    )
    figures = StudentFigures(people, RiskContext.build(s, config, moment))
    rows = s.execute(
        select(people.c.mentor_id, func.sum(case((figures.risk > 0, 1), else_=0), type_=Integer))
        .select_from(figures.joined())
        .group_by(people.c.mentor_id)
    ).all()
    return {mid: int(n) for mid, n in rows}


@pytest.mark.parametrize("later", [timedelta(0), timedelta(days=9), timedelta(days=40)])
def test_at_risk_now_is_the_students_lists_rule(store: Path, later: timedelta) -> None:
    moment = FROZEN_NOW + later
    config = Config()
    engine = make_engine(store)
    try:
        with session_scope(engine) as s:
            admin = actor_for_email(s, ADMIN)
            rows = mentor_table(s, admin, config, now=moment)
            expected = _by_student_figures(s, config, moment)
    finally:
        engine.dispose()
    got = {r.mentor_id: r.at_risk_students for r in rows if r.students}
    assert got == {mid: expected.get(mid, 0) for mid in got}
    at_risk, active = sum(got.values()), sum(r.active_students for r in rows)
    assert at_risk > 0
    if later < timedelta(days=14):  # some not at risk: the rules decided (at +40 days all idle)
        assert at_risk < active
