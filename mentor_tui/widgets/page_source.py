"""What a PagedTable shows and how its rows arrive: the column and row types, the `PageSource`
protocol a screen implements, and the worker-side page loader with its bounded page cache.

Nothing here draws: the loader runs in a worker thread and hands its results to the table as
messages; the cache lives on the UI thread.
"""

from __future__ import annotations

import threading
from bisect import bisect_left
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from rich.text import Text
from textual.message import Message


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    width: int | None = None  # None: flexible, shares the width the fixed columns leave
    align: str = "left"  # or "right"
    sortable: bool = True

    def __post_init__(self) -> None:
        if self.width is not None and self.width < 1:
            raise ValueError(f"Column {self.key!r} needs a width of at least 1.")
        if self.align not in ("left", "right"):
            raise ValueError(f"Column {self.key!r} aligns 'left' or 'right', not {self.align!r}.")


@dataclass(frozen=True)
class PagedRow:
    key: str
    cells: tuple[Text, ...]  # shown as given: never parsed as markup
    style: str = ""  # a Rich style for the whole row, e.g. "bold red"


@runtime_checkable
class PageSource(Protocol):
    """Rows for a PagedTable. Its methods are called from a worker thread, never the UI thread.

    A source may also define `index_of(key: str) -> int | None`; with it,
    `set_source(..., keep_cursor_key=True)` puts the cursor back on the same row. A source
    with `pages_before_count = True` has its first page read and painted before it is
    counted (a list that fits on that page is never counted): the count follows.
    """

    def count(self) -> int: ...

    def fetch(self, offset: int, limit: int) -> list[PagedRow]: ...


class CountLoaded(Message, bubble=False):
    def __init__(
        self,
        generation: int,
        count: int,
        key_index: int | None,
        first_page: int | None = None,
        rows: list[PagedRow] | None = None,
    ) -> None:
        super().__init__()
        self.generation = generation
        self.count = count
        self.key_index = key_index
        self.first_page = first_page  # the page the loader fetches next, unasked
        # that page itself when it came first and held every row (`pages_before_count`): the
        # rows and their count painted together, in one message, so in the same frame
        self.rows = rows


class FirstRows(Message, bubble=False):
    """The first page of a source read before its count (`pages_before_count`): the table
    shows them at once, the count (`CountLoaded`) follows."""

    def __init__(self, loader: PageLoader, rows: list[PagedRow]) -> None:
        super().__init__()
        self.loader = loader
        self.rows = rows


class PageLoaded(Message, bubble=False):
    def __init__(self, loader: PageLoader, page: int, rows: list[PagedRow]) -> None:
        super().__init__()
        self.loader = loader
        self.page = page
        self.rows = rows


class LoadError(Message, bubble=False):
    def __init__(self, generation: int, error: str) -> None:
        super().__init__()
        self.generation = generation
        self.error = error


def describe(error: BaseException) -> str:
    return str(error) or type(error).__name__


# `first_page` for a table that opens on its last rows (the newest messages of a conversation):
# the page is known once the rows are counted.
LAST_PAGE = -1


