"""The review queue's rows: the table's columns and the `PageSource` that reads the pending
submissions a page at a time (the first page read ahead while the screen is built), oldest
first, with the time left to the review SLA.

The first page is painted before the queue is counted (``pages_before_count``): counting
100,000 pending items is work the first rows need not wait for (issue #21). While the screen
is built, `warm` reads the first page and then counts; the table's first load takes the page
as soon as it is read, and the count once it is counted.

Pages are keyset pages (`core.reviews.queue_pages`): the source remembers the queue key of the
first and last row of every page it read (bookmarks, by row index), and reads a page from the
nearest bookmark, or from either end of the queue, whichever is closest: `pagedown` reads on
from the page above, `end` reads the last rows backwards, and neither counts the items before
them. A decision's rows taken out of the list move the bookmarks after them up (`removed`);
a recount (a reload, a new filter) forgets them."""

from __future__ import annotations

import threading
from bisect import bisect_left
from dataclasses import replace
from typing import TYPE_CHECKING
from weakref import WeakKeyDictionary

from rich.text import Text
from sqlalchemy.exc import SQLAlchemyError

from mentor_tui.config import Config
from mentor_tui.core import clock
from mentor_tui.core.access import Actor
from mentor_tui.core.memo import changed_since, session_stamp
from mentor_tui.core.reviews.decisions import submission_preview
from mentor_tui.core.reviews.queue import QueueItem, count_queue
from mentor_tui.core.reviews.queue_pages import (
    QueueKey,
    items_after,
    items_before,
    landing_after,
    queue_key,
)
from mentor_tui.core.services import Services
from mentor_tui.errors import UserError
from mentor_tui.widgets.figures import local_time, user_text
from mentor_tui.widgets.paged_table import Column, PagedRow

if TYPE_CHECKING:
    from sqlmodel import Session

COLUMNS = [
    Column("student", "Student", width=None, sortable=False),
    Column("assignment", "Assignment", width=None, sortable=False),
    # one cell: the peer review's verdict as a sign (✓ ✗ ~), which the preview's header names
    Column("peer", "", width=1, sortable=False),
    Column("submitted", "Date", width=6, sortable=False),  # the day it came in
    Column("left", "Time left", width=12, sortable=False),
]
PAGE_SIZE = 50  # a page of 50 rows reads in a third of the time of 200; a screen holds ~36

# The unfiltered queue's first page, read by the app's preload worker (`warm_up_queries`), by
# services: (the store file, actor id and role, SLA hours), the store's stamp before the read,
# the items. An open while the store has not changed since paints it in its first frame without
# a read, and so without waiting for one (issue #21); any commit to the store leaves it unused.
_KeptPage = tuple[tuple[object, str, str, int], tuple[str, tuple[int, int]], list[QueueItem]]
_first_pages: WeakKeyDictionary[Services, _KeptPage] = WeakKeyDictionary()


def peer_cell(item: QueueItem) -> Text:
    """The verdict of the item's peer review as a sign (the core's ✓ ✗ ~): bold while it waits
    for the mentor, dim and struck through once they overrode it; empty without one."""
    mark = item.peer
    if mark is None:
        return Text("")
    return Text(mark.sign, style="bold" if mark.outcome == "pending" else "dim strike")


def time_left(item: QueueItem) -> Text:
    if item.overdue:
        return Text(f"overdue {clock.humanize_delta(item.time_left)}", style="bold red")
    return Text(f"{clock.humanize_delta(item.time_left)} left")


