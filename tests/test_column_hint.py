"""Issue #22: a table whose columns do not fit its width says so on its header line
("→ 2 more"), which stays on screen; scrolling right shows them and the hint counts down."""

from __future__ import annotations

from pathlib import Path

from app_support import ADMIN, copy_store, services_for, settle
from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip
from textual.widgets import DataTable

from mentor_tui.app.main import MentorApp
from mentor_tui.widgets.column_hint import hint_for, left_hint_for, with_hint
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


def test_the_left_hint_counts_the_columns_whose_start_went_out_at_the_left() -> None:
    cells = [(2, 10), (12, 10), (22, 10), (32, 10)]
    assert left_hint_for(cells, 0) == ""  # not scrolled: nothing out at the left
    assert left_hint_for(cells, 1) == " ← 1 "  # the first one's start is under the hint
    assert left_hint_for(cells, 12) == " ← 2 "  # the second starts under the hint
    assert left_hint_for(cells, 16) == " ← 2 "  # the third starts beyond the hint's 5 cells
    assert left_hint_for(cells, 20) == " ← 3 "  # the third starts under it
    many = [(x, 1) for x in range(200)]
    assert left_hint_for(many, 150) == " ← 157 "


def test_the_left_hint_replaces_the_left_end_of_the_line() -> None:
    strip = Strip([Segment("abcdefghijklmnopqrstuvwxyz0123", Style())], 30)
    both = with_hint(strip, " → 2 more ", 30, Style(bold=True), " ← 1 ")
    assert both.text == " ← 1 fghijklmnopqrst → 2 more " and both.cell_length == 30
    left = with_hint(strip, "", 30, Style(), " ← 3 ")
    assert left.text == " ← 3 fghijklmnopqrstuvwxyz0123"
    tight = with_hint(strip, " → 2 more ", 14, Style(), " ← 1 ")  # room for one: the right
    assert tight.text == "abcd → 2 more "


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
        scrolled = students.render_line(0).text
        assert "more" not in scrolled  # every column shown at the right
        assert scrolled.startswith(" ← "), scrolled  # and the ones out at the left counted
        students.scroll_to(x=0, animate=False)
        await settle(pilot)
        assert "←" not in students.render_line(0).text
        await pilot.press("6")  # the admin's ranked mentors: a DataTable
        await settle(pilot)
        ranked = app.screen.query_one("#assign-mentors", DataTable)
        assert ranked.render_line(0).text.rstrip().endswith("→ 4 more")
        assert "←" not in ranked.render_line(0).text
        ranked.scroll_to(x=ranked.max_scroll_x, animate=False)
        await settle(pilot)
        header = ranked.render_line(0).text
        assert header.startswith(" ← ") and "more" not in header, header
    wide = MentorApp(services_for(copy_store(template, tmp_path / "w.db"), ADMIN))
    async with wide.run_test(size=(200, 50)) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        assert "more" not in wide.screen.query_one(PagedTable).render_line(0).text