class PageLoader:
    """Loads the count, then whichever pages the table wants now, for one source.

    One loader per source generation. Right after the count it fetches the page the table will
    show first (`first_page`, the page at the top of the viewport) without waiting for the table
    to ask, which spares a round trip through the UI thread before the first rows. The table
    replaces the wanted list as the viewport moves, so a page scrolled past before its turn is
    never fetched. Everything the worker thread shares with the UI thread sits behind `_lock`;
    results go back as messages only.
    """

    def __init__(
        self,
        source: PageSource,
        generation: int,
        page_size: int,
        post: Callable[[Message], bool],
        find_key: str | None,
        first_page: int | None = 0,
        *,
        counted: bool = False,
    ) -> None:
        self.source = source
        self.generation = generation
        self._page_size = page_size
        self._post = post
        self._find_key = find_key
        # A cursor that follows its key lands on a page only the count's lookup tells.
        follows_key = find_key is not None and callable(getattr(source, "index_of", None))
        self._first_page = None if follows_key else first_page
        # the first page before the count: a source that asks for it, from the top of the list
        self._page_first = (
            getattr(source, "pages_before_count", False) is True and self._first_page == 0
        )
        self._lock = threading.Lock()
        self._wanted: list[int] = []
        self._pending: set[int] = set()  # taken by the thread, not yet stored by the table
        self._counted = counted  # True: the table knows the count, the loader only fetches
        self._running = False
        self._stopped = False  # cancelled, or failed

    def want(self, pages: list[int]) -> bool:
        """Replace the wanted pages; True when the caller must start a worker running `run`."""
        with self._lock:
            if self._stopped:
                return False
            self._wanted = [page for page in pages if page not in self._pending]
            if self._running or (self._counted and not self._wanted):
                return False
            self._running = True
            return True

    def stored(self, page: int) -> None:
        with self._lock:
            self._pending.discard(page)

    def cancel(self) -> None:
        with self._lock:
            self._stopped = True
            self._wanted.clear()

    def run(self) -> None:
        """The worker thread's body."""
        try:
            if not self._counted and self._page_first:
                self._page_then_count()
            elif not self._counted:
                self._count()
            while True:
                with self._lock:
                    if self._stopped or not self._wanted:
                        self._running = False
                        return
                    page = self._wanted.pop(0)
                    self._pending.add(page)
                self._post(PageLoaded(self, page, self._fetch(page)))
        except Exception as error:
            with self._lock:
                self._stopped = True
                self._running = False
            self._post(LoadError(self.generation, describe(error)))
            raise

    def _fetch(self, page: int) -> list[PagedRow]:
        return list(self.source.fetch(page * self._page_size, self._page_size)[: self._page_size])

    def _page_then_count(self) -> None:
        """The first page, posted at once; then the count, unless the page held every row."""
        with self._lock:
            self._pending.add(0)
        rows = self._fetch(0)
        if len(rows) < self._page_size:  # the whole list: its count is the page's
            with self._lock:
                self._counted = True
            self._post(CountLoaded(self.generation, len(rows), None, 0, rows))
            return
        self._post(FirstRows(self, rows))
        with self._lock:
            if self._stopped:  # a newer source: its count is not needed
                return
        count = self.source.count()
        with self._lock:
            self._counted = True
        self._post(CountLoaded(self.generation, count, None, None))

    def _count(self) -> None:
        # Count, then fetch, on this one thread: the queries share one pooled connection (the
        # figures they need are kept for the whole process: see `core/memo.py`).
        count = self.source.count()
        key_index = None
        index_of = getattr(self.source, "index_of", None)
        if self._find_key is not None and callable(index_of):
            key_index = index_of(self._find_key)
        first = self._first_page
        if first == LAST_PAGE:
            first = max(0, count - 1) // self._page_size
        with self._lock:
            self._counted = True
            if self._stopped or first is None or first * self._page_size >= count:
                first = None
            else:
                self._pending.add(first)  # so that the table, told the count, does not ask
        self._post(CountLoaded(self.generation, count, key_index, first))
        if first is not None:
            self._post(PageLoaded(self, first, self._fetch(first)))


class PageCache:
    """The most recently used pages; adding one past `maxsize` drops the least recently used."""

    def __init__(self, maxsize: int) -> None:
        self.maxsize = maxsize
        self._pages: OrderedDict[int, list[PagedRow]] = OrderedDict()

    def __contains__(self, page: int) -> bool:
        return page in self._pages

    def __len__(self) -> int:
        return len(self._pages)

    def get(self, page: int) -> list[PagedRow] | None:
        rows = self._pages.get(page)
        if rows is not None:
            self._pages.move_to_end(page)
        return rows

    def set(self, page: int, rows: list[PagedRow]) -> None:
        self._pages[page] = rows
        self._pages.move_to_end(page)
        while len(self._pages) > self.maxsize:
            self._pages.popitem(last=False)

    def peek(self, page: int) -> list[PagedRow] | None:
        """The page's rows without making it recently used."""
        return self._pages.get(page)

    def clear(self) -> None:
        self._pages.clear()

    def remove_keys(self, keys: set[str], page_size: int) -> list[int] | None:
        """Drop the rows of `keys`, moving later rows up; the removed rows' old indices, sorted.

        None (and nothing changed) when a key is in no cached page: where it stood, and so where
        every later row now stands, is unknown. Each run of consecutive cached pages closes up
        on its own; a page it can no longer fill from the front (rows that were removed before
        it moved it onto an uncached page's rows) is dropped, and its last page may be left
        short: the rows that belong at its end were on a page that is not cached.
        """
        located: dict[int, str] = {}
        for page, rows in self._pages.items():
            for offset, row in enumerate(rows):
                if row.key in keys:
                    located[page * page_size + offset] = row.key
        if set(located.values()) != keys:
            return None
        removed = sorted(located)
        recency = list(self._pages)  # least recently used first
        rebuilt: dict[int, list[PagedRow]] = {}
        run: list[int] = []
        for page in [*sorted(self._pages), None]:
            if run and (page is None or page != run[-1] + 1):
                start = run[0] * page_size
                rows = [row for number in run for row in self._pages[number] if row.key not in keys]
                new_start = start - bisect_left(removed, start)
                skip = -new_start % page_size  # rows before the first page boundary
                first = (new_start + skip) // page_size
                for n in range(skip, len(rows), page_size):
                    rebuilt[first + (n - skip) // page_size] = rows[n : n + page_size]
                run = []
            if page is not None:
                run.append(page)
        self._pages = OrderedDict(
            [(page, rebuilt.pop(page)) for page in recency if page in rebuilt]
            + sorted(rebuilt.items())
        )
        return removed

    def rows_held(self) -> int:
        return sum(len(rows) for rows in self._pages.values())
