"""MentorApp: the global keys, the top-level areas (as modes), workers and error display."""

from __future__ import annotations

import importlib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import partial

from textual import on
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen
from textual.worker import Worker, WorkerState

from mentor_tui.messages import DataChanged, SignedIn
from mentor_tui.services import Services
from mentor_tui.widgets.status_bar import StatusBar

@dataclass(frozen=True)
class Area:
    """A top-level area: its key, mode name, title and screen ("module:Class" under screens)."""

    key: str
    mode: str
    title: str
    screen: str
    admin_only: bool = False


# A key exists only for an area that is built; admin-only areas have no key for others.
AREAS: list[Area] = [
    Area("1", "dashboard", "Dashboard", "dashboard:DashboardScreen"),
    Area("2", "students", "Students", "students:StudentsScreen"),
]


def _area_screen(area: Area) -> Screen:
    module_name, class_name = area.screen.split(":")
    module = importlib.import_module(f"mentor_tui.screens.{module_name}")
    return getattr(module, class_name)()


class MentorApp(App[int]):
    TITLE = "mentor-tui"
    CSS_PATH = "app.tcss"
    ENABLE_COMMAND_PALETTE = True
    MODES = {area.mode: partial(_area_screen, area) for area in AREAS}

    BINDINGS = [
        *(Binding(a.key, f"go('{a.mode}')", a.title, id=f"go.{a.mode}") for a in AREAS),
        Binding("question_mark", "help", "Help", id="app.help", key_display="?"),
        Binding("ctrl+q", "quit", "Quit", id="app.quit", priority=True),
    ]

    def __init__(self, services: Services) -> None:
        super().__init__()
        self.services = services

    def on_mount(self) -> None:
        if self.services.actor is None:
            from mentor_tui.screens.first_run import FirstRunScreen

            self.push_screen(FirstRunScreen())
        else:
            self.sub_title = self.services.actor.full_name
            self.switch_mode("dashboard")
        self.refresh_status()

    # -- status -----------------------------------------------------------------------------
    def make_status_bar(self, area: str) -> StatusBar:
        return StatusBar(self.services.actor, self.services.db_path.name, area)

    def refresh_status(self) -> None:
        self.run_worker(
            self._count_pending, thread=True, group="status", exclusive=True, exit_on_error=False
        )

    def _count_pending(self) -> None:
        pending = self.services.pending_changes()
        self.call_from_thread(self._show_pending, pending)

    def _show_pending(self, pending: int) -> None:
        for bar in self.screen.query(StatusBar):
            bar.pending = pending

    @on(DataChanged)
    def _data_changed(self, _message: DataChanged) -> None:
        self.refresh_status()

    @on(SignedIn)
    def _signed_in(self, message: SignedIn) -> None:
        actor = message.actor
        self.services.actor = actor
        self.sub_title = actor.full_name
        self.pop_screen()
        self.switch_mode("dashboard")
        self.refresh_status()

    # -- actions ----------------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Admin-only areas have no key, no palette entry and no footer entry for others."""
        if action == "go" and parameters:
            area = next((a for a in AREAS if a.mode == parameters[0]), None)
            actor = self.services.actor
            if area is not None and area.admin_only and (actor is None or not actor.is_admin):
                return False
        return True

    def action_go(self, mode: str) -> None:
        if self.services.actor is None or not self.check_action("go", (mode,)):
            return
        if self.current_mode == mode:
            # pressing the area's key again goes back to its top screen
            while len(self.screen_stack) > 1:
                self.pop_screen()
            return
        self.switch_mode(mode)

    def action_help(self) -> None:
        from mentor_tui.screens.help import HelpScreen

        if isinstance(self.screen, HelpScreen):
            return
        self.push_screen(HelpScreen(self.screen))

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """Every action reachable from the palette, generated from the bindings."""
        seen: set[str] = set()
        for active in screen.active_bindings.values():
            binding = active.binding
            if not binding.description or binding.action in seen or not active.enabled:
                continue
            seen.add(binding.action)
            key = binding.key_display or self.get_key_display(binding)
            yield SystemCommand(
                f"{binding.description}",
                f"{binding.description} ({key})",
                lambda node=active.node, action=binding.action: self.run_action(action, node),
            )
        yield from super().get_system_commands(screen)

    # -- failures ---------------------------------------------------------------------------
    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        self.report_worker_failure(event)

    def report_worker_failure(self, event: Worker.StateChanged) -> None:
        """Show a failed worker's error: a person's mistake as a sentence, a bug in full."""
        if event.state == WorkerState.ERROR and event.worker.error is not None:
            from mentor_tui.core.errors import UserError

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
