"""The status bar's figures (local changes, sync state, unread messages and notifications):
read in a worker, kept by the app, shown on every screen's status bar.

A screen opened later shows the kept figures in its first frame and does not read them again
unless the store has changed since they were read (``core/memo.py``'s stamp: one PRAGMA), so
opening a screen paints without a recount running beside it (issue 17: screen 7 at scale).

These are methods of ``MentorApp`` (``self`` is the app), written as plain functions and
bound by name in its class body, like the table's in ``widgets/table_loading.py``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from mentor_tui.widgets.status_bar import StatusBar

if TYPE_CHECKING:
    from mentor_tui.sync.view import SyncView


def status_bar_mounted(self: Any) -> None:
    """A new status bar: the kept figures at once, read again only if the store changed.

    The first bar mounts before the first frame, with nothing kept: it imports nothing more
    (``core.memo`` loads SQLModel, SQLAlchemy and pydantic, 0.3 s of CPU on the UI thread
    before the dashboard's first frame, issue #21); ``refresh_status`` waits for that frame.
    """
    kept = self._status
    if kept is None:
        self.refresh_status()
        return
    from mentor_tui.core.memo import changed_since

    if changed_since(kept[0]):
        self.refresh_status()
    show_figures(self, kept[1], kept[2])


def count_pending(self: Any) -> None:
    """The worker's body: the store's stamp first (a commit while reading leaves it old, so
    the next screen reads again), then the sync view and the unread total."""
    from mentor_tui.core.memo import session_stamp

    stamp = self.services.run(session_stamp)
    view = self.sync.read_view()
    unread = None
    actor = self.services.actor
    if actor is not None:
        from mentor_tui.core.messages.inbox import unread_total

        unread = self.services.run(lambda s: unread_total(s, actor))
    self.call_from_thread(self._show_pending, view, unread, stamp)


def show_figures(self: Any, view: SyncView, unread: int | None) -> None:
    for screen in self.screen_stack:
        for bar in screen.query(StatusBar):
            bar.pending = view.pending
            bar.sync = view
            bar.unread = unread
