"""The hint a table gives when its columns do not all fit its width (issue #22: nothing hidden
without a hint): "→ 2 more" at the right end of the header line, which stays on screen as the
rows scroll; scrolling right (`shift+→`, the scrollbar) shows them, and the hint counts down.

A column counts as hidden while any part of it is beyond the right edge. PagedTable draws it in
``table_rendering.py``; every Textual ``DataTable`` gets it from ``seams.hint_data_tables``."""

from __future__ import annotations

from collections.abc import Iterable

from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip

ARROW = "→"
HINT_STYLE = Style(reverse=True, bold=True)


def hidden_right(cells: Iterable[tuple[int, int]], scroll_x: int, width: int) -> int:
    """How many of the cells ((x, width) on the whole line) end beyond ``scroll_x + width``."""
    edge = scroll_x + width
    return sum(1 for x, w in cells if x + w > edge)


def hint_text(hidden: int) -> str:
    return f" {ARROW} {hidden} more " if hidden else ""


def with_hint(strip: Strip, hidden: int, width: int, style: Style) -> Strip:
    """``strip`` (one header line ``width`` cells wide) with the hint over its right end."""
    text = hint_text(hidden)
    if not text or width <= len(text):
        return strip
    return Strip.join([strip.crop(0, width - len(text)), Strip([Segment(text, style)], len(text))])


__all__ = ["HINT_STYLE", "hidden_right", "hint_text", "with_hint"]
