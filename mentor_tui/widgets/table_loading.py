"""Which pages a PagedTable loads, and what it does with what arrives: a new generation of
loader for every source (`set_source`, `reload`), the pages near the viewport and one screen
ahead, the count, the pages and the errors the loader posts, and rows a screen took out
itself (`remove_rows`). The loader and the page cache are in `page_source.py`.

These are methods of `PagedTable` (``self`` is the table), written as plain functions and bound
by name in its class body (``_wanted_pages = table_loading.wanted_pages``): the same code as if
written there, with no call in between, and the class keeps its bases.
"""

from __future__ import annotations

import asyncio
from bisect import bisect_left
from collections.abc import Iterable

from rich.style import Style
from textual import on
from textual.cache import LRUCache
from textual.message import Message
from textual.strip import Strip

from mentor_tui.widgets.page_source import (
    LAST_PAGE,
    CountLoaded,
    FirstRows,
    LoadError,
    PagedRow,
    PageLoaded,
    PageLoader,
    PageSource,
)
from mentor_tui.widgets.seams import refresh_keeping_moved_lines

# How long a new source may take before the table shows its rows as loading: what was on screen
# stays until then (a person does not notice 100 ms; a filter key's rows come well within it).
LOADING_PAINT_DELAY = 0.1
# How long after its frame a table whose rows were taken out (`remove_rows`) reads the page they
# left short again.
REFILL_DELAY = 0.05


def remove_rows(self, keys: Iterable[str]) -> bool:
    """Take the rows of `keys` out of the list at once, without reading the source again:
    later rows move up, the count goes down (CountChanged is posted) and the cursor stays
    on its row, or on the next one if its own was removed. Nothing shows as loading.

    For a change the screen made itself (e.g. the rows were decided); a later `reload` or a
    recount still reconciles. When a row is not loaded (its place is unknown) or the count
    is not known yet (or only a first page's rows stand for it), this reloads instead and
    returns False.
    """
    wanted = set(keys)
    if not wanted:
        return True
    top, cursor_before = int(self.scroll_y), self.cursor_index
    width = self.scrollable_content_region.width
    if not self._count_exact or self._source is None or self._failure is not None:
        self.reload()
        return False
    removed = self._pages.remove_keys(wanted, self._page_size)
    if removed is None:
        self.reload()
        return False
    self._marked -= wanted
    self._paint_with_page = None  # repainted below
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
    self.set_reactive(type(self).cursor_index, self.validate_cursor_index(cursor))
    self._scroll_cursor_into_view()
    if self.scrollable_content_region.width == width:
        moved = moved_lines(self, removed, top, cursor_before)
        refresh_keeping_moved_lines(self, moved)  # the rows that moved up: not drawn again
    else:
        self.refresh()
    self.post_message(self.CountChanged(self, self._row_count))
    self._post_highlight()
    # Rows to read again (a page left short) are read a moment after this frame is painted: the
    # rows on screen are held already, and a read now would compete with the frame, and with
    # the work that follows it (the screen's own), for the interpreter.
    self.call_after_refresh(self.set_timer, REFILL_DELAY, self._request_visible)
    return True


def moved_lines(self, removed: list[int], top: int, cursor_before: int) -> dict[int, int]:
    """The lines that show, after the rows at ``removed`` (sorted) were taken out, what another
    line showed before (the list scrolled to ``top`` and its cursor on ``cursor_before``
    then): {line now: line before}, the header's included; the cursor's rows, then and now,
    are drawn again."""
    moved = {0: 0}
    now_top, cursor = int(self.scroll_y), self.cursor_index
    rows = self._rows_on_screen()
    for y in range(1, rows + 1):
        index = now_top + y - 1
        if index >= self._row_count:
            break
        before = index
        for gone in removed:  # the index the row had before
            if gone > before:
                break
            before += 1
        line = before - top + 1
        if index != cursor and before != cursor_before and 1 <= line <= rows:
            moved[y] = line
    return moved


