"""Issue #22: a table whose columns do not fit its width says so on its header line
("→ 2 more"), which stays on screen; scrolling right shows them and the hint counts down."""

from __future__ import annotations

from pathlib import Path

from app_support import ADMIN, copy_store, services_for, settle
from rich.style import Style
from textual.strip import Strip
from textual.widgets import DataTable

from mentor_tui.app.main import MentorApp
from mentor_tui.widgets.column_hint import hint_for, with_hint
from mentor_tui.widgets.paged_table import PagedTable


def test_the_hint_counts_the_columns_that_start_beyond_what_shows() -> None:
    cells = [(0, 10), (10, 10), (20, 10), (30, 10)]
    assert hint_for(cells, 0, 40) == ""
    assert hint_for(cells, 0, 25) == " → 2 more "  # the third starts under the hint
    assert hint_for(cells, 0, 35) == " → 1 more "
    assert hint_for(cells, 15, 25) == ""  # scrolled right: all of the rest shows
    assert hint_for([(0, 10), (10, 60)], 0, 40) == " → more "  # the last one shown is cut
    many = [(x, 1) for x in range(200)]
    assert hint_for(many, 0, 80) == " → 132 more "


def test_the_hint_replaces_the_right_end_of_the_line() -> None:
    strip = Strip.blank(30, Style())
    hinted = with_hint(Strip([*strip]), " → 2 more ", 30, Style(bold=True))
    assert hinted.text.endswith(" → 2 more ") and hinted.cell_length == 30
    assert with_hint(strip, "", 30, Style()) is strip
    assert with_hint(strip, " → 3 more ", 8, Style()) is strip  # no room: the line as it is


async def test_tables_at_80x24_hint_their_cut_columns(template: Path, tmp_path: Path) -> None:
    app = MentorApp(services_for(copy_store(template, tmp_path / "s.db"), ADMIN))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        students = app.screen.query_one(PagedTable)
        header = students.render_line(0).text
        assert header.rstrip().endswith("→ 1 more"), header
        students.scroll_to(x=students.max_scroll_x, animate=False)
        await settle(pilot)
        assert "more" not in students.render_line(0).text  # every column shown
        await pilot.press("6")  # the admin's ranked mentors: a DataTable
        await settle(pilot)
        ranked = app.screen.query_one("#assign-mentors", DataTable)
        assert ranked.render_line(0).text.rstrip().endswith("→ 4 more")
    wide = MentorApp(services_for(copy_store(template, tmp_path / "w.db"), ADMIN))
    async with wide.run_test(size=(200, 50)) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        assert "more" not in wide.screen.query_one(PagedTable).render_line(0).text