class QueueSource:
    """Pages of the queue for the table; called from the table's worker thread. Every item it
    fetched is remembered (by id) so a decision knows where the cursor stood."""

    pages_before_count = True  # the first rows are painted, then the count follows

    @property
    def config(self) -> Config:
        """The settings as they are now (a pull may change the review SLA while it is open)."""
        return self.services.config

    def __init__(
        self,
        services: Services,
        actor: Actor,
        items: dict[str, QueueItem],
        *,
        text_filter: str = "",
    ) -> None:
        self.services = services
        self.actor = actor
        self.items = items
        self.text_filter = text_filter
        # The first page and the count read by `warm` while the screen is built: the first
        # load uses them instead of reading again, each as soon as `warm` has it.
        self.expected_count: int | None = None
        self.prefetched: dict[tuple[int, int], list[QueueItem]] = {}
        # the first page's rows, made from its items in the worker too: the UI thread, which
        # waits for them, does not make 50 rows' cells (1-2 ms of its CPU, issue #21)
        self._warm_rows: list[PagedRow] | None = None
        self._warm_page = threading.Event()
        self._warm_page.set()
        self._warm_count = threading.Event()
        self._warm_count.set()
        # Row index -> the queue key of the row there: the first and last rows of every page
        # read, and the count they go with; `_epoch` moves on when rows are taken out, so a
        # page read before that does not leave bookmarks at the old indices.
        self._lock = threading.Lock()
        self._marks: dict[int, QueueKey] = {}
        self._count: int | None = None
        self._epoch = 0

    def warming(self) -> None:
        """On the UI thread, before `warm` is started: the table's first load waits for it.
        The first page the preload worker read (`warm_up_queries`) is taken now if the store
        has not changed since (one PRAGMA), with the time left as of now: `first_rows_now`
        has it without waiting and `warm` only counts (issue #21). Else `warm` reads it."""
        self._warm_page.clear()
        self._warm_count.clear()
        kept = _first_pages.get(self.services)
        if self.text_filter or kept is None or kept[0] != self._kept_key():
            return
        if changed_since(kept[1]):
            return
        now = clock.now()
        items = [replace(i, overdue=i.due_by < now, time_left=i.due_by - now) for i in kept[2]]
        with self._lock:  # the bookmarks `read` would leave: the next page reads on from here
            self._marks[0] = queue_key(items[0])
            self._marks[len(items) - 1] = queue_key(items[-1])
        self._warm_rows = [self._row(item) for item in items]
        self.prefetched[(0, PAGE_SIZE)] = items
        self._warm_page.set()  # nothing for `warm` to read: the table counts, reads no page

    def keep_first_page(self, session: Session) -> None:
        """In the preload worker: read the unfiltered queue's first page for the first open
        (`warming`), a page that holds the whole queue aside (the table counts it)."""
        stamp = session_stamp(session)  # before the read: a commit during it leaves it old
        if stamp is None or self.text_filter:
            return
        items = self.read(session, 0, PAGE_SIZE)
        if len(items) == PAGE_SIZE:
            _first_pages[self.services] = (self._kept_key(), stamp, items)

    def _kept_key(self) -> tuple[object, str, str, int]:
        hours = self.config.assignment_review_sla_hours
        return (self.services.db_path, self.actor.id, self.actor.role, hours)

    def warm(self) -> None:
        """In a worker started as the screen composes: read the first page, then count, while
        the screen is built and first painted, instead of after (the table's loader starts
        then). The page is handed over as soon as it is read: the count does not hold it."""
        try:
            self.services.run(self._warm_in)
        except (SQLAlchemyError, UserError):
            pass  # the table's own load reads again and reports what went wrong
        finally:
            self._warm_page.set()
            self._warm_count.set()

    def _warm_in(self, session: Session) -> None:
        try:
            if not self._warm_page.is_set():  # else kept by the preload (`warming`)
                items = self.read(session, 0, PAGE_SIZE)
                self._warm_rows = [self._row(item) for item in items]
                self.prefetched[(0, PAGE_SIZE)] = items
        finally:
            self._warm_page.set()
        self.expected_count = self.count_now(session)

    def first_rows_now(self, wait: float) -> list[PagedRow] | None:
        """On the UI thread, as the screen mounts: the first page `warm` read, as rows, once it
        is read (waiting at most ``wait`` seconds). The table paints them with the screen's
        first frame and reads no first page itself, instead of painting an empty list first and
        the rows a layout and a repaint later (issue #21). None when not read in time, or when
        the page holds the whole queue (the table's own load counts it from the page)."""
        if not self._warm_page.wait(timeout=wait):
            return None
        items, rows = self.prefetched.get((0, PAGE_SIZE)), self._warm_rows
        if items is None or rows is None or len(items) < PAGE_SIZE:
            return None
        del self.prefetched[(0, PAGE_SIZE)]
        self._warm_rows = None
        for item in items:
            self.items[item.id] = item
        return rows

    def count(self) -> int:
        self._warm_count.wait(timeout=60)
        expected, self.expected_count = self.expected_count, None
        if expected is None:  # counted again: the rows may have moved since the bookmarks
            expected = self.services.run(self.count_now)
            with self._lock:
                self._marks.clear()
                self._epoch += 1
        with self._lock:
            self._count = expected
        return expected

    def removed(self, ids: list[str]) -> None:
        """On the UI thread: the table took the rows of ``ids`` out of its list itself (all of
        them loaded rows, so read here). Every bookmark after them moves up as many rows."""
        gone = sorted(queue_key(self.items[i]) for i in ids if i in self.items)
        with self._lock:
            self._epoch += 1
            marks: dict[int, QueueKey] = {}
            for index, key in self._marks.items():
                if key not in gone:
                    marks[index - bisect_left(gone, key)] = key
            self._marks = marks
            if self._count is not None:
                self._count -= len(gone)

    def count_now(self, session: Session) -> int:
        return count_queue(session, self.actor, text_filter=self.text_filter, config=self.config)

    def fetch(self, offset: int, limit: int) -> list[PagedRow]:
        if (offset, limit) == (0, PAGE_SIZE):
            self._warm_page.wait(timeout=60)
        items = self.prefetched.pop((offset, limit), None)
        if items is None:
            items = self.services.run(lambda s: self.read(s, offset, limit))
        for item in items:
            self.items[item.id] = item
        return [self._row(item) for item in items]

    def read(self, session: Session, offset: int, limit: int) -> list[QueueItem]:
        """The rows ``offset`` to ``offset + limit``, read from the nearest place whose key is
        known: a bookmark before or after them, or the start or the end of the queue."""
        with self._lock:
            epoch, count, marks = self._epoch, self._count, dict(self._marks)
        end = offset + limit
        # (distance, how): rows to pass over from each known place
        ways: list[tuple[int, int, QueueKey | None, bool]] = [(offset, -1, None, True)]
        if count is not None and end >= count:
            ways.append((0, count, None, False))  # the end: the last rows, backwards
        elif count is not None:
            ways.append((count - end, count, None, False))
        ways += [
            (offset - index - 1, index, key, True) for index, key in marks.items() if index < offset
        ]
        ways += [(index - end, index, key, False) for index, key in marks.items() if index >= end]
        distance, place, key, later = min(ways, key=lambda way: way[0])
        common = {"text_filter": self.text_filter, "config": self.config}
        if later:
            items = items_after(session, self.actor, key, limit, skip=distance, **common)
        else:  # the rows between `offset` and `place`, of which the page is the first `limit`
            wanted = min(limit, place - offset)
            items = items_before(
                session, self.actor, key, wanted, skip=place - offset - wanted, **common
            )
        if items:
            with self._lock:
                if epoch == self._epoch:
                    self._marks[offset] = queue_key(items[0])
                    self._marks[offset + len(items) - 1] = queue_key(items[-1])
        return items

    def _row(self, item: QueueItem) -> PagedRow:
        cells = (
            user_text(item.student_name),
            user_text(item.assignment_title),
            peer_cell(item),
            Text(local_time(item.submitted_at, self.actor.timezone, "%d %b")),
            time_left(item),
        )
        return PagedRow(key=item.id, cells=cells, style="bold red" if item.overdue else "")


def warm_up_queries(services: Services) -> None:
    """In the app's preload worker, after start-up: read the queue's first row, its preview
    and the item after it, so that SQLAlchemy compiles those queries now rather than on the
    first `3` (the first page's read: 18 ms of CPU cold, 6 ms compiled, with the screen
    waiting for it) and the first approve-and-next (the landing's keyset read); and count the
    queue, a count kept until the store changes (``count_queue``): the first `3` finds it
    (8 ms of CPU at 100,000 pending, issue #21) unless a write came in between."""
    actor = services.actor
    if actor is None or actor.is_student:
        return

    def job(session: Session) -> None:
        source = QueueSource(services, actor, {})
        source.keep_first_page(session)
        first = source.read(session, 0, 1)
        source.count_now(session)
        if first:
            submission_preview(session, actor, first[0].id)
            landing_after(session, actor, first[0], config=services.config)

    services.run(job)