def new_generation(
    self,
    source: PageSource,
    *,
    find_key: str | None,
    at_top: bool,
    first_rows: list[PagedRow] | None = None,
) -> None:
    if self._loader is not None:
        self._loader.cancel()
    self._generation += 1
    self._source = source
    self._count_known = False
    self._count_exact = False
    self._paint_with_page = None
    self._failure = None
    self._pages.clear()
    self._pages.maxsize = self._cache_pages
    self._lines.clear()
    # The page the loader fetches right after the count: the top of the viewport-to-be (the
    # last page for a table that opens at its end, when no cursor row is kept).
    self._to_end = self._start_at_end and find_key is None and (at_top or self.cursor_key is None)
    given = first_rows is not None and len(first_rows) >= self._page_size and not self._to_end
    if self._to_end:
        first_page: int | None = LAST_PAGE
    elif given:
        first_page = None  # the first page is here: the loader counts, and reads no page
    else:
        first_page = 0 if at_top or not self.is_mounted else int(self.scroll_y) // self._page_size
    self._loader = PageLoader(
        source, self._generation, self._page_size, self._post_from_loader, find_key, first_page
    )
    if self.is_mounted:
        self._start_loader(self._loader)  # (given the first rows: no page is wanted yet)
        # What is on screen stays until the count and the first page arrive, painted together
        # (a filter key paints the table once); a source slower than a person notices shows
        # its placeholders first.
        generation = self._generation
        self.set_timer(LOADING_PAINT_DELAY, lambda: paint_loading(self, generation))
    if given and first_rows is not None:  # painted now, as a first page read before the count
        show_first_rows(self, first_rows[: self._page_size])


def load_now(self) -> None:
    """Start reading the source before the table is mounted: from the ``compose`` of a screen
    being shown, whose widgets then mount while the first rows are read (the rows that come
    in time are painted with the screen's first frame). Mounted, a table reads by itself."""
    if self._loader is not None and not self.is_mounted:
        self._ui_loop = asyncio.get_running_loop()
        self._start_loader(self._loader)


def post_from_loader(self, message: Message) -> bool:
    """The loader's messages, from its worker thread. A table not mounted yet has no parent
    through which the thread could find the app (and its loop): those go through the loop
    that `load_now` was called on, to be posted from the UI thread."""
    loop = self._ui_loop
    if loop is None:
        return self.post_message(message)
    loop.call_soon_threadsafe(self.post_message, message)
    return True


def paint_loading(self, generation: int) -> None:
    """Show the rows of a source not counted yet as loading (placeholders)."""
    if generation == self._generation and (
        not self._count_known or self._paint_with_page is not None
    ):
        self._paint_with_page = None
        self.refresh()


def start_loader(self, loader: PageLoader) -> None:
    if loader.want(self._wanted_pages()):
        self.run_worker(
            loader.run,
            name=f"load rows ({type(loader.source).__name__})",
            group="paged-table",
            thread=True,
            exit_on_error=False,
        )


