"""PagedTable with a source that asks for its first page before its count
(`pages_before_count`): the rows are painted while the count is still on its way, a list that
fits in one page is never counted, and a count that comes too late is ignored."""

from __future__ import annotations

import pytest
from test_paged_table import (
    SIZE,
    GatedSource,
    SyntheticSource,
    app_for,
    body,
    settle,
    wait_until,
)

from mentor_tui.widgets.paged_table import PagedTable

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"  # Textual runs on asyncio


class FirstPageSource(GatedSource):
    pages_before_count = True


async def test_the_first_page_is_painted_before_the_count_arrives() -> None:
    source = FirstPageSource(100_000, "Student", hold_count=True, hold_fetch=False)
    app = app_for(source, page_size=50)
    async with app.run_test(size=SIZE) as pilot:
        table = app.table
        await wait_until(pilot, source.waiting.is_set, "the count, after the first page")
        await wait_until(pilot, lambda: table.cursor_key == "student-0", "the first rows")
        assert source.fetches == [(0, 50)] and source.counts == 0
        assert body(table)[0].split()[:2] == ["Student", "000000"]
        assert table.row_count == 50  # as far as is known
        assert not app.messages(PagedTable.CountChanged)  # the count is said once it is known
        source.gate.set()
        await settle(pilot)
        assert table.row_count == 100_000
        assert [m.count for m in app.messages(PagedTable.CountChanged)] == [100_000]
        await pilot.press("end")
        await settle(pilot)
        assert table.cursor_key == "student-99999"


async def test_a_list_that_fits_in_its_first_page_is_never_counted() -> None:
    source = FirstPageSource(7, "Student", hold_count=True, hold_fetch=False)
    app = app_for(source, page_size=50)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert source.counts == 0 and not source.waiting.is_set()
        assert app.table.row_count == 7
        assert [m.count for m in app.messages(PagedTable.CountChanged)] == [7]
        assert [line.split()[1] for line in body(app.table)[:7]] == [f"{i:06d}" for i in range(7)]


async def test_a_new_source_before_the_count_ignores_the_old_count() -> None:
    old = FirstPageSource(100_000, "Old", hold_count=True, hold_fetch=False)
    app = app_for(old, page_size=50)
    async with app.run_test(size=SIZE) as pilot:
        table = app.table
        await wait_until(pilot, old.waiting.is_set, "the old source's count")
        table.set_source(SyntheticSource(500, "New"))
        await wait_until(pilot, lambda: table.cursor_key == "new-0", "the new rows")
        old.gate.set()  # the old count arrives now, after the new one
        await settle(pilot)
        assert table.row_count == 500
        assert [m.count for m in app.messages(PagedTable.CountChanged)] == [500]
        assert all(line.startswith("New") for line in body(table))


async def test_remove_rows_before_the_count_reloads() -> None:
    """Only a true count can be closed up: before it, the rows are read again."""
    source = FirstPageSource(1_000, "Student", hold_count=True, hold_fetch=False)
    app = app_for(source, page_size=50)
    async with app.run_test(size=SIZE) as pilot:
        table = app.table
        await wait_until(pilot, lambda: table.cursor_key == "student-0", "the first rows")
        assert table.remove_rows(["student-3"]) is False
        source.gate.set()
        await settle(pilot)
        assert table.row_count == 1_000  # read again: the synthetic source did not change
        assert source.fetches[:2] == [(0, 50), (0, 50)]


async def test_a_list_that_fits_in_its_first_page_comes_with_its_count_at_once() -> None:
    """One message, the count and its rows: the first highlight already names its row (no
    count first with the row not there yet, then the page: two repaints of a new screen)."""
    source = FirstPageSource(7, "Student", hold_count=True, hold_fetch=False)
    app = app_for(source, page_size=50)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert [m.key for m in app.messages(PagedTable.RowHighlighted)] == ["student-0"]
        assert app.table.cached_row_count == 7
        await pilot.press("end")
        await settle(pilot)
        assert app.table.cursor_key == "student-6"
        assert source.fetches == [(0, 50)], "the page came with the count: not fetched again"


async def test_first_rows_given_are_shown_at_once_and_only_the_count_is_read() -> None:
    """`set_source(first_rows=...)`: the caller read the first page already (the review queue,
    while its screen was built); the table shows it before any worker runs, reads no first
    page of its own, and the count follows as for a first page read before it."""
    source = FirstPageSource(100_000, "Student", hold_count=True, hold_fetch=False)
    app = app_for(None, page_size=50)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = app.table
        table.set_source(source, first_rows=[source.row(i) for i in range(50)])
        # at once, in the same call: the next frame paints them
        assert table.cursor_key == "student-0" and table.row_count == 50
        assert table.key_at(49) == "student-49"
        await wait_until(pilot, source.waiting.is_set, "the count")
        assert body(table)[0].split()[:2] == ["Student", "000000"]
        assert source.fetches == []  # no first page read again
        source.gate.set()
        await settle(pilot)
        assert table.row_count == 100_000
        assert [m.count for m in app.messages(PagedTable.CountChanged)] == [100_000]
        assert (0, 50) not in source.fetches  # the pages after it, read as the screen needs
        await pilot.press("end")
        await settle(pilot)
        assert table.cursor_key == "student-99999"


async def test_first_rows_short_of_a_page_are_read_by_the_table_as_usual() -> None:
    source = FirstPageSource(7, "Student", hold_count=False, hold_fetch=False)
    app = app_for(None, page_size=50)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.table.set_source(source, first_rows=[source.row(i) for i in range(7)])
        await settle(pilot)
        assert source.fetches == [(0, 50)] and app.table.row_count == 7
