"""Reusable widgets: the paged table (and, beside it, the key footer, the status bar and figure
helpers)."""

from mentor_tui.widgets.paged_table import Column, PagedRow, PagedTable, PageSource

__all__ = ["Column", "PageSource", "PagedRow", "PagedTable"]
