"""A table over any number of rows: only the visible lines are rendered, rows arrive in pages.

The screen gives a `PageSource` (a count and an offset/limit fetch, typically SQL); the table asks
it for the pages near the viewport from a worker thread and keeps the most recently used pages in a
bounded cache. Rows not loaded yet show as a dim "…" until their page arrives.

The source protocol, the loader and the cache are in `page_source.py`; drawing a line is in
`table_lines.py`. This module is the widget: its API, messages, cursor and scrolling. Its other
methods are in `table_loading.py` (which pages to load, and what arrives), `table_keys.py`
(keys and clicks) and `table_rendering.py` (layout and the lines painted), bound by name in the
class body: plain functions of the table that run as its own methods, with no call between.
"""

from __future__ import annotations

import asyncio
from typing import ClassVar

from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.cache import LRUCache
from textual.geometry import Region
from textual.message import Message
from textual.reactive import reactive
from textual.strip import Strip

from mentor_tui.widgets import table_keys, table_loading, table_rendering
from mentor_tui.widgets.page_source import (
    Column,
    PageCache,
    PagedRow,
    PageLoader,
    PageSource,
)
from mentor_tui.widgets.seams import FocusPaintsPart, LayoutKeepsScrollbars

__all__ = ["Column", "PageSource", "PagedRow", "PagedTable"]


class _TableMessage(Message):
    """A message from a PagedTable; ``control`` lets ``@on(..., "#id")`` pick the table."""

    def __init__(self, paged_table: PagedTable) -> None:
        super().__init__()
        self.paged_table = paged_table

    @property
    def control(self) -> PagedTable:
        return self.paged_table


