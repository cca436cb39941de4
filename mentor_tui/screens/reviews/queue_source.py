"""The review queue's rows: the table's columns and the `PageSource` that reads the pending
submissions a page at a time (the first page read ahead while the screen is built), oldest
first, with the time left to the review SLA."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from rich.text import Text
from sqlalchemy.exc import SQLAlchemyError

from mentor_tui.config import Config
from mentor_tui.core import clock
from mentor_tui.core.access import Actor
from mentor_tui.core.reviews.queue import QueueItem, count_queue, list_queue
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
        # The count and first page read by `warm` while the screen is built: the first load
        # uses them instead of reading again.
        self.expected_count: int | None = None
        self.prefetched: dict[tuple[int, int], list[QueueItem]] = {}
        self._warm = threading.Event()
        self._warm.set()

    def warming(self) -> None:
        """On the UI thread, before `warm` is started: the table's first load waits for it."""
        self._warm.clear()

    def warm(self) -> None:
        """In a worker started as the screen composes: count and read the first page while the
        screen is built and first painted, instead of after (the table's loader starts then)."""
        try:
            count, first = self.services.run(
                lambda s: (self.count_now(s), self.read(s, 0, PAGE_SIZE))
            )
            self.expected_count, self.prefetched[(0, PAGE_SIZE)] = count, first
        except (SQLAlchemyError, UserError):
            pass  # the table's own load reads again and reports what went wrong
        finally:
            self._warm.set()

    def count(self) -> int:
        self._warm.wait(timeout=60)
        expected, self.expected_count = self.expected_count, None
        if expected is not None:
            return expected
        return self.services.run(self.count_now)

    def count_now(self, session: Session) -> int:
        return count_queue(session, self.actor, text_filter=self.text_filter, config=self.config)

    def fetch(self, offset: int, limit: int) -> list[PagedRow]:
        items = self.prefetched.pop((offset, limit), None)
        if items is None:
            items = self.services.run(lambda s: self.read(s, offset, limit))
        for item in items:
            self.items[item.id] = item
        return [self._row(item) for item in items]

    def read(self, session: Session, offset: int, limit: int) -> list[QueueItem]:
        return list_queue(
            session,
            self.actor,
            text_filter=self.text_filter,
            offset=offset,
            limit=limit,
            config=self.config,
        )

    def _row(self, item: QueueItem) -> PagedRow:
        cells = (
            user_text(item.student_name),
            user_text(item.assignment_title),
            peer_cell(item),
            Text(local_time(item.submitted_at, self.actor.timezone, "%d %b")),
            time_left(item),
        )
        return PagedRow(key=item.id, cells=cells, style="bold red" if item.overdue else "")
