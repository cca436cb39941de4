"""Analytics in the app, issue 19's second half: the program-wide screen (`p` on the analytics
screen, admins only) with its sections as tables and charts, the date range (`r`), a mentor's
review times as a chart (`c`); each checked against the core's figures, at 80x24."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from app_support import (
    ADMIN,
    FROZEN_NOW,
    MENTOR,
    copy_store,
    frozen_clock,  # noqa: F401  (autouse: the clock stands still here)
    services_for,
    settle,
    type_text,
)
from textual.widgets import ContentSwitcher, DataTable, Input, Static

from mentor_tui.app.main import MentorApp
from mentor_tui.config import Config
from mentor_tui.core.access import actor_for_email
from mentor_tui.core.analytics.mentor_detail import mentor_detail
from mentor_tui.core.analytics.mentors import Period, mentor_table
from mentor_tui.core.analytics.program import program_figures
from mentor_tui.core.analytics.report import shown
from mentor_tui.db.engine import make_engine, session_scope
from mentor_tui.paths import data_dir
from mentor_tui.screens.analytics.analytics import AnalyticsScreen
from mentor_tui.screens.analytics.mentor import MentorAnalyticsScreen
from mentor_tui.screens.analytics.period import PeriodScreen
from mentor_tui.screens.analytics.program import ProgramScreen
from mentor_tui.widgets.chart import Chart

SIZE = (80, 24)


def core(path: Path, email: str, job):
    engine = make_engine(path)
    try:
        with session_scope(engine) as s:
            return job(s, actor_for_email(s, email))
    finally:
        engine.dispose()


def cells(table: DataTable) -> list[list[str]]:
    return [[str(c) for c in table.get_row_at(n)] for n in range(table.row_count)]


def text_of(widget: Static) -> str:
    return str(widget.render())


async def open_program(pilot) -> ProgramScreen:
    await settle(pilot)
    await pilot.press("A")
    await settle(pilot)
    await pilot.press("p")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, ProgramScreen)
    return screen


async def test_program_sections_tables_charts_and_export(template: Path, tmp_path: Path) -> None:
    path = copy_store(template, tmp_path / "p.db")
    figures = core(path, ADMIN, lambda s, a: program_figures(s, a, Config(), now=FROZEN_NOW))
    report = figures.report
    app = MentorApp(services_for(path, ADMIN))
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_program(pilot)
        grid = screen.query_one("#program-table", DataTable)
        body = screen.query_one("#program-body", ContentSwitcher)
        title = screen.query_one("#program-title", Static)
        assert body.current == "program-table"  # the text alternative is the default
        completion = report.tables[0]
        assert "1/6 Completion by mentor · table" in text_of(title)
        assert [r[0] for r in cells(grid)] == [r["name"] for r in completion.rows]
        assert [r[2] for r in cells(grid)] == [
            shown(r["average_completion_rate"], "percent") for r in completion.rows
        ]

        await pilot.press("right_square_bracket", "right_square_bracket")  # retention
        await settle(pilot)
        kept = report.tables[2]
        assert kept.heading == "Retention by cohort" and "3/6 Retention by cohort" in text_of(title)
        assert [r[0] for r in cells(grid)] == [r["cohort"] for r in kept.rows]
        await pilot.press("c")
        await settle(pilot)
        assert body.current == "program-chart" and "· chart" in text_of(title)
        spec = screen.query_one("#program-chart", Chart).spec
        assert spec is not None and [s.label for s in spec.series] == ["30 d", "60 d", "90 d"]
        expected = [r["retained_30"] * 100 for r in kept.rows if r["retained_30"] is not None]
        assert list(spec.series[0].ys) == pytest.approx(expected)
        await pilot.press("c")
        await settle(pilot)
        assert body.current == "program-table"

        # back past the first section: round to the last, the correlations
        await pilot.press("left_square_bracket", "left_square_bracket", "left_square_bracket")
        await settle(pilot)
        assert "6/6 Success correlations" in text_of(title)
        rows = cells(grid)
        for row, c in zip(rows, figures.correlations, strict=True):
            assert row[0] == c.name and row[1] == str(c.n) and row[2] == shown(c.r, "number")
            assert row[3] == c.reading
        await pilot.press("c")
        await settle(pilot)
        chart = screen.query_one("#program-chart", Chart)
        assert chart.spec is not None and chart.spec.kind == "scatter"
        assert chart.spec.title.startswith(figures.correlations[0].name)
        await pilot.press("n")
        await settle(pilot)
        assert chart.spec.title.startswith(figures.correlations[1].name)
        assert f"n = {figures.correlations[1].n}" in chart.spec.title

        await pilot.press("e")
        await settle(pilot)
        (saved,) = (data_dir() / "reports").glob("program-*.md")
        assert text_of(screen.query_one("#program-notes", Static)) == f"Saved {saved}"
        written = saved.read_text()
        for table in report.tables:
            assert f"## {table.heading}" in written


async def test_a_mentor_has_no_program_screen(template: Path, tmp_path: Path) -> None:
    path = copy_store(template, tmp_path / "m.db")
    app = MentorApp(services_for(path, MENTOR))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("A")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, AnalyticsScreen)
        await pilot.press("p")
        await settle(pilot)
        assert app.screen is screen  # SPEC 8: the program-wide view is the admins'
        # and were it pushed anyway, the core refuses it in a sentence, not a traceback
        app.push_screen(ProgramScreen())
        await settle(pilot)
        title = text_of(app.screen.query_one("#program-title", Static))
        assert title == "Only an admin can see the program report."


async def test_a_date_range_narrows_the_tables_and_a_bad_day_is_one_sentence(
    template: Path, tmp_path: Path
) -> None:
    path = copy_store(template, tmp_path / "d.db")
    period = Period(date(2026, 2, 1), date(2026, 2, 28))
    expected = core(
        path, ADMIN, lambda s, a: mentor_table(s, a, Config(), period=period, now=FROZEN_NOW)
    )
    everything = core(path, ADMIN, lambda s, a: mentor_table(s, a, Config(), now=FROZEN_NOW))
    assert [r.reviews for r in expected] != [r.reviews for r in everything]  # it narrows
    app = MentorApp(services_for(path, ADMIN))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("A")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, AnalyticsScreen)
        await pilot.press("r")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, PeriodScreen)
        await type_text(pilot, "2026-02-30")
        await pilot.press("enter", "enter")
        await settle(pilot)
        assert app.screen is dialog
        error = text_of(dialog.query_one("#period-error", Static))
        assert error == "'2026-02-30' is not a date; use YYYY-MM-DD, for example 2025-03-04."

        dialog.query_one("#period-from", Input).value = ""
        dialog.query_one("#period-from", Input).focus()
        await type_text(pilot, "2026-03-01")
        await pilot.press("enter")
        await type_text(pilot, "2026-02-01")
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is dialog
        assert text_of(dialog.query_one("#period-error", Static)) == (
            "The period starts (2026-03-01) after it ends (2026-02-01)."
        )

        dialog.query_one("#period-from", Input).value = "2026-02-01"
        dialog.query_one("#period-to", Input).value = "2026-02-28"
        dialog.query_one("#period-to", Input).focus()
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is screen and screen.period == period
        title = text_of(screen.query_one("#analytics-title", Static))
        assert title.startswith("Mentor performance, 2026-02-01 to 2026-02-28:")
        table = screen.query_one("#analytics-table", DataTable)
        keys = [str(c.key.value) for c in table.ordered_columns]
        reviews = [r[keys.index("reviews")] for r in cells(table)]
        assert reviews == [str(r.reviews) for r in expected]

        await pilot.press("p")  # the program screen opens on the same range
        await settle(pilot)
        assert isinstance(app.screen, ProgramScreen) and app.screen.period == period
        assert "2026-02-01 to 2026-02-28" in text_of(app.screen.query_one("#program-title"))


async def test_a_mentors_review_weeks_as_a_chart(template: Path, tmp_path: Path) -> None:
    path = copy_store(template, tmp_path / "w.db")
    (mine,) = core(path, MENTOR, lambda s, a: mentor_table(s, a, Config(), now=FROZEN_NOW))
    detail = core(
        path, MENTOR, lambda s, a: mentor_detail(s, a, Config(), mine.mentor_id, now=FROZEN_NOW)
    )
    assert detail.weeks  # the demo store has decisions in the last 12 weeks
    app = MentorApp(services_for(path, MENTOR))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("A")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, MentorAnalyticsScreen)
        box = screen.query_one("#mentor-weeks-box", ContentSwitcher)
        weeks = screen.query_one("#mentor-weeks", DataTable)
        assert box.current == "mentor-weeks"
        assert [r[0] for r in cells(weeks)] == [w.week.isoformat() for w in detail.weeks]
        await pilot.press("c")
        await settle(pilot)
        assert box.current == "mentor-chart"
        spec = screen.query_one("#mentor-chart", Chart).spec
        assert spec is not None
        assert list(spec.series[0].ys) == [w.average_hours for w in detail.weeks]
        assert list(spec.series[1].ys) == [48.0] * len(detail.weeks)  # the SLA line
        assert spec.ticks == tuple(w.week.strftime("%m-%d") for w in detail.weeks)
        await pilot.press("c")
        await settle(pilot)
        assert box.current == "mentor-weeks"


def test_snapshot_retention_chart(snap_compare, template: Path, tmp_path: Path) -> None:
    """plotext draws from the figures and the size alone: the frozen clock and the demo store
    pin every dot."""

    async def go(pilot) -> None:
        await open_program(pilot)
        await pilot.press("right_square_bracket", "right_square_bracket", "c")
        await settle(pilot)

    app = MentorApp(services_for(copy_store(template, tmp_path / "s.db"), ADMIN))
    assert snap_compare(app, terminal_size=SIZE, run_before=go)


def test_snapshot_review_weeks_chart(snap_compare, template: Path, tmp_path: Path) -> None:
    async def go(pilot) -> None:
        await settle(pilot)
        await pilot.press("A")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)

    app = MentorApp(services_for(copy_store(template, tmp_path / "s.db"), MENTOR))
    assert snap_compare(app, terminal_size=SIZE, run_before=go)
