"""Drawing a PagedTable's lines: the column layout for a width, the header, a row, a message.

Pure functions of the columns, the widths and the styles they are given; the table decides
what goes on which line and caches the strips. Cells are user text: shown literally, one line,
truncated with an ellipsis and padded to their column.
"""

from __future__ import annotations

from functools import lru_cache

from rich.cells import cell_len, set_cell_size
from rich.console import Console
from rich.errors import StyleSyntaxError
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.strip import Strip

from mentor_tui.core.text import clean_line, has_control
from mentor_tui.widgets.page_source import Column, PagedRow

MARK = "\u25cf "  # "● " in the marker column
NO_MARK = "  "
PLACEHOLDER = "\u2026"
ASCENDING = " \u25b2"
DESCENDING = " \u25bc"
MIN_FLEX_WIDTH = 4


def layout(columns: list[Column], width: int, markable: bool) -> tuple[list[tuple[int, int]], int]:
    """(x, width) of each column's cell for a content width, and the width of a whole line.

    Fixed columns keep their width; flexible ones share what is left, each at least wide enough
    for its label and a sort arrow (the line is then wider than the content and scrolls).
    """
    marker = len(NO_MARK) if markable else 0
    fixed = sum(column.width or 0 for column in columns)
    flexible = [column for column in columns if column.width is None]
    spare = width - marker - fixed - 2 * len(columns)
    minimums = [max(MIN_FLEX_WIDTH, len(column.label) + len(ASCENDING)) for column in flexible]
    shares: list[int]
    if flexible and spare >= sum(minimums):
        each, extra = divmod(spare, len(flexible))
        shares = [each + (1 if n < extra else 0) for n in range(len(flexible))]
        # Give what a narrow minimum could not use to the others, keeping every minimum.
        shares = [max(share, minimum) for share, minimum in zip(shares, minimums, strict=False)]
        overflow = sum(shares) - spare
        for n in range(len(shares)):
            if overflow <= 0:
                break
            take = min(overflow, shares[n] - minimums[n])
            shares[n] -= take
            overflow -= take
    else:
        shares = minimums
    flex_widths = iter(shares)
    cells: list[tuple[int, int]] = []
    x = marker
    for column in columns:
        cell_width = column.width if column.width is not None else next(flex_widths)
        cells.append((x + 1, cell_width))
        x += cell_width + 2
    return cells, max(x, width)


@lru_cache(maxsize=128)
def parse_style(style: str) -> Style:
    return Style.parse(style)


def cell_style(style: str | Style, console: Console) -> Style:
    """A cell's base style as a Style; a name the console does not know draws plain (as Rich
    draws it in a Text)."""
    if isinstance(style, Style):
        return style
    try:
        return parse_style(style)
    except StyleSyntaxError:
        return console.get_style(style, default=Style.null())


def clean_cell(cell: Text) -> Text:
    """A cell may not carry a newline or escape into the terminal; spans keep their places."""
    if not has_control(cell.plain) and "\n" not in cell.plain and "\t" not in cell.plain:
        return cell
    cleaned = Text(clean_line(cell.plain), style=cell.style, no_wrap=True)
    cleaned.spans[:] = cell.spans
    return cleaned


def cell_segments(
    cell: Text, width: int, align: str, style: Style, console: Console
) -> list[Segment]:
    """The cell cut to `width` (an ellipsis marks the cut) and padded on the side away from
    its alignment, in `style` under the cell's own style and spans."""
    if not cell.spans:  # the common case, without building a Text (the same segments)
        if cell.style:
            style = style + cell_style(cell.style, console)
        plain = cell.plain
        length = cell_len(plain)
        if length > width:
            plain = set_cell_size(plain, width - 1) + PLACEHOLDER
            length = cell_len(plain)
        if length < width:
            padding = " " * (width - length)
            plain = padding + plain if align == "right" else plain + padding
        return [Segment(plain, style or None)]
    text = cell.copy()
    text.end = ""
    text.truncate(width, overflow="ellipsis")
    text.align("right" if align == "right" else "left", width)
    return list(Segment.apply_style(text.render(console, end=""), style))


def header_strip(
    columns: list[Column],
    cells: list[tuple[int, int]],
    line_width: int,
    markable: bool,
    sort: tuple[str | None, bool],
    style: Style,
    console: Console,
) -> Strip:
    """The column labels, with an arrow on the sorted column (`sort`: key, descending)."""
    sort_key, descending = sort
    segments: list[Segment] = []
    if markable:
        segments.append(Segment(NO_MARK, style))
    for column, (_, width) in zip(columns, cells, strict=False):
        arrow = ""
        if column.key == sort_key:
            arrow = DESCENDING if descending else ASCENDING
        label = Text(clean_line(column.label), no_wrap=True)
        label.truncate(max(0, width - len(arrow)), overflow="ellipsis")
        label.append(arrow)
        segments.append(Segment(" ", style))
        segments.extend(cell_segments(label, width, column.align, style, console))
        segments.append(Segment(" ", style))
    return Strip(segments).adjust_cell_length(line_width, style)


def row_strip(
    columns: list[Column],
    cells: list[tuple[int, int]],
    line_width: int,
    markable: bool,
    row: PagedRow | None,
    styles: tuple[Style, Style | None, Style | None, Style],
    console: Console,
) -> Strip:
    """One row, or a dim placeholder while its page is on the way. `styles`: the table's, the
    cursor's (None: not the cursor row), the marked one's (None: not marked), the placeholder's."""
    style, cursor, marked, placeholder = styles
    if row is not None and row.style:
        style += parse_style(row.style)
    if marked is not None:
        style += marked
    segments: list[Segment] = []
    if markable:
        segments.append(Segment(MARK if marked is not None else NO_MARK, style))
    if row is None:
        segments.append(Segment(" ", style))
        segments.append(Segment(PLACEHOLDER, style + placeholder))
    else:
        blank = Text("")
        for n, (column, (_, width)) in enumerate(zip(columns, cells, strict=False)):
            cell = row.cells[n] if n < len(row.cells) else blank
            segments.append(Segment(" ", style))
            segments.extend(cell_segments(clean_cell(cell), width, column.align, style, console))
            segments.append(Segment(" ", style))
    if cursor is not None:
        segments = list(Segment.apply_style(segments, post_style=cursor))
        style += cursor
    return Strip(segments).adjust_cell_length(line_width, style)


def message_strip(message: str, line_width: int, style: Style, console: Console) -> Strip:
    """A line saying why there are no rows (loading, empty, failed), in `style`."""
    text = Text(clean_line(message), no_wrap=True)
    text.truncate(max(1, line_width - 1), overflow="ellipsis")
    segments = [Segment(" ", style), *text.render(console, end="")]
    segments = list(Segment.apply_style(segments, style))
    return Strip(segments).adjust_cell_length(line_width, style)