class PagedTable(LayoutKeepsScrollbars, FocusPaintsPart, can_focus=True):
    """A keyboard-driven table of `PagedRow`s paged from a `PageSource`."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up,k", "cursor_up", "Up", show=False, id="table.up"),
        Binding("down,j", "cursor_down", "Down", show=False, id="table.down"),
        Binding("pageup", "page_up", "Page up", show=False, id="table.page_up"),
        Binding("pagedown", "page_down", "Page down", show=False, id="table.page_down"),
        Binding("home,g", "first_row", "First row", show=False, id="table.first_row"),
        Binding("end,G", "last_row", "Last row", show=False, id="table.last_row"),
        Binding("enter", "select", "Open", id="table.open"),
        Binding("space", "toggle_mark", "Mark", id="table.mark"),
        Binding(
            "left_square_bracket",
            "sort_column(-1)",
            "Sort left",
            key_display="[",
            id="table.sort_left",
        ),
        Binding(
            "right_square_bracket",
            "sort_column(1)",
            "Sort right",
            key_display="]",
            id="table.sort_right",
        ),
        Binding("r", "reverse_sort", "Reverse sort", id="table.reverse_sort"),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "paged-table--header",
        "paged-table--cursor",
        "paged-table--cursor-blurred",
        "paged-table--marked",
        "paged-table--placeholder",
    }

    DEFAULT_CSS = """
    PagedTable {
        background: $surface;
        color: $foreground;
        height: 1fr;
        & > .paged-table--header {
            text-style: bold;
            background: $panel;
            color: $foreground;
        }
        /* Two classes, not one under `:focus`: a component style that follows the focus
           makes Textual repaint every line on a focus change (see `on_focus`). */
        & > .paged-table--cursor {
            background: $block-cursor-background;
            color: $block-cursor-foreground;
            text-style: $block-cursor-text-style;
        }
        & > .paged-table--cursor-blurred {
            background: $block-cursor-blurred-background;
            color: $block-cursor-blurred-foreground;
            text-style: $block-cursor-blurred-text-style;
        }
        & > .paged-table--marked {
            background: $accent 25%;
        }
        & > .paged-table--placeholder {
            color: $text-muted;
            text-style: dim;
        }
    }
    """

    cursor_index: reactive[int] = reactive(0, init=False)
    empty_text: reactive[str] = reactive("No rows", repaint=False)

    class RowHighlighted(_TableMessage):
        """The cursor moved, or the row under it arrived (key is None until it has)."""

        def __init__(self, paged_table: PagedTable, key: str | None, index: int) -> None:
            super().__init__(paged_table)
            self.key = key
            self.index = index

    class RowSelected(_TableMessage):
        """Enter on a loaded row, or a click on the cursor row."""

        def __init__(self, paged_table: PagedTable, key: str, index: int) -> None:
            super().__init__(paged_table)
            self.key = key
            self.index = index

    class SortChanged(_TableMessage):
        """The person asked for another order; the screen answers with `set_source`."""

        def __init__(self, paged_table: PagedTable, key: str, descending: bool) -> None:
            super().__init__(paged_table)
            self.key = key
            self.descending = descending

    class CountChanged(_TableMessage):
        """The source has been counted (after every `set_source` and `reload`)."""

        def __init__(self, paged_table: PagedTable, count: int) -> None:
            super().__init__(paged_table)
            self.count = count

    class LoadFailed(_TableMessage):
        """The source raised; the worker fails with the same error."""

        def __init__(self, paged_table: PagedTable, error: str) -> None:
            super().__init__(paged_table)
            self.error = error

    def __init__(
        self,
        columns: list[Column],
        source: PageSource | None = None,
        *,
        page_size: int = 200,
        cache_pages: int = 20,
        markable: bool = False,
        start_at_end: bool = False,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        if not columns:
            raise ValueError("A table needs at least one column.")
        keys = [column.key for column in columns]
        if len(set(keys)) != len(keys):
            raise ValueError("Column keys must be unique.")
        if page_size < 1:
            raise ValueError("page_size must be at least 1.")
        if cache_pages < 2:
            raise ValueError("cache_pages must be at least 2 (a visible page and the next).")
        self._columns = list(columns)
        self._page_size = page_size
        self._cache_pages = cache_pages
        self._markable = markable
        # a new source opens on its last row, and its last page is fetched first
        self._start_at_end = start_at_end
        self._to_end = False
        self._end_scroll_pending = False  # opened at its end, not scrolled there yet
        self._marked: set[str] = set()
        self._sort_key: str | None = None
        self._sort_descending = False

        self._source: PageSource | None = None
        self._generation = 0
        self._loader: PageLoader | None = None
        self._ui_loop: asyncio.AbstractEventLoop | None = None  # see `load_now`
        self._pages = PageCache(cache_pages)
        self._row_count = 0
        self._count_known = False
        self._count_exact = False  # False while the rows of a first page stand for the count
        self._paint_with_page: int | None = None  # a new count's rows wait for this page
        self._failure: str | None = None
        self._last_highlight: tuple[str | None, int] | None = None

        # Layout for one content width: (x, width) of each column's cell, total line width.
        self._layout_width = -1
        self._cells: list[tuple[int, int]] = []
        self._line_width = 0
        self._header: Strip | None = None
        self._header_style: Style | None = None  # the style the header was drawn in
        # Lines by (row index, the cursor style or None off the cursor row, marked): a focus
        # change alters only the cursor style, so only the cursor row is drawn again.
        self._lines: LRUCache[tuple[int, Style | None, bool], Strip] = LRUCache(1024)
        # The table, marked-row and placeholder styles the cached lines were drawn in.
        self._lines_styles: tuple[Style, Style, Style] | None = None
        # The styles of one render pass, read once instead of once per line (see render_lines).
        self._pass_styles: tuple[Style, Style, Style, Style] | None = None
        self._pass_width: int | None = None  # the content width, likewise

        if source is not None:
            self.set_source(source)

    # ----------------------------------------------------------------- public API

    @property
    def columns(self) -> list[Column]:
        return list(self._columns)

    @property
    def row_count(self) -> int:
        """Rows in the source: the last count, until a new source has been counted."""
        return self._row_count

    @property
    def cursor_key(self) -> str | None:
        row = self._row(self.cursor_index)
        return row.key if row is not None else None

    @property
    def sort_key(self) -> str | None:
        return self._sort_key

    @property
    def sort_descending(self) -> bool:
        return self._sort_descending

    @property
    def marked_keys(self) -> set[str]:
        """The marked row keys; they stay marked across `set_source` (a key is a stable id)."""
        return self._marked

    @property
    def cached_row_count(self) -> int:
        """Rows held in memory now: at most cache_pages * page_size (or, on a screen taller than
        that, the pages of one screen and the next)."""
        return self._pages.rows_held()

    def set_source(
        self,
        source: PageSource,
        *,
        keep_cursor_key: bool = False,
        first_rows: list[PagedRow] | None = None,
    ) -> None:
        """Show another source (a new filter or order): recount and drop every cached page.

        Results still on their way from the previous source are ignored. Without
        `keep_cursor_key` the cursor goes to the first row; with it the cursor follows the same
        row if the source has `index_of`, and otherwise keeps its place.

        `first_rows`: the source's first page, read already by the caller (a whole page):
        shown at once, as the first page of a source read before its count (`FirstRows`),
        so that the frame that paints the table paints them; the table then only counts.
        """
        find_key = self.cursor_key if keep_cursor_key else None
        self._new_generation(
            source,
            find_key=find_key,
            at_top=not keep_cursor_key,
            first_rows=None if keep_cursor_key else first_rows,
        )
        if not keep_cursor_key:
            self.cursor_index = 0
            if self.is_mounted:
                self.scroll_to(y=0, animate=False)

    def reload(self) -> None:
        """The same source, changed data: recount and refetch; the cursor keeps its index."""
        if self._source is not None:
            self._new_generation(self._source, find_key=None, at_top=False)

    def set_sort(self, key: str, descending: bool = False, *, announce: bool = True) -> None:
        """Show `key` as the sorted column and post SortChanged for the screen to act on
        (`announce=False`: only show it, e.g. when the screen gives the sorted source itself)."""
        column = self._column(key)
        if column is None or not column.sortable:
            raise ValueError(f"The table cannot sort by {key!r}.")
        self._sort_key = key
        self._sort_descending = descending
        self._header = None
        self.refresh()
        if announce:
            self.post_message(self.SortChanged(self, key, descending))

    def clear_marks(self) -> None:
        if self._marked:
            self._marked.clear()
            self.refresh()

    def key_at(self, index: int) -> str | None:
        """The key of the row at `index`, if its page is loaded."""
        row = self._row(index)
        return row.key if row is not None else None

    remove_rows = table_loading.remove_rows
    load_now = table_loading.load_now
    _post_from_loader = table_loading.post_from_loader

    # ----------------------------------------------------------------- loading: table_loading.py

    _new_generation = table_loading.new_generation
    _start_loader = table_loading.start_loader
    _wanted_pages = table_loading.wanted_pages
    _page_complete = table_loading.page_complete
    _request_visible = table_loading.request_visible
    _count_loaded = table_loading.count_loaded
    _first_rows = table_loading.first_rows
    _page_loaded = table_loading.page_loaded
    _load_error = table_loading.load_error
    on_unmount = table_loading.on_unmount
    on_mount = table_loading.on_mount

    # ----------------------------------------------------------------- cursor and scrolling

    def _row(self, index: int) -> PagedRow | None:
        if index < 0 or index >= self._row_count:
            return None
        page, offset = divmod(index, self._page_size)
        rows = self._pages.get(page)
        if rows is None or offset >= len(rows):
            return None
        return rows[offset]

    def validate_cursor_index(self, index: int) -> int:
        return max(0, min(index, self._row_count - 1))

    def watch_cursor_index(self, old: int, new: int) -> None:
        self.refresh_line(old + 1)
        self.refresh_line(new + 1)
        if self.is_mounted:
            self._scroll_cursor_into_view()
            self._post_highlight()

    def watch_empty_text(self) -> None:
        # painted only while it shows: a filter's first letter changes it with the rows coming
        if self._count_known and self._row_count == 0:
            self.refresh()

    def _post_highlight(self) -> None:
        if not self._count_known or self._row_count == 0:
            return
        current = (self.cursor_key, self.cursor_index)
        if current != self._last_highlight:
            self._last_highlight = current
            self.post_message(self.RowHighlighted(self, *current))

    def _rows_on_screen(self) -> int:
        return max(1, self.scrollable_content_region.height - 1)

    def _scroll_cursor_into_view(self) -> None:
        top = int(self.scroll_y)
        rows = self._rows_on_screen()
        index = self.cursor_index
        if index < top:
            self.scroll_to(y=index, animate=False)
        elif index >= top + rows:
            self.scroll_to(y=index - rows + 1, animate=False)

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        self._request_visible()

    def on_resize(self, event: events.Resize) -> None:
        self._update_virtual_size()
        self._scroll_cursor_into_view()
        self._request_visible()

    # ----------------------------------------------------------------- keys: table_keys.py

    check_action = table_keys.check_action
    action_cursor_up = table_keys.action_cursor_up
    action_cursor_down = table_keys.action_cursor_down
    action_page_up = table_keys.action_page_up
    action_page_down = table_keys.action_page_down
    action_first_row = table_keys.action_first_row
    action_last_row = table_keys.action_last_row
    action_select = table_keys.action_select
    action_toggle_mark = table_keys.action_toggle_mark
    action_sort_column = table_keys.action_sort_column
    action_reverse_sort = table_keys.action_reverse_sort
    on_click = table_keys.on_click

    # ----------------------------------------------------- layout and rendering: table_rendering.py

    _column = table_rendering.column
    _column_at = table_rendering.column_at
    _content_width = table_rendering.content_width
    _ensure_layout = table_rendering.ensure_layout
    _update_virtual_size = table_rendering.update_virtual_size
    _only_scroll_height_changes = table_rendering.only_scroll_height_changes
    _styles = table_rendering.line_styles
    _check_line_styles = table_rendering.check_line_styles
    _refresh_rows = table_rendering.refresh_rows
    render_line = table_rendering.render_line
    _body_line = table_rendering.body_line
    _header_strip = table_rendering.header_strip

    def notify_style_update(self) -> None:
        # Cached lines are checked against the styles at the next render (`_check_line_styles`).
        # Textual calls this on a focus change too where a rule names the focus: the table's
        # own style stays, so nothing is painted here (the cursor row is, `paint_focus_change`).
        super().notify_style_update()
        if self._lines_styles is None or self._lines_styles[0] != self.rich_style:
            self.refresh()

    def paint_focus_change(self) -> None:
        """Only the cursor row shows the focus: it alone is painted again (`FocusPaintsPart`)."""
        self._refresh_rows(self.cursor_index, 1)

    def render_lines(self, crop: Region) -> list[Strip]:
        """Read the styles and the content width once for the whole pass; `render_line` would
        read them per line (the width twice: Textual works it out from the scrollbars)."""
        self._pass_styles = self._styles()
        self._check_line_styles(self._pass_styles)
        self._pass_width = self._content_width()
        try:
            return super().render_lines(crop)
        finally:
            self._pass_styles = None
            self._pass_width = None
