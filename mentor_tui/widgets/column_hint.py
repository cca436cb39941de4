"""The hint a table gives when its columns do not all fit its width (issue #22: nothing hidden
without a hint): "→ 2 more" at the right end of the header line, which stays on screen as the
rows scroll; scrolling right (the scrollbar, shift+wheel) shows them, and the hint counts down.

A column counts as hidden when it starts beyond what shows (under the hint included); when only
the last column shown is cut, the hint says " → more". PagedTable draws it in
``table_rendering.py``; every Textual ``DataTable`` gets it from ``seams.hint_data_tables``."""

from __future__ import annotations

from collections.abc import Iterable

from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip

ARROW = "→"
HINT_STYLE = Style(reverse=True, bold=True)


def hint_for(cells: Iterable[tuple[int, int]], scroll_x: int, width: int) -> str:
    """The hint for cells ((x, width) on the whole line) seen from ``scroll_x`` in ``width``
    cells: " → 2 more " for the columns that start beyond what shows (the hint's own cells
    included), " → more " when only the last column shown is cut, "" when all fit."""
    cells = list(cells)
    edge = scroll_x + width
    if all(x + w <= edge for x, w in cells):
        return ""
    for digits in (1, 2, 3):
        room = edge - len(f" {ARROW} {'9' * digits} more ")
        hidden = sum(1 for x, _w in cells if x >= room)
        if len(str(hidden)) <= digits:
            break
    return f" {ARROW} {hidden} more " if hidden else f" {ARROW} more "


def with_hint(strip: Strip, text: str, width: int, style: Style) -> Strip:
    """``strip`` (one header line ``width`` cells wide) with the hint ``text`` over its right
    end."""
    if not text or width <= len(text):
        return strip
    return Strip.join([strip.crop(0, width - len(text)), Strip([Segment(text, style)], len(text))])


__all__ = ["HINT_STYLE", "hint_for", "with_hint"]
