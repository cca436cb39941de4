"""The status bar (top line): the area, who is signed in, the store, and sync: online /
offline / "local only" (not linked to a server), local changes waiting for a sync, open
conflicts and the time of the last sync; and, first, the unread messages and notifications."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.content import Content
from textual.reactive import reactive
from textual.widget import Widget
from textual.widgets import Static

from mentor_tui.core.text import clean_line
from mentor_tui.widgets.figures import local_time

if TYPE_CHECKING:  # the first frame paints without SQLAlchemy or the sync client
    from mentor_tui.core.actor import Actor
    from mentor_tui.sync.view import SyncView


NARROW = 100  # columns: below, the store's name is left out


class StatusBar(Widget):
    DEFAULT_CSS = """
    StatusBar {
        dock: top;
        height: 1;
        background: $panel;
        color: $text-muted;
        layout: horizontal;
    }
    StatusBar #status-area { width: auto; padding: 0 1; color: $text; text-style: bold; }
    StatusBar #status-user { width: 1fr; padding: 0 1; }
    StatusBar #status-store { width: auto; padding: 0 1; }
    """

    pending: reactive[int | None] = reactive(None)
    unread: reactive[int | None] = reactive(None)  # messages and notifications
    sync: reactive[SyncView | None] = reactive(None)

    def __init__(self, actor: Actor | None, store_name: str, area: str) -> None:
        super().__init__(id="status-bar")
        self._actor = actor
        self._store_name = store_name
        self._area = area
        self._store_shown = Content("")  # what the store label shows

    def compose(self) -> ComposeResult:
        yield Static(f"mentor-tui · {self._area}", id="status-area", markup=False)
        yield Static(self._user_content(), id="status-user", markup=False)
        self._store_shown = self._store_content()
        yield Static(self._store_shown, id="status-store", markup=False)

    def on_mount(self) -> None:
        refresh = getattr(self.app, "status_bar_mounted", None)
        if refresh is not None:
            refresh()

    def set_actor(self, actor: Actor | None) -> None:
        self._actor = actor
        self.query_one("#status-user", Static).update(self._user_content())

    def _user_content(self) -> Content:
        if self._actor is None:
            return Content("not signed in")
        return Content.from_markup(
            "[b]$name[/b] <$email> · $role",
            name=clean_line(self._actor.full_name),
            email=clean_line(self._actor.email),
            role=self._actor.role,
        )

    def _store_content(self) -> Content:
        content = self._sync_content()
        if self.unread:
            return Content(f"{self.unread:,} unread · ") + content
        return content

    def _narrow(self) -> bool:
        """Under 100 columns (80x24): the store's name goes, so that the counts stay whole."""
        return self.app.size.width < NARROW

    def _sync_content(self) -> Content:
        store = "" if self._narrow() else clean_line(self._store_name)
        view = self.sync
        if view is None or not view.linked:
            pending = "" if self.pending is None else f" · {self.pending} local changes"
            local = "" if view is None else " · local only"
            if not store:
                return Content(f"{local}{pending}".removeprefix(" · "))
            return Content(f"local store {store}{local}{pending}")
        if view.logged_out:
            state = "logged out"
        elif view.syncing and view.stopped:
            state = "sync stopped"
        elif view.syncing and view.retrying:
            state = f"syncing: {view.retrying} (ctrl+c stops)"
        elif view.syncing:
            state = "syncing"
        else:
            state = {True: "online", False: "offline", None: "connecting"}[view.online]
        parts = [part for part in (store, state, f"{view.pending} pending") if part]
        if view.conflicts:
            parts.append(f"{view.conflicts} conflict{'s' if view.conflicts != 1 else ''}")
        if view.last_sync_at is None:
            parts.append("never synced")
        else:
            tz = self._actor.timezone if self._actor is not None else "UTC"
            parts.append(f"synced {local_time(view.last_sync_at, tz, '%H:%M:%S')}")
        return Content(" · ".join(parts))

    def on_resize(self) -> None:
        self.watch_pending()  # narrow or wide: the store's name comes or goes

    def watch_sync(self) -> None:
        self.watch_pending()

    def watch_unread(self) -> None:
        self.watch_pending()

    def watch_pending(self) -> None:
        """Show the new figures. The label is as wide as its text: the screen is laid out again
        only when that width changes (a decision changes a count, seldom its number of digits)."""
        content = self._store_content()
        if content.plain == self._store_shown.plain:
            return
        width_changed = content.cell_length != self._store_shown.cell_length
        self._store_shown = content
        for label in self.query("#status-store").results(Static):
            label.update(content, layout=width_changed)
