"""A table over any number of rows: only the visible lines are rendered, rows arrive in pages.

The screen gives a `PageSource` (a count and an offset/limit fetch, typically SQL); the table asks
it for the pages near the viewport from a worker thread and keeps the most recently used pages in a
bounded cache. Rows not loaded yet show as a dim "…" until their page arrives.

The source protocol, the loader and the cache are in `page_source.py`; drawing a line is in
`table_lines.py`. This module is the widget: cursor, keys, scrolling and which pages to load.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable
from typing import ClassVar

from rich.style import Style
from textual import events, on
from textual.binding import Binding, BindingType
from textual.cache import LRUCache
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from mentor_tui.widgets import table_lines
from mentor_tui.widgets.page_source import (
    Column,
    CountLoaded,
    LoadError,
    PageCache,
    PagedRow,
    PageLoaded,
    PageLoader,
    PageSource,
)

__all__ = ["Column", "PageSource", "PagedRow", "PagedTable"]


class _TableMessage(Message):
    """A message from a PagedTable; ``control`` lets ``@on(..., "#id")`` pick the table."""

    def __init__(self, paged_table: PagedTable) -> None:
        super().__init__()
        self.paged_table = paged_table

    @property
    def control(self) -> PagedTable:
        return self.paged_table


class PagedTable(ScrollView, can_focus=True):
    """A keyboard-driven table of `PagedRow`s paged from a `PageSource`."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up,k", "cursor_up", "Up", show=False),
        Binding("down,j", "cursor_down", "Down", show=False),
        Binding("pageup", "page_up", "Page up", show=False),
        Binding("pagedown", "page_down", "Page down", show=False),
        Binding("home,g", "first_row", "First row", show=False),
        Binding("end,G", "last_row", "Last row", show=False),
        Binding("enter", "select", "Open"),
        Binding("space", "toggle_mark", "Mark"),
        Binding("left_square_bracket", "sort_column(-1)", "Sort left", key_display="["),
        Binding("right_square_bracket", "sort_column(1)", "Sort right", key_display="]"),
        Binding("r", "reverse_sort", "Reverse sort"),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "paged-table--header",
        "paged-table--cursor",
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
        & > .paged-table--cursor {
            background: $block-cursor-blurred-background;
            color: $block-cursor-blurred-foreground;
            text-style: $block-cursor-blurred-text-style;
        }
        &:focus > .paged-table--cursor {
            background: $block-cursor-background;
            color: $block-cursor-foreground;
            text-style: $block-cursor-text-style;
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
    empty_text: reactive[str] = reactive("No rows")

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
        self._marked: set[str] = set()
        self._sort_key: str | None = None
        self._sort_descending = False

        self._source: PageSource | None = None
        self._generation = 0
        self._loader: PageLoader | None = None
        self._pages = PageCache(cache_pages)
        self._row_count = 0
        self._count_known = False
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

    def set_source(self, source: PageSource, *, keep_cursor_key: bool = False) -> None:
        """Show another source (a new filter or order): recount and drop every cached page.

        Results still on their way from the previous source are ignored. Without
        `keep_cursor_key` the cursor goes to the first row; with it the cursor follows the same
        row if the source has `index_of`, and otherwise keeps its place.
        """
        find_key = self.cursor_key if keep_cursor_key else None
        self._new_generation(source, find_key=find_key, at_top=not keep_cursor_key)
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

    def remove_rows(self, keys: Iterable[str]) -> bool:
        """Take the rows of `keys` out of the list at once, without reading the source again:
        later rows move up, the count goes down (CountChanged is posted) and the cursor stays
        on its row, or on the next one if its own was removed. Nothing shows as loading.

        For a change the screen made itself (e.g. the rows were decided); a later `reload` or a
        recount still reconciles. When a row is not loaded (its place is unknown) or the count
        is not known yet, this reloads instead and returns False.
        """
        wanted = set(keys)
        if not wanted:
            return True
        if not self._count_known or self._source is None or self._failure is not None:
            self.reload()
            return False
        removed = self._pages.remove_keys(wanted, self._page_size)
        if removed is None:
            self.reload()
            return False
        self._marked -= wanted
        # Fetches on their way read the rows before the change: a new loader, the same count.
        if self._loader is not None:
            self._loader.cancel()
        self._generation += 1
        self._loader = PageLoader(
            self._source,
            self._generation,
            self._page_size,
            self.post_message,
            None,
            None,
            counted=True,
        )
        gone = set(removed)
        lines: LRUCache[tuple[int, Style | None, bool], Strip] = LRUCache(self._lines.maxsize)
        for index, cursor_style, marked in list(self._lines.keys()):  # rows keep their strips
            strip = self._lines.get((index, cursor_style, marked))
            if strip is not None and index not in gone:
                lines.set((index - bisect_left(removed, index), cursor_style, marked), strip)
        self._lines = lines
        self._row_count -= len(removed)
        cursor = self.cursor_index - bisect_left(removed, self.cursor_index)
        self._update_virtual_size()
        self.set_reactive(PagedTable.cursor_index, self.validate_cursor_index(cursor))
        self._scroll_cursor_into_view()
        self.refresh()
        self.post_message(self.CountChanged(self, self._row_count))
        self._post_highlight()
        self._request_visible()
        return True

    # ----------------------------------------------------------------- loading

    def _new_generation(self, source: PageSource, *, find_key: str | None, at_top: bool) -> None:
        if self._loader is not None:
            self._loader.cancel()
        self._generation += 1
        self._source = source
        self._count_known = False
        self._failure = None
        self._pages.clear()
        self._pages.maxsize = self._cache_pages
        self._lines.clear()
        # The page the loader fetches right after the count: the top of the viewport-to-be.
        first_page = 0 if at_top or not self.is_mounted else int(self.scroll_y) // self._page_size
        self._loader = PageLoader(
            source, self._generation, self._page_size, self.post_message, find_key, first_page
        )
        if self.is_mounted:
            self._start_loader(self._loader)
            self.refresh()

    def _start_loader(self, loader: PageLoader) -> None:
        if loader.want(self._wanted_pages()):
            self.run_worker(
                loader.run,
                name=f"load rows ({type(loader.source).__name__})",
                group="paged-table",
                thread=True,
                exit_on_error=False,
            )

    def _wanted_pages(self) -> list[int]:
        """Pages with visible rows that are not cached, then those of the next screen of rows.

        Looking one screen ahead keeps paging down and scrolling free of placeholders, and a
        list that just opened (or was filtered) fetches only its first page, not the next too.
        """
        if not self._count_known or self._row_count == 0:
            return []
        rows = self._rows_on_screen()
        first = min(max(0, int(self.scroll_y)), self._row_count - 1)
        ahead = min(self._row_count - 1, first + 2 * rows - 1)
        size = self._page_size
        pages = list(range(first // size, ahead // size + 1))
        # A screen taller than the cache would evict its own rows forever: hold one screen.
        self._pages.maxsize = max(self._pages.maxsize, len(pages))
        return [page for page in pages if not self._page_complete(page)]

    def _page_complete(self, page: int) -> bool:
        """Cached with every row it holds (one is left short when rows before it are removed)."""
        rows = self._pages.peek(page)
        if rows is None:
            return False
        return len(rows) >= min(self._page_size, self._row_count - page * self._page_size)

    def _request_visible(self) -> None:
        if self._loader is not None and self.is_mounted:
            self._start_loader(self._loader)

    @on(CountLoaded)
    def _count_loaded(self, message: CountLoaded) -> None:
        message.stop()
        if message.generation != self._generation:
            return
        self._row_count = message.count
        self._count_known = True
        self._update_virtual_size()
        if message.key_index is not None:
            self.cursor_index = message.key_index
        else:
            self.cursor_index = self.cursor_index  # validated again: clamped to the new count
        self._scroll_cursor_into_view()
        self.refresh()
        self.post_message(self.CountChanged(self, message.count))
        self._post_highlight()
        self._request_visible()

    @on(PageLoaded)
    def _page_loaded(self, message: PageLoaded) -> None:
        message.stop()
        message.loader.stored(message.page)
        if message.loader is not self._loader:
            return  # an older source's answer
        self._pages.set(message.page, message.rows)
        # Lines are cached only for loaded rows, so no cached line is stale: repaint only the
        # lines of this page that are on screen (none, for a page fetched ahead).
        self._refresh_rows(message.page * self._page_size, len(message.rows))
        self._post_highlight()
        self._request_visible()

    @on(LoadError)
    def _load_error(self, message: LoadError) -> None:
        message.stop()
        if message.generation != self._generation:
            return
        self._failure = message.error
        self.refresh()
        self.post_message(self.LoadFailed(self, message.error))

    def _on_unmount(self) -> None:
        if self._loader is not None:
            self._loader.cancel()

    def _on_mount(self) -> None:
        if self._loader is not None:
            self._start_loader(self._loader)

    # ----------------------------------------------------------------- cursor

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

    # ----------------------------------------------------------------- actions

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "toggle_mark":
            return self._markable
        if action in ("sort_column", "reverse_sort"):
            return any(column.sortable for column in self._columns)
        return True

    def action_cursor_up(self) -> None:
        self.cursor_index = self.cursor_index - 1

    def action_cursor_down(self) -> None:
        self.cursor_index = self.cursor_index + 1

    def action_page_up(self) -> None:
        rows = self._rows_on_screen()
        self.scroll_to(y=max(0, self.scroll_y - rows), animate=False)
        self.cursor_index = self.cursor_index - rows

    def action_page_down(self) -> None:
        rows = self._rows_on_screen()
        self.scroll_to(y=self.scroll_y + rows, animate=False)
        self.cursor_index = self.cursor_index + rows

    def action_first_row(self) -> None:
        self.cursor_index = 0

    def action_last_row(self) -> None:
        self.cursor_index = self._row_count - 1

    def action_select(self) -> None:
        key = self.cursor_key
        if key is None:
            self.app.bell()
            return
        self.post_message(self.RowSelected(self, key, self.cursor_index))

    def action_toggle_mark(self) -> None:
        if not self._markable:
            return
        key = self.cursor_key
        if key is None:
            self.app.bell()
            return
        if key in self._marked:
            self._marked.discard(key)
        else:
            self._marked.add(key)
        self.refresh_line(self.cursor_index + 1)
        self.cursor_index = self.cursor_index + 1

    def action_sort_column(self, step: int) -> None:
        sortable = [column.key for column in self._columns if column.sortable]
        if not sortable:
            return
        if self._sort_key in sortable:
            position = (sortable.index(self._sort_key) + step) % len(sortable)
        else:
            position = 0 if step > 0 else len(sortable) - 1
        self.set_sort(sortable[position])

    def action_reverse_sort(self) -> None:
        sortable = [column.key for column in self._columns if column.sortable]
        if not sortable:
            return
        if self._sort_key in sortable:
            self.set_sort(self._sort_key, not self._sort_descending)
        else:
            self.set_sort(sortable[0])

    async def _on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        if offset.y == 0:
            column = self._column_at(offset.x + int(self.scroll_x))
            if column is not None and column.sortable:
                descending = not self._sort_descending if column.key == self._sort_key else False
                self.set_sort(column.key, descending)
            return
        index = int(self.scroll_y) + offset.y - 1
        if index >= self._row_count:
            return
        if index == self.cursor_index:
            self.action_select()
        else:
            self.cursor_index = index

    # ----------------------------------------------------------------- layout

    def _column(self, key: str) -> Column | None:
        return next((column for column in self._columns if column.key == key), None)

    def _column_at(self, x: int) -> Column | None:
        self._ensure_layout()
        for column, (start, width) in zip(self._columns, self._cells):
            if start - 1 <= x < start + width + 1:
                return column
        return None

    def _content_width(self) -> int:
        return max(0, self.scrollable_content_region.width)

    def _ensure_layout(self) -> None:
        width = self._content_width()
        if width == self._layout_width:
            return
        self._layout_width = width
        self._cells, self._line_width = table_lines.layout(self._columns, width, self._markable)
        self._header = None
        self._lines.clear()
        if self.virtual_size.width != self._line_width:
            # e.g. the vertical scrollbar appeared and took two cells of the width
            self.call_later(self._update_virtual_size)

    def _update_virtual_size(self) -> None:
        self._ensure_layout()
        size = Size(self._line_width, max(1, self._row_count) + 1)
        if size == self.virtual_size:
            return
        if self._only_scroll_height_changes(size):
            # Rows came or went behind a viewport that stays full and a widget whose size does
            # not depend on them: the scrollbar and the scroll range change, not the layout.
            self.set_reactive(PagedTable.virtual_size, size)
            self.vertical_scrollbar.window_virtual_size = size.height
            self.vertical_scrollbar.refresh()
            self.scroll_y = self.validate_scroll_y(self.scroll_y)
            return
        self.virtual_size = size  # lays out the screen again

    def _only_scroll_height_changes(self, size: Size) -> bool:
        old, styles = self.virtual_size, self.styles
        if not self.is_mounted or old.width != size.width or not self.container_size:
            return False
        if styles.height is None or styles.height.is_auto:
            return False  # the widget's own height follows the rows
        if styles.overflow_y != "auto" or not self.show_vertical_scrollbar:
            return False
        # The scrollbar stays: the rows overflow the viewport before and after.
        return min(old.height, size.height) > self.container_size.height

    def _on_resize(self, event: events.Resize) -> None:
        self._update_virtual_size()
        self._scroll_cursor_into_view()
        self._request_visible()

    def notify_style_update(self) -> None:
        # Cached lines are checked against the styles at the next render (`_check_line_styles`):
        # a focus change redraws the cursor row only.
        super().notify_style_update()
        self.refresh()

    # ----------------------------------------------------------------- rendering

    def render_lines(self, crop: Region) -> list[Strip]:
        """Read the styles once for the whole pass; `render_line` would read them per line."""
        self._pass_styles = self._styles()
        self._check_line_styles(self._pass_styles)
        try:
            return super().render_lines(crop)
        finally:
            self._pass_styles = None

    def _styles(self) -> tuple[Style, Style, Style, Style]:
        """The table's style, and its cursor, marked-row and placeholder component styles."""
        if self._pass_styles is not None:
            return self._pass_styles
        return (
            self.rich_style,
            self.get_component_rich_style("paged-table--cursor"),
            self.get_component_rich_style("paged-table--marked"),
            self.get_component_rich_style("paged-table--placeholder"),
        )

    def _check_line_styles(self, styles: tuple[Style, Style, Style, Style]) -> None:
        """Drop the cached lines if they were drawn in other styles (the cursor's is in the key)."""
        table, _, marked, placeholder = styles
        if self._lines_styles != (table, marked, placeholder):
            self._lines.clear()
            self._lines_styles = (table, marked, placeholder)

    def _refresh_rows(self, first: int, count: int) -> None:
        """Repaint the lines of rows first..first+count-1 that are on screen."""
        top = int(self.scroll_y)
        start = max(first, top)
        end = min(first + count, top + self._rows_on_screen(), self._row_count)
        if start < end:
            self.refresh_lines(start + 1, end - start)  # line 0 is the header

    def render_line(self, y: int) -> Strip:
        self._ensure_layout()
        if y == 0:
            strip = self._header_strip()
        else:
            strip = self._body_line(int(self.scroll_y) + y - 1, y)
        scroll_x = int(self.scroll_x)
        return strip.crop(scroll_x, scroll_x + self._content_width())

    def _body_line(self, index: int, y: int) -> Strip:
        if self._pass_styles is None:  # drawn outside a render pass
            self._check_line_styles(self._styles())
        style = self._styles()[0]
        if self._row_count == 0 or (self._failure is not None and not self._count_known):
            if y != 1:
                return Strip.blank(self._line_width, style)
            if self._failure is not None:
                message = f"Could not load the rows: {self._failure}"
            elif self._count_known:
                message = self.empty_text
            else:
                message = table_lines.PLACEHOLDER
            return table_lines.message_strip(
                message, self._line_width, style + self._styles()[3], self.app.console
            )
        if index >= self._row_count:
            return Strip.blank(self._line_width, style)
        row = self._row(index)
        is_cursor = index == self.cursor_index
        is_marked = row is not None and row.key in self._marked
        table, cursor, marked, placeholder = self._styles()
        cache_key = (index, cursor if is_cursor else None, is_marked)
        strip = self._lines.get(cache_key) if row is not None else None
        if strip is None:
            strip = table_lines.row_strip(
                self._columns,
                self._cells,
                self._line_width,
                self._markable,
                row,
                (table, cursor if is_cursor else None, marked if is_marked else None, placeholder),
                self.app.console,
            )
            if row is not None:
                self._lines.set(cache_key, strip)
        return strip

    def _header_strip(self) -> Strip:
        style = self._styles()[0] + self.get_component_rich_style("paged-table--header")
        if self._header is None or style != self._header_style:
            self._header_style = style
            self._header = table_lines.header_strip(
                self._columns,
                self._cells,
                self._line_width,
                self._markable,
                (self._sort_key, self._sort_descending),
                style,
                self.app.console,
            )
        return self._header
