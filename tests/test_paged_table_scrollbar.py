"""PagedTable: rows that come to overflow the viewport bring the vertical scrollbar, which
takes width from the lines; the table sizes its lines for that width at once, so the screen is
laid out for the rows once, not again for the narrower line (issue #21)."""

from __future__ import annotations

import pytest
from test_paged_table import SIZE, SyntheticSource, app_for, settle

from mentor_tui.widgets.paged_table import PagedTable

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"  # Textual runs on asyncio


async def test_rows_that_overflow_size_the_lines_for_the_scrollbar_at_once() -> None:
    app = app_for(None, page_size=50)
    async with app.run_test(size=SIZE) as pilot:
        table = app.table
        await settle(pilot)
        assert not table.show_vertical_scrollbar
        widths: list[int] = []  # the line widths the table set with its rows

        def noted(size) -> None:  # type: ignore[no-untyped-def]
            if size.height > 1:
                widths.append(size.width)

        table.watch(table, "virtual_size", noted, init=False)
        table.set_source(SyntheticSource(1_000, "Student"))
        await settle(pilot)
        assert table.show_vertical_scrollbar
        assert table.row_count == 1_000
        # set once: lines that fit beside the scrollbar need no width of their own (0), so
        # its coming changes nothing (it used to set the full width, then the narrower one)
        assert widths == [0]
        assert table.virtual_size.width == 0
        assert (
            table.scrollable_content_region.width == SIZE[0] - table.styles.scrollbar_size_vertical
        )


async def test_rows_that_fit_keep_the_whole_width() -> None:
    app = app_for(SyntheticSource(3, "Student"), page_size=50)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        table: PagedTable = app.table
        assert not table.show_vertical_scrollbar
        assert table.virtual_size.width == 0  # they fit: no width of their own
        assert table.scrollable_content_region.width == SIZE[0]
