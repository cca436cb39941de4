"""Analytics in the app (`A`): the per-mentor table (the core's figures in its cells), sorting,
the drill-in, the export with its path on screen; who may open it; at 80x24."""

from __future__ import annotations

from pathlib import Path

from app_support import (
    ADMIN,
    FROZEN_NOW,
    MENTOR,
    copy_store,
    frozen_clock,  # noqa: F401  (autouse: the clock stands still here)
    services_for,
    settle,
)
from textual.widgets import DataTable, Static

from mentor_tui.app.main import MentorApp
from mentor_tui.config import Config
from mentor_tui.core.access import actor_for_email
from mentor_tui.core.analytics.mentors import mentor_table
from mentor_tui.db.engine import make_engine, session_scope
from mentor_tui.paths import data_dir
from mentor_tui.screens.analytics.analytics import SHOWN, AnalyticsScreen
from mentor_tui.screens.analytics.mentor import MentorAnalyticsScreen

SIZE = (80, 24)


def core_rows(path: Path, email: str):
    engine = make_engine(path)
    try:
        with session_scope(engine) as s:
            return mentor_table(s, actor_for_email(s, email), Config(), now=FROZEN_NOW)
    finally:
        engine.dispose()


def shown_rows(screen) -> list[list[str]]:
    table = screen.query_one("#analytics-table", DataTable)
    return [[str(c) for c in table.get_row_at(n)] for n in range(table.row_count)]


async def test_admin_table_sort_drill_in_and_export(template: Path, tmp_path: Path) -> None:
    path = copy_store(template, tmp_path / "a.db")
    expected = core_rows(path, ADMIN)
    app = MentorApp(services_for(path, ADMIN))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("A")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, AnalyticsScreen)
        rows = shown_rows(screen)
        assert [r[0] for r in rows] == [r.name for r in expected]  # by name
        keys = [c.key for c in SHOWN]
        first = expected[0]
        assert rows[0][keys.index("students")] == str(first.students)
        assert rows[0][keys.index("at_risk_students")] == str(first.at_risk_students)
        completion = first.average_completion_rate
        assert rows[0][keys.index("average_completion_rate")] == (
            "—" if completion is None else f"{completion:.1f} %"
        )
        title = str(screen.query_one("#analytics-title", Static).render())
        assert f"{len(expected)} mentors, sorted by Mentor ↑" in title

        await pilot.press("o")  # next column: students
        await pilot.press("O")  # the other way: most students first
        await settle(pilot)
        by_students = sorted(expected, key=lambda r: (r.name.casefold(), r.mentor_id))
        by_students.sort(key=lambda r: r.students, reverse=True)
        assert [r[0] for r in shown_rows(screen)] == [r.name for r in by_students]
        assert "sorted by Students ↓" in str(screen.query_one("#analytics-title").render())

        await pilot.press("enter")
        await settle(pilot)
        detail = app.screen
        assert isinstance(detail, MentorAnalyticsScreen)
        top = by_students[0]
        assert detail.mentor_id == top.mentor_id
        students = detail.query_one("#mentor-students", DataTable)
        assert students.row_count == top.students
        summary = str(detail.query_one("#mentor-summary", Static).render())
        assert summary.startswith(top.name) and f"At risk now: {top.at_risk_students}" in summary
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen

        await pilot.press("E")
        await settle(pilot)
        (saved,) = (data_dir() / "reports").glob("mentors-*.csv")
        note = str(screen.query_one("#analytics-note", Static).render())
        assert note == f"Saved {saved}"
        lines = saved.read_text().splitlines()
        assert lines[0].startswith("name,email,status,students,")
        assert len(lines) == 1 + len(expected)


async def test_a_mentor_sees_their_own_row_and_a_student_no_analytics(
    template: Path, tmp_path: Path
) -> None:
    path = copy_store(template, tmp_path / "m.db")
    (mine,) = core_rows(path, MENTOR)
    app = MentorApp(services_for(path, MENTOR))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("A")
        await settle(pilot)
        rows = shown_rows(app.screen)
        assert [r[0] for r in rows] == [mine.name]
    engine = make_engine(path)
    with session_scope(engine) as s:
        from sqlmodel import select

        from mentor_tui.db.models import User

        student = s.exec(select(User).where(User.role == "student").limit(1)).one().email
    engine.dispose()
    app = MentorApp(services_for(path, student))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        home = type(app.screen)  # a student's own home (student mode)
        await pilot.press("A")
        await settle(pilot)
        assert type(app.screen) is home and home.__name__ == "StudentHomeScreen"
