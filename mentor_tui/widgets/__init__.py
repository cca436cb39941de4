"""Reusable widgets: the paged table (and, beside it, the key footer, the status bar and figure
helpers).

The paged table's names are re-exported lazily: the status bar and the key footer are on the
first frame, the paged table is not (the dashboard has none), so importing a sibling module
does not load it (issue #4; ``tests/test_cli_lazy.py`` guards it)."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mentor_tui.widgets.paged_table import Column, PagedRow, PagedTable, PageSource

__all__ = ["Column", "PageSource", "PagedRow", "PagedTable"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        return getattr(importlib.import_module("mentor_tui.widgets.paged_table"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