def wanted_pages(self) -> list[int]:
    """Pages with visible rows that are not cached, then those of the next screen of rows.

    Looking one screen ahead keeps paging down and scrolling free of placeholders, and a
    list that just opened (or was filtered) fetches only its first page, not the next too.
    """
    if not self._count_known or self._row_count == 0:
        return []
    rows = self._rows_on_screen()
    top = self._row_count - rows if self._end_scroll_pending else int(self.scroll_y)
    first = min(max(0, top), self._row_count - 1)
    ahead = min(self._row_count - 1, first + 2 * rows - 1)
    size = self._page_size
    pages = list(range(first // size, ahead // size + 1))
    # A screen taller than the cache would evict its own rows forever: hold one screen.
    self._pages.maxsize = max(self._pages.maxsize, len(pages))
    return [page for page in pages if not self._page_complete(page)]


def page_complete(self, page: int) -> bool:
    """Cached with every row it holds (one is left short when rows before it are removed)."""
    rows = self._pages.peek(page)
    if rows is None:
        return False
    return len(rows) >= min(self._page_size, self._row_count - page * self._page_size)


def request_visible(self) -> None:
    if self._loader is not None and self.is_mounted:
        self._start_loader(self._loader)


@on(CountLoaded)
def count_loaded(self, message: CountLoaded) -> None:
    message.stop()
    if message.generation != self._generation:
        return
    provisional = self._count_known and not self._count_exact  # its first page is painted
    to_end = self._to_end
    self._row_count = message.count
    self._count_known = True
    self._count_exact = True
    self._update_virtual_size()
    if message.key_index is not None:
        self.cursor_index = message.key_index
    elif to_end:  # the last row, its page on its way (`first_page`)
        self._to_end = False
        self.cursor_index = message.count - 1
    else:
        self.cursor_index = self.cursor_index  # validated again: clamped to the new count
    self._scroll_cursor_into_view()
    if provisional:
        pass  # the rows on screen are painted: only the scrollbar changes, with the size
    elif message.first_page is None:
        self.refresh()
    elif message.rows is not None:  # the whole list, come with its count: painted now
        if self._loader is not None:
            self._loader.stored(message.first_page)
        self._pages.set(message.first_page, message.rows)
        self.refresh()
    else:
        # The rows of the page on its way are painted with it, in one repaint of the table
        # (placeholders first only if it is slower than a person notices).
        self._paint_with_page = message.first_page
        generation = self._generation
        self.set_timer(LOADING_PAINT_DELAY, lambda: paint_loading(self, generation))
    self.post_message(self.CountChanged(self, message.count))
    self._post_highlight()
    if to_end:
        # the scrollbar that lets the table scroll to its end comes with the next layout:
        # until then the pages wanted are those of the end (`wanted_pages`)
        self._end_scroll_pending = True
        self.call_after_refresh(lambda: scroll_to_end(self))
    if provisional:
        # The rows on screen came with the first page: the pages wanted now are those of the
        # next screen, read once this frame is out (a read now competes with it for the GIL).
        self.call_after_refresh(self._request_visible)
    else:
        self._request_visible()


def scroll_to_end(self) -> None:
    """A table that opened at its end, laid out with its rows: scroll the cursor into view."""
    self._end_scroll_pending = False
    self._scroll_cursor_into_view()
    self._request_visible()


@on(FirstRows)
def first_rows(self, message: FirstRows) -> None:
    """A new source's first page before its count: painted now, as if the list ended there
    (the cursor and the rows on screen are all in it); the count says where it ends."""
    message.stop()
    message.loader.stored(0)
    if message.loader is not self._loader or self._count_known:
        return
    show_first_rows(self, message.rows)


def show_first_rows(self, rows: list[PagedRow]) -> None:
    """Paint the first page of a source not counted yet (see `first_rows`)."""
    self._pages.set(0, rows)
    self._row_count = len(rows)
    self._count_known = True
    self._count_exact = False
    self._paint_with_page = None
    if self.virtual_size.height < len(rows) + 1:
        self._update_virtual_size()
    # else the scrollbar keeps the last count's size until this one's count: a full page
    # fills the viewport either way, and a letter that keeps the count moves no scrollbar
    self.cursor_index = self.cursor_index  # validated again: clamped to the rows there are
    self._scroll_cursor_into_view()
    self.refresh()
    self._post_highlight()


@on(PageLoaded)
def page_loaded(self, message: PageLoaded) -> None:
    message.stop()
    message.loader.stored(message.page)
    if message.loader is not self._loader:
        return  # an older source's answer
    self._pages.set(message.page, message.rows)
    if message.page == self._paint_with_page:  # the first page of a new count: all of it
        self._paint_with_page = None
        self.refresh()
    else:
        # Lines are cached only for loaded rows, so no cached line is stale: repaint only the
        # lines of this page that are on screen (none, for a page fetched ahead).
        self._refresh_rows(message.page * self._page_size, len(message.rows))
    self._post_highlight()
    self._request_visible()


@on(LoadError)
def load_error(self, message: LoadError) -> None:
    message.stop()
    if message.generation != self._generation:
        return
    self._failure = message.error
    self._paint_with_page = None
    self.refresh()
    self.post_message(self.LoadFailed(self, message.error))


def on_unmount(self) -> None:
    if self._loader is not None:
        self._loader.cancel()


def on_mount(self) -> None:
    if self._loader is not None:
        self._start_loader(self._loader)
