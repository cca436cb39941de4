"""The hint a table gives when its columns do not all fit its width (issue #22: nothing hidden
without a hint): "→ 2 more" at the right end of the header line, which stays on screen as the
rows scroll; scrolling right (the scrollbar, shift+wheel) shows them, and the hint counts down.
Scrolled right, the columns that went out at the left are hinted at the left end: " ← 2 ".

A column counts as hidden when it starts beyond what shows (under the hint included); when only
the last column shown is cut, the hint says " → more". PagedTable draws it in
``table_rendering.py``; every Textual ``DataTable`` gets it from ``seams.hint_data_tables``."""

from __future__ import annotations

from collections.abc import Iterable

from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip

ARROW = "→"
LEFT_ARROW = "←"
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


def left_hint_for(cells: Iterable[tuple[int, int]], scroll_x: int) -> str:
    """The hint for the columns of ``cells`` whose start is out of sight at the left when the
    line is seen from ``scroll_x`` (under the hint's own cells included): " ← 2 ", or ""."""
    if scroll_x <= 0:
        return ""
    starts = [x for x, _w in cells]
    for digits in (1, 2, 3):
        room = scroll_x + len(f" {LEFT_ARROW} {'9' * digits} ")
        hidden = sum(1 for x in starts if x < room)
        if len(str(hidden)) <= digits:
            break
    return f" {LEFT_ARROW} {hidden} " if hidden else ""


def with_hint(strip: Strip, text: str, width: int, style: Style, left: str = "") -> Strip:
    """``strip`` (one header line ``width`` cells wide) with the hint ``text`` over its right
    end and ``left`` over its left end; a hint with no room beside the other is left out."""
    if width <= len(text) + len(left):
        left = ""
    if width <= len(text):
        text = ""
    if not text and not left:
        return strip
    parts = []
    if left:
        parts.append(Strip([Segment(left, style)], len(left)))
    parts.append(strip.crop(len(left), width - len(text)))
    if text:
        parts.append(Strip([Segment(text, style)], len(text)))
    return Strip.join(parts)


__all__ = ["HINT_STYLE", "hint_for", "left_hint_for", "with_hint"]
