"""How a PagedTable lays out and draws its lines: the column layout for the content width, the
virtual size (rows and line width), and which strip each line shows, read from the line
cache or drawn by `table_lines.py` (the header, a row, a placeholder, a message).

`render_line` runs once per line painted: the styles are read once per render pass (see
`PagedTable.render_lines`) and a row's line is drawn again only when its row, the cursor on
it, its mark or the styles changed.

These are methods of `PagedTable` (``self`` is the table), written as plain functions and bound
by name in its class body (``render_line = table_rendering.render_line``): the same code as if
written there, with no call in between, and the class keeps its bases.
"""

from __future__ import annotations

from rich.segment import Segment
from rich.style import Style
from textual.geometry import Size
from textual.scrollbar import ScrollBar
from textual.strip import Strip
from textual.widget import Widget

from mentor_tui.widgets import column_hint, table_lines
from mentor_tui.widgets.page_source import Column


def column(self, key: str) -> Column | None:
    return next((column for column in self._columns if column.key == key), None)


def column_at(self, x: int) -> Column | None:
    self._ensure_layout()
    for column, (start, width) in zip(self._columns, self._cells, strict=False):
        if start - 1 <= x < start + width + 1:
            return column
    return None


def content_width(self) -> int:
    if self._pass_width is not None:  # read once per render pass (see render_lines)
        return self._pass_width
    return max(0, self.scrollable_content_region.width)


def ensure_layout(self) -> None:
    width = self._content_width()
    if width == self._layout_width:
        return
    self._layout_width = width
    self._cells, self._line_width = table_lines.layout(self._columns, width, self._markable)
    self._header = None
    self._lines.clear()
    if self.virtual_size.width != virtual_width(self):
        # e.g. the vertical scrollbar appeared and took two cells of fixed columns' width
        self.call_later(self._update_virtual_size)


def virtual_width(self) -> int:
    """The lines' width when they overflow the content (the table scrolls across), else 0:
    lines that fit need no width of their own, and a width that followed the content's would
    change with the first layout (rows read before it, while the screen mounts, are laid out
    for no width: 0 then too) and lay the screen out a second time."""
    content = self._content_width()
    return self._line_width if 0 < content < self._line_width else 0


def update_virtual_size(self) -> None:
    self._ensure_layout()
    lines = max(1, self._row_count) + 1
    width = virtual_width(self)
    if lines > self.container_size.height > 0 and scrollbar_to_come(self):
        # The rows are about to overflow: the line width is the one the content will have
        # beside the vertical scrollbar, so that its coming lays the screen out once, not
        # twice (once for the rows, again for the narrower line, `ensure_layout`).
        narrower = self.scrollable_content_region.width - self.styles.scrollbar_size_vertical
        line_width = table_lines.layout(self._columns, max(0, narrower), self._markable)[1]
        width = line_width if 0 < narrower < line_width else 0
    size = Size(width, lines)
    if size == self.virtual_size:
        return
    if self._only_scroll_height_changes(size):
        # Rows came or went behind a viewport that stays full and a widget whose size does
        # not depend on them: the scrollbar and the scroll range change, not the layout.
        self.set_reactive(Widget.virtual_size, size)
        bar = self.vertical_scrollbar
        if thumb_stays(bar, size.height):  # a row of 5,000 gone: the same cells (issue #21)
            bar.set_reactive(ScrollBar.window_virtual_size, size.height)
        else:
            bar.window_virtual_size = size.height
            bar.refresh()
        self.scroll_y = self.validate_scroll_y(self.scroll_y)
        self.scrollbars_updated()  # the next layout need not set them up again
        return
    self.virtual_size = size  # lays out the screen again


def thumb_stays(bar: ScrollBar, virtual_height: int) -> bool:
    """Whether the vertical scrollbar ``bar`` draws the same cells for ``virtual_height`` rows
    as for the rows it shows now (its thumb moves by an eighth of a cell or more only when
    enough rows came or went): painted again only when they differ, a frame's whole height."""
    height, width = bar.size.height, bar.size.width
    if not height or not width:
        return False

    def cells(virtual: int) -> list[Segment]:
        window = bar.window_size if bar.window_size < virtual else 0
        return bar.renderer.render_bar(
            size=height,
            virtual_size=virtual,
            window_size=window,
            position=bar.position,
            thickness=width,
            vertical=True,
        ).segments

    return cells(bar.window_virtual_size) == cells(virtual_height)


def scrollbar_to_come(self) -> bool:
    """The vertical scrollbar is not shown but will be, for rows that overflow, and takes
    width from the content (no gutter kept for it)."""
    styles = self.styles
    return (
        self.is_mounted
        and styles.overflow_y == "auto"
        and not self.show_vertical_scrollbar
        and styles.scrollbar_gutter != "stable"
        and styles.scrollbar_size_vertical > 0
    )


def only_scroll_height_changes(self, size: Size) -> bool:
    old, styles = self.virtual_size, self.styles
    if not self.is_mounted or old.width != size.width or not self.container_size:
        return False
    if styles.height is None or styles.height.is_auto:
        return False  # the widget's own height follows the rows
    if styles.overflow_y != "auto" or not self.show_vertical_scrollbar:
        return False
    # The scrollbar stays: the rows overflow the viewport before and after.
    return min(old.height, size.height) > self.container_size.height


def line_styles(self) -> tuple[Style, Style, Style, Style]:
    """The table's style, and its cursor, marked-row and placeholder component styles."""
    if self._pass_styles is not None:
        return self._pass_styles
    return (
        self.rich_style,
        self.get_component_rich_style(
            "paged-table--cursor" if self.has_focus else "paged-table--cursor-blurred"
        ),
        self.get_component_rich_style("paged-table--marked"),
        self.get_component_rich_style("paged-table--placeholder"),
    )


def check_line_styles(self, styles: tuple[Style, Style, Style, Style]) -> None:
    """Drop the cached lines if they were drawn in other styles (the cursor's is in the key)."""
    table, _, marked, placeholder = styles
    if self._lines_styles != (table, marked, placeholder):
        self._lines.clear()
        self._lines_styles = (table, marked, placeholder)


def refresh_rows(self, first: int, count: int) -> None:
    """Repaint the lines of rows first..first+count-1 that are on screen."""
    top = int(self.scroll_y)
    start = max(first, top)
    end = min(first + count, top + self._rows_on_screen(), self._row_count)
    if start < end:
        self.refresh_lines(start + 1, end - start)  # line 0 is the header


def render_line(self, y: int) -> Strip:
    self._ensure_layout()
    scroll_x = int(self.scroll_x)
    width = self._content_width()
    if y == 0:  # the header: "→ 2 more" / "← 2" for columns cut off
        strip = self._header_strip().crop(scroll_x, scroll_x + width)
        hint = column_hint.hint_for(self._cells, scroll_x, width)
        left = column_hint.left_hint_for(self._cells, scroll_x)
        if hint or left:
            style = self._styles()[0] + self.get_component_rich_style("paged-table--header")
            hint_style = style + column_hint.HINT_STYLE
            strip = column_hint.with_hint(strip, hint, width, hint_style, left)
        return strip
    strip = self._body_line(int(self.scroll_y) + y - 1, y)
    return strip.crop(scroll_x, scroll_x + width)


def body_line(self, index: int, y: int) -> Strip:
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
    # a row not loaded yet looks the same on every line: one strip (-1) for all of them
    cache_key = (index if row is not None else -1, cursor if is_cursor else None, is_marked)
    strip = self._lines.get(cache_key)
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
        self._lines.set(cache_key, strip)
    return strip


def header_strip(self) -> Strip:
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
