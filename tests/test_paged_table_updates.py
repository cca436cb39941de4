"""PagedTable after a change the screen made itself (`remove_rows`), on a focus change, and
the cells' own styles: what is drawn again, what is read again, and what is laid out again."""

from __future__ import annotations

import threading

import pytest
from rich.text import Text
from test_paged_table import (
    COLUMNS,
    ROWS_ON_SCREEN,
    SIZE,
    SyntheticSource,
    TableApp,
    app_for,
    body,
    settle,
    wait_until,
)
from textual.app import ComposeResult

from mentor_tui.widgets.paged_table import PagedRow, PagedTable
from mentor_tui.widgets.table_loading import REFILL_DELAY

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"  # Textual runs on asyncio


class ListSource(SyntheticSource):
    """Rows of a list the test can delete from, as a store changes under the table."""

    def __init__(self, rows: int) -> None:
        super().__init__(rows)
        self.ids = list(range(rows))

    def count(self) -> int:
        self.counts += 1
        return len(self.ids)

    def fetch(self, offset: int, limit: int) -> list[PagedRow]:
        self.fetches.append((offset, limit))
        return [self.row(i) for i in self.ids[offset : offset + limit]]

    def delete(self, *numbers: int) -> list[str]:
        for number in numbers:
            self.ids.remove(number)
        return [f"student-{number}" for number in numbers]


def shown_numbers(table: PagedTable) -> list[int]:
    return [int(line.split()[1]) for line in body(table) if line]


async def test_remove_rows_closes_up_the_list_without_reading_it_again() -> None:
    source = ListSource(100)
    app = app_for(source, page_size=10)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = app.table
        await pilot.press(*["down"] * 4)
        assert shown_numbers(table) == list(range(11)) and table.cursor_key == "student-4"
        fetched = len(source.fetches)
        taken_out = table.remove_rows(source.delete(4, 2, 9))
        # At once, before any page is read: the rows are gone, later ones moved up, nothing
        # shows as loading and the cursor is on the row after the removed one.
        assert taken_out and table.row_count == 97
        assert shown_numbers(table) == [0, 1, 3, 5, 6, 7, 8, 10, 11, 12, 13]
        assert table.cursor_key == "student-5" and table.cursor_index == 3
        await pilot.pause(REFILL_DELAY * 4)  # the page left short is read after the frame
        await settle(pilot)
        assert source.counts == 1  # not counted again
        assert len(source.fetches) > fetched  # the page left short is read again
        assert [m.count for m in app.messages(PagedTable.CountChanged)] == [100, 97]
        assert app.messages(PagedTable.RowHighlighted)[-1].key == "student-5"
        await pilot.press("end")
        await settle(pilot)
        assert table.cursor_key == "student-99" and table.cursor_index == 96
        # Every loaded row is where a fresh read puts it.
        fresh = [row.key for row in source.fetch(0, 97)]
        loaded = {i: table.key_at(i) for i in range(97) if table.key_at(i) is not None}
        assert len(loaded) >= 2 * ROWS_ON_SCREEN
        assert loaded == {i: fresh[i] for i in loaded}


async def test_remove_rows_reloads_when_a_row_is_not_loaded() -> None:
    source = ListSource(1000)
    app = app_for(source, page_size=10)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = app.table
        assert not table.remove_rows(source.delete(500))  # its page was never read
        await settle(pilot)
        assert source.counts == 2 and table.row_count == 999


async def test_remove_rows_ignores_a_page_read_before_the_change() -> None:
    class SlowListSource(ListSource):
        """Reads its rows, then holds them until the test opens the gate."""

        def __init__(self, rows: int) -> None:
            super().__init__(rows)
            self.hold = False
            self.gate = threading.Event()
            self.waiting = threading.Event()

        def fetch(self, offset: int, limit: int) -> list[PagedRow]:
            rows = super().fetch(offset, limit)
            if self.hold:
                self.waiting.set()
                self.gate.wait(10)
            return rows

    source = SlowListSource(100)
    app = app_for(source, page_size=10)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = app.table
        source.hold = True
        await pilot.press("pagedown", "pagedown")  # asks for a page not read yet
        await wait_until(pilot, source.waiting.is_set, "a fetch to start")
        assert table.remove_rows(source.delete(0))
        source.hold = False
        source.gate.set()  # the page read before the change arrives now, one row off
        await settle(pilot)
        loaded = {i: table.key_at(i) for i in range(99) if table.key_at(i) is not None}
        assert set(range(40)) <= set(loaded)
        assert loaded == {i: f"student-{i + 1}" for i in loaded}


async def test_removing_a_row_does_not_lay_out_the_screen_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    source = ListSource(20)
    app = app_for(source, page_size=10)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = app.table
        layouts: list[object] = []
        original = app.screen._refresh_layout

        def counted(*args: object, **kwargs: object) -> None:
            layouts.append(args)
            original(*args, **kwargs)

        monkeypatch.setattr(app.screen, "_refresh_layout", counted)
        table.remove_rows(source.delete(3))
        await pilot.pause()
        assert layouts == [] and table.virtual_size.height == 20  # the header and 19 rows
        assert table.vertical_scrollbar.window_virtual_size == 20
        await pilot.press("end")
        await pilot.pause()
        assert table.scroll_y == table.max_scroll_y == 20 - 12
        assert shown_numbers(table)[-1] == 19
        # Now the rows fit: the scrollbar goes, which is a layout.
        table.remove_rows(source.delete(*range(4, 13)))
        await settle(pilot)
        assert layouts and not table.show_vertical_scrollbar
        assert shown_numbers(table) == [0, 1, 2, 13, 14, 15, 16, 17, 18, 19]


