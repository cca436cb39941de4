"""MentorApp: the global keys, the top-level areas (as modes), workers and error display."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import importlib
import threading
from collections.abc import Callable, Iterable
from functools import partial
from typing import TYPE_CHECKING, ClassVar

from textual import events, on
from textual.app import ScreenStackError, SystemCommand
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widget import Widget
from textual.worker import Worker, WorkerState

from mentor_tui.app import status
from mentor_tui.app.areas import AREAS, area_screen, home_mode
from mentor_tui.app.reminders import AppReminders
from mentor_tui.app.screen_css import preload_css, screen_widgets
from mentor_tui.app.start_up_gc import resume_full_collections
from mentor_tui.core.services import Services
from mentor_tui.widgets.events import DataChanged, SignedIn
from mentor_tui.widgets.seams import (
    FirstFrameHook,
    hint_data_tables,
    render_only_what_changed,
    type_without_layout,
    widen_tables_after_sizing,
)
from mentor_tui.widgets.status_bar import StatusBar

if TYPE_CHECKING:  # the sync client loads after the first frame (see `sync`)
    from mentor_tui.app.sync_loop import AppSync
    from mentor_tui.sync.view import SyncView


# Once start-up objects are frozen: a full collection after this many of the middle generation's
# (Python's default is 10); see MentorApp._freeze_long_lived_objects.
FULL_COLLECTION_EVERY = 100
# The longest the status, the reminders and the screens' preload wait for the home screen's
# figures (``MentorApp.home_figures_painted``) once the first frame is out.
HOME_FIGURES_WAIT_SECONDS = 5.0
# How often the kept at-risk scores are brought up to the clock after start-up's refresh.
RISK_REFRESH_SECONDS = 3600.0

widen_tables_after_sizing()
hint_data_tables()
type_without_layout()
render_only_what_changed()


class MentorApp(FirstFrameHook[int]):
    TITLE = "mentor-tui"
    CSS_PATH = "app.tcss"
    ENABLE_COMMAND_PALETTE = True
    MODES: ClassVar[dict[str, Callable[[], Screen]]] = {
        area.mode: partial(area_screen, area) for area in AREAS
    }

    BINDINGS: ClassVar[list[BindingType]] = [
        *(Binding(a.key, f"go('{a.mode}')", a.title, id=f"go.{a.mode}") for a in AREAS),
        Binding("s", "sync", "Sync now", id="app.sync"),
        # the same key on a store with no server: a sentence instead of nothing (not in the footer)
        Binding(
            "s", "sync_unlinked", "Sync (no server linked)", id="app.sync_unlinked", show=False
        ),
        # while a sync runs: stop it (where the focused widget or the screen has no use for
        # the key: ctrl+c copies in an editor, escape closes a dialog)
        Binding("ctrl+c", "stop_sync", "Stop sync", id="app.stop_sync", show=False),
        Binding("escape", "stop_sync", "Stop sync", id="app.stop_sync_escape", show=False),
        Binding("C", "conflicts", "Conflicts", id="app.conflicts", key_display="C"),
        Binding("question_mark", "help", "Help", id="app.help", key_display="?"),
        # in a text box `?` is a letter of the text: there f1 opens help (and shows instead)
        Binding("f1", "help_in_text", "Help", id="app.help_text"),
        Binding("ctrl+q", "quit", "Quit", id="app.quit", priority=True),
    ]

    def __init__(self, services: Services) -> None:
        super().__init__()
        self.services = services
        self._sync: AppSync | None = None
        self._sync_made = threading.Lock()
        self._after_first_frame: list[Callable[[], object]] = []
        self._after_home_figures: list[Callable[[], object]] | None = []  # None: they are in
        self._heap_frozen = False
        self._gc_thresholds: tuple[int, int, int] | None = None
        self.reminders = AppReminders(self)
        self._keymap_applied: dict[str, str] = {}  # the user's keymap entries in use
        self._keymap_checked: set[tuple[type, type]] = set()  # (screen, focused widget) kinds
        # the last status read: (the store's stamp before it, the sync view, unread)
        self._status: tuple[tuple[str, tuple[int, int]] | None, SyncView, int | None] | None = None

    def on_mount(self) -> None:
        if self.services.config.keymap:
            self.run_worker(self._check_keymap, thread=True, group="keymap", exit_on_error=False)
        if self.services.actor is None:
            from mentor_tui.screens.first_run import FirstRunScreen

            self.push_screen(FirstRunScreen())
        else:
            self.sub_title = self.services.actor.full_name
            self.switch_mode(home_mode(self.services.actor))
            self.call_after_home_figures(self.reminders.start)
            self.call_after_home_figures(self.refresh_risk)
            self.set_interval(RISK_REFRESH_SECONDS, self.refresh_risk, name="risk")

    def refresh_risk(self) -> None:
        """The kept at-risk scores brought up to now in a thread, a chunk per transaction
        (``risk_keys.refresh``), so the students list's at-risk read counts few afresh."""
        self.run_worker(
            self._refresh_risk, thread=True, group="risk", exclusive=True, exit_on_error=False
        )

    def _refresh_risk(self) -> None:
        from mentor_tui.core.people import risk_keys

        risk_keys.refresh(self.services.run, self.services.config)

    def _check_keymap(self) -> None:
        """The user's keymap (config.toml's [keymap]), checked against every binding in a
        thread (it imports every screen); the good entries applied, each bad one said."""
        from mentor_tui.app.keymap import check_keymap

        good, problems = check_keymap(self.services.config.keymap, type(self))
        self.call_from_thread(self._apply_keymap, good, problems)

    def _apply_keymap(self, good: dict[str, str], problems: list[str]) -> None:
        self.set_keymap(good)
        self._keymap_applied = good
        for problem in problems:
            self.notify(problem, title="Keymap", severity="warning", markup=False, timeout=15)
        with contextlib.suppress(ScreenStackError):
            if self.screen.focused is not None:
                self._check_focus_keys(self.screen.focused)

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        if self._keymap_applied:  # once the focus has settled (a screen's mount moves it)
            self.call_after_refresh(self._check_focus_keys, event.widget)

    def _check_focus_keys(self, focused: Widget) -> None:
        """The user's keys for this screen's bindings that the focused widget takes first (a
        letter in a text box, a table's own key), said once for each screen and kind of
        widget (app/keymap.py, ``focus_clashes``)."""
        if not focused.has_focus:
            return
        screen = focused.screen
        seen = (type(screen), type(focused))
        if seen in self._keymap_checked:
            return
        self._keymap_checked.add(seen)
        from mentor_tui.app.keymap import focus_clashes

        for problem in focus_clashes(self._keymap_applied, screen, focused):
            self.notify(problem, title="Keymap", severity="warning", markup=False, timeout=15)

    def call_after_first_frame(self, callback: Callable[[], object]) -> None:
        """Call ``callback`` once the app's first frame has gone to the terminal (at once, after
        the next refresh, once it has). For the work that follows start-up: the workers it
        starts import SQLAlchemy and hold the GIL that the frame's rendering needs.

        Not ``call_after_refresh``: while the app mounts, a screen's first layout is drawn but
        not written (the app is not running yet), its callbacks run at the next idle, and the
        frame that the terminal shows comes later."""
        if self.first_frame_written:
            self.call_after_refresh(callback)
        else:
            self._after_first_frame.append(callback)

    def on_first_frame_written(self) -> None:
        for callback in self._after_first_frame:
            self.call_next(callback)
        self._after_first_frame.clear()
        self.call_after_home_figures(self.refresh_status)  # the status (the sync client)
        if getattr(self.screen, "REPORTS_START_FIGURES", False):
            # a home screen that says when its figures are painted (the dashboard); should it
            # never say (a part failed), the rest of start-up waits no longer than this
            self.set_timer(HOME_FIGURES_WAIT_SECONDS, self.home_figures_painted)
        else:
            self.home_figures_painted()

    def call_after_home_figures(self, callback: Callable[[], object]) -> None:
        """Call ``callback`` once the home screen's figures are painted (issue #21): the
        status worker (which imports the sync client), the reminders and the screens' preload
        (after the status) would otherwise take the GIL and the two cores from the
        dashboard's queries, 0.7 s of CPU on the 50,000-student demo."""
        if self._after_home_figures is None:
            self.call_next(callback)
        else:
            self._after_home_figures.append(callback)

    def home_figures_painted(self) -> None:
        """The home screen's figures are on screen (or waited for long enough): start-up's
        other work begins. Once; later calls do nothing."""
        waiting, self._after_home_figures = self._after_home_figures, None
        if waiting is not None:
            resume_full_collections()  # put off during start-up (``app/start_up_gc.py``)
        for callback in waiting or ():
            self.call_next(callback)

    @property
    def sync(self) -> AppSync:
        """The sync loop, made on first use: from the status worker after the first frame, as
        it imports the sync client (httpx, SQLAlchemy)."""
        if self._sync is None:
            with self._sync_made:
                if self._sync is None:
                    from mentor_tui.app.sync_loop import AppSync

                    self._sync = AppSync(self)
        return self._sync

    # -- status -----------------------------------------------------------------------------
    def make_status_bar(self, area: str) -> StatusBar:
        return StatusBar(self.services.actor, self.services.db_path.name, area)

    def refresh_status(self) -> None:
        if not self.first_frame_written:  # a status bar mounting with the first frame
            return
        self.run_worker(
            self._count_pending, thread=True, group="status", exclusive=True, exit_on_error=False
        )

    # the status read and shown: app/status.py, bound by name
    status_bar_mounted = status.status_bar_mounted
    _count_pending = status.count_pending
    _show_figures = status.show_figures

    def _show_pending(
        self,
        view: SyncView,
        unread: int | None = None,
        stamp: tuple[str, tuple[int, int]] | None = None,
    ) -> None:
        self._status = (stamp, view, unread)
        self._show_figures(view, unread)
        self.sync.view_read(view)
        if not self._heap_frozen:
            self._heap_frozen = True
            self.run_worker(
                self._preload_screens, thread=True, group="preload", exit_on_error=False
            )

    def _preload_screens(self) -> None:
        """Once start-up is over, import the screens this account may open, in a thread, so
        that the first press of an area key does not import its screen first (the first `3`
        on the 50,000-student demo: 125-178 ms with the review queue's import, 88-104 ms
        without), nor read its stylesheet or its widgets' (`screen_css`), nor load what its
        screen's ``preload`` names (the review queue's Markdown renderer); then freeze what
        start-up left alive, those modules included; then let a screen warm what its first open
        would do first (`warm_up(services)`: screen 7 compiles its lists' queries). The matching
        solver (numpy, pylmcf: 20 MiB) is not among them: the admin screen loads it in the
        worker that first drafts or ranks."""
        actor = self.services.actor
        screens: list[type[Screen]] = []
        for area in AREAS:
            if not area.open_to(actor):
                continue
            module_name, class_name = area.screen.split(":")
            module = importlib.import_module(f"mentor_tui.screens.{module_name}")
            screens.append(getattr(module, class_name))
        for screen in screens:  # what a screen's first show would load besides (this thread)
            preload = getattr(screen, "preload", None)
            if callable(preload):
                preload()
        widgets = screen_widgets()
        with contextlib.suppress(RuntimeError):  # the app closed meanwhile
            # their stylesheets too (and their widgets'): reading one on the first press
            # re-parses them all
            self.call_from_thread(preload_css, self, screens, widgets)
            self.call_from_thread(self._freeze_long_lived_objects)
        # last, so that a failure here leaves the rest of the preload done: a screen whose
        # first open would compile its queries first (`warm_up`) has them compiled now
        for screen in screens:
            warm_up = getattr(screen, "warm_up", None)
            if callable(warm_up):
                warm_up(self.services)

    def _freeze_long_lived_objects(self) -> None:
        """Once start-up is over (first frame painted, the deferred imports of the first status
        read and the screens' imports done), take every object alive then out of the cyclic GC's scans: modules, classes,
        the app and its first screen live as long as the app. Python's full collections walk
        every tracked object; over the ~150,000 start-up leaves they took 100-200 ms each, a
        pause inside a key press every few dozen keys. Frozen objects are still freed by
        reference counting; only cycles among them are never collected (until `on_unmount`).

        Full collections then also come a tenth as often (after 100 younger ones, not 10): the
        screens and pages made since start-up still cost 15-50 ms a walk, which put a filter
        key's p95 at 45-58 ms against 35-39 ms without them. What the app throws away is
        almost all freed by reference counting; the younger generations still collect cycles."""
        gc.freeze()
        self._gc_thresholds = gc.get_threshold()
        young, middle, _old = self._gc_thresholds
        gc.set_threshold(young, middle, FULL_COLLECTION_EVERY)

    def on_unmount(self) -> None:
        if self._sync is not None:
            self._sync.stop()
        self.reminders.stop()
        if self._heap_frozen:
            gc.unfreeze()  # collectable again: e.g. a test process runs many apps in turn
        if self._gc_thresholds is not None:
            gc.set_threshold(*self._gc_thresholds)

    @on(DataChanged)
    def _data_changed(self, message: DataChanged) -> None:
        self.refresh_status()
        if message.what != "sync":
            self.sync.local_change()

    @on(SignedIn)
    def _signed_in(self, message: SignedIn) -> None:
        actor = message.actor
        self.services.actor = actor
        self.sub_title = actor.full_name
        self.pop_screen()
        self.switch_mode(home_mode(actor))
        self.reminders.start()
        self.refresh_status()

    # -- actions ----------------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """An area not open to the account (admin-only ones, a student's and the mentors'
        areas to each other) has no key, no palette entry and no footer entry."""
        if action == "go" and parameters:
            area = next((a for a in AREAS if a.mode == parameters[0]), None)
            if area is not None and not area.open_to(self.services.actor):
                return False
        if action == "sync":  # only a store linked to a server syncs
            sync = self._sync  # not made yet (first frame): not linked as far as we know
            return sync is not None and sync.linked and self.services.actor is not None
        if action == "sync_unlinked":  # `s` on a store not linked to a server
            sync = self._sync
            return (sync is None or not sync.linked) and self.services.actor is not None
        if action == "stop_sync":  # live only while a sync runs
            sync = self._sync
            return sync is not None and sync.running
        if action in ("help", "help_in_text"):  # `?`, or f1 where `?` is typed as text
            from mentor_tui.widgets.key_list import typing_in

            try:  # the screen the help is for, while help is open
                screen = getattr(self.screen, "help_target", None) or self.screen
            except ScreenStackError:  # no screen yet
                return action == "help"
            return typing_in(screen.focused) == (action == "help_in_text")
        if action == "conflicts":  # shown only while there are conflicts to settle
            sync = self._sync
            return sync is not None and sync.conflicts > 0 and self.services.actor is not None
        return True

    def action_sync(self) -> None:
        if self.check_action("sync", ()):
            self.sync.sync_now(manual=True)

    def action_sync_unlinked(self) -> None:
        if self.check_action("sync_unlinked", ()):
            self.notify(
                "This store is not linked to a server, so there is nothing to sync; "
                "link it with `mentor-tui login URL --email E`.",
                title="Sync",
                severity="warning",
                markup=False,
            )

    def action_stop_sync(self) -> None:
        if self.check_action("stop_sync", ()):
            self.sync.cancel()

    def action_conflicts(self) -> None:
        from mentor_tui.screens.conflicts import ConflictsScreen

        if self.check_action("conflicts", ()) and not isinstance(self.screen, ConflictsScreen):
            self.push_screen(ConflictsScreen())

    def action_next_unread(self) -> None:
        """`tab` anywhere: screen 7 with its cursor on the next unread conversation or
        notification (from the top of the lists when coming from another screen)."""
        from mentor_tui.screens.inbox.inbox import InboxScreen

        if self.services.actor is None or not self.check_action("go", ("inbox",)):
            return
        if self.current_mode != "inbox":
            self.switch_mode("inbox")
        while len(self.screen_stack) > 1:
            self.pop_screen()

        def jump() -> None:
            screen = self.screen
            if isinstance(screen, InboxScreen):
                screen.action_next_unread(from_top=True)

        self.call_after_refresh(jump)

    def action_go(self, mode: str) -> None:
        if self.services.actor is None or not self.check_action("go", (mode,)):
            return
        if self.current_mode == mode:
            # pressing the area's key again goes back to its top screen
            while len(self.screen_stack) > 1:
                self.pop_screen()
            return
        self.switch_mode(mode)

    async def action_quit(self) -> None:
        """Quit without losing typing: screens with unsaved work start their saves, and the
        app waits for every save to finish before it exits."""
        for screen in self.screen_stack:
            flush = getattr(screen, "flush_before_exit", None)
            if flush is not None:
                flush()
        from mentor_tui.widgets.drafts import DRAFT_GROUP_PREFIX, flush_open_drafts

        flush_open_drafts()  # the open editors' drafts, up to the last key
        for _ in range(3):  # a draft written while another was under way follows it
            saving = [
                w
                for w in self.workers
                if (w.group.endswith("-save") or w.group.startswith(DRAFT_GROUP_PREFIX))
                and w.is_running
            ]
            if not saving:
                break
            for worker in saving:
                await worker.wait()
            await asyncio.sleep(0)
        self.exit()

    def compose_message(self, recipient: str, sent: Callable[[str | None], object]) -> None:
        from mentor_tui.core.messages.drafts import Address
        from mentor_tui.screens.inbox.composer import ComposerScreen

        self.push_screen(ComposerScreen(Address(recipient=recipient)), sent)

    def compose_to_each(
        self, recipients: tuple[str, ...], sent: Callable[[str | None], object]
    ) -> None:
        """The composer for one message to each of ``recipients`` (ids)."""
        from mentor_tui.core.messages.drafts import Address
        from mentor_tui.screens.inbox.composer import ComposerScreen

        self.push_screen(ComposerScreen(Address(recipients=recipients)), sent)

    def action_help_in_text(self) -> None:
        self.action_help()

    def action_help(self) -> None:
        from mentor_tui.screens.help import HelpScreen

        if isinstance(self.screen, HelpScreen):
            return
        self.push_screen(HelpScreen(self.screen))

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """Every action reachable from the palette, generated from the bindings: each once,
        with its keys; Textual's own commands only where they add one (not its Quit, nor its
        Keys panel: `?` help is ours)."""
        from mentor_tui.widgets.key_list import screen_actions

        titles: set[str] = set()
        for item in screen_actions(screen):
            if not item.enabled or item.description in titles:
                continue
            titles.add(item.description)
            yield SystemCommand(
                item.description,
                f"{item.description} ({item.keys})",
                lambda node=item.node, action=item.action: self.run_action(action, node),
            )
        for command in super().get_system_commands(screen):
            if command.title not in titles and command.title not in ("Quit", "Keys"):
                yield command

    # -- failures ---------------------------------------------------------------------------
    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        self.report_worker_failure(event)

    def report_worker_failure(self, event: Worker.StateChanged) -> None:
        """Show a failed worker's error: a person's mistake as a sentence, a bug in full."""
        if event.state == WorkerState.ERROR and event.worker.error is not None:
            from mentor_tui.errors import UserError

            error = event.worker.error
            if isinstance(error, UserError):
                self.notify(str(error), severity="warning", markup=False)
            else:
                self.notify(
                    f"{type(error).__name__}: {error}",
                    title="Something went wrong",
                    severity="error",
                    markup=False,
                    timeout=10,
                )