async def test_a_focus_change_draws_only_the_cursor_row_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from textual.widgets import Input

    from mentor_tui.widgets import table_lines

    class TwoWidgets(TableApp):
        def compose(self) -> ComposeResult:
            yield Input()
            yield self.table

    app = TwoWidgets(PagedTable(COLUMNS, SyntheticSource(1000)))
    async with app.run_test(size=(60, 16)) as pilot:
        await settle(pilot)
        table = app.table
        await pilot.press("down", "down")
        await pilot.pause()
        focused = table.render_line(3)
        drawn: list[PagedRow | None] = []
        row_strip = table_lines.row_strip

        def counted(*args: object) -> object:
            drawn.append(args[4])  # type: ignore[arg-type]
            return row_strip(*args)  # type: ignore[arg-type]

        monkeypatch.setattr(table_lines, "row_strip", counted)
        app.query_one(Input).focus()
        await pilot.pause()
        await pilot.pause()
        assert [row.key for row in drawn if row is not None] == ["student-2"]
        blurred = table.render_line(3)
        assert blurred.text == focused.text and list(blurred) != list(focused)
        table.focus()
        await pilot.pause()
        await pilot.pause()
        # Focused again: the cursor row as it was drawn focused is still cached.
        assert [row.key for row in drawn if row is not None] == ["student-2"]
        assert list(table.render_line(3)) == list(focused)


async def test_a_cell_shows_its_own_style() -> None:
    class StyledSource(SyntheticSource):
        def row(self, i: int) -> PagedRow:
            return PagedRow(
                key=str(i),
                cells=(
                    Text(f"Student {i}"),
                    Text(str(i)),
                    Text("at risk", style="yellow"),  # a base style, no spans
                    Text("paused", style="dim"),
                ),
            )

    app = app_for(StyledSource(5))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        segments = {segment.text.strip(): segment.style for segment in app.table.render_line(2)}
        assert segments["at risk"] is not None and segments["at risk"].color is not None
        assert segments["at risk"].color.name == "yellow"
        assert segments["paused"] is not None and segments["paused"].dim
        assert not segments["Student 1"].dim and segments["Student 1"].color != "yellow"


async def test_a_focus_change_paints_only_the_cursor_line() -> None:
    """Losing or getting the focus changes the cursor row's look alone: only its line is
    painted again, not every row on screen (issue #21, the review queue's `a` and `ctrl+s`)."""
    from textual.widgets import Input

    painted: list[int] = []

    class CountedTable(PagedTable):
        def render_line(self, y: int):  # type: ignore[no-untyped-def]
            painted.append(y)
            return super().render_line(y)

    class TwoWidgets(TableApp):
        def compose(self) -> ComposeResult:
            yield Input()
            yield self.table

    app = TwoWidgets(CountedTable(COLUMNS, SyntheticSource(1000)))
    async with app.run_test(size=(60, 16)) as pilot:
        await settle(pilot)
        table = app.table
        table.focus()
        await pilot.press("down", "down")
        await settle(pilot)
        focused = table.render_line(3)
        painted.clear()
        app.query_one(Input).focus()
        await settle(pilot)
        assert painted == [3]  # the cursor row (the header is line 0)
        blurred = table.render_line(3)
        assert blurred.text == focused.text and list(blurred) != list(focused)
        painted.clear()
        table.focus()
        await settle(pilot)
        assert painted == [3]
        assert list(table.render_line(3)) == list(focused)


async def test_taking_a_row_out_draws_only_the_lines_that_changed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The rows below the one taken out only move up: their finished lines are painted from
    Textual's line cache at their new place, and only the cursor's line and the line a row
    came into are drawn again (issue #21: every line was, at each decision). What is painted
    is what a full repaint paints."""
    painted: list[int] = []

    class CountedTable(PagedTable):
        def render_line(self, y: int):  # type: ignore[no-untyped-def]
            painted.append(y)
            return super().render_line(y)

    source = ListSource(60)
    app = TableApp(CountedTable(COLUMNS, source, page_size=100))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = app.table
        table.focus()
        await pilot.press("down", "down", "down")
        await settle(pilot)
        painted.clear()
        assert table.remove_rows(source.delete(3))
        await pilot.pause()
        assert sorted(set(painted)) == [4, ROWS_ON_SCREEN]  # the cursor's row, the last one
        screen = app.screen
        kept = [list(strip) for strip in screen._compositor.render_strips()]
        table.refresh()
        await pilot.pause()
        assert [list(strip) for strip in screen._compositor.render_strips()] == kept
        assert shown_numbers(table) == [0, 1, 2, 4, 5, 6, 7, 8, 9, 10, 11]


async def test_a_row_taken_out_leaves_a_scrollbar_that_looks_the_same_alone(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The scrollbar is painted again only when its thumb changes: one row of 400 leaves it
    as it was (a one-cell thumb at the top), one of 60 makes it longer."""
    from textual.scrollbar import ScrollBar

    drawn: list[int] = []
    render = ScrollBar.render

    def counted(self):  # type: ignore[no-untyped-def]
        drawn.append(self.window_virtual_size)
        return render(self)

    monkeypatch.setattr(ScrollBar, "render", counted)
    for rows, repainted in ((400, False), (60, True)):
        source = ListSource(rows)
        app = app_for(source, page_size=500)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            table = app.table
            drawn.clear()
            assert table.remove_rows(source.delete(3))
            await settle(pilot)
            assert table.vertical_scrollbar.window_virtual_size == rows  # the header, a row less
            assert drawn == ([rows] if repainted else [])
