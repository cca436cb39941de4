"""What screens, widgets and the app's loops may ask of the running app, as a protocol, so that
none of them imports the app (which imports them): no import circle."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from textual.screen import Screen
    from textual.timer import Timer
    from textual.worker import Worker

    from mentor_tui.core.services import Services
    from mentor_tui.widgets.status_bar import StatusBar


class SyncControl(Protocol):
    """The app's sync loop, as screens see it."""

    def local_change(self) -> None:
        """Something was written locally: sync soon."""


class MentorHost(Protocol):
    """The signed-in app (``mentor_tui.app.main.MentorApp`` is the one implementation)."""

    services: Services

    @property
    def sync(self) -> SyncControl: ...

    def make_status_bar(self, area: str) -> StatusBar: ...

    def refresh_status(self) -> None: ...

    def report_worker_failure(self, event: Worker.StateChanged) -> None: ...

    def call_after_first_frame(self, callback: Callable[[], object]) -> None: ...

    def home_figures_painted(self) -> None:
        """The home screen (``REPORTS_START_FIGURES``) has painted its figures."""

    def compose_message(self, recipient: str, sent: Callable[[str | None], object]) -> None:
        """Open the composer with the To line filled in (from any screen: the students list
        cannot import the inbox, which imports it)."""

    # Textual's App, as far as the loops and screens use it
    @property
    def screen_stack(self) -> list[Screen[Any]]: ...

    def call_from_thread(self, callback: Callable[..., Any], *args: Any, **kwargs: Any) -> Any: ...

    def call_after_refresh(self, callback: Callable[..., Any], *args: Any) -> bool: ...

    def run_worker(self, work: Any, *args: Any, **kwargs: Any) -> Worker[Any]: ...

    def set_timer(self, delay: float, callback: Any = None, **kwargs: Any) -> Timer: ...

    def set_interval(self, interval: float, callback: Any = None, **kwargs: Any) -> Timer: ...

    def refresh_bindings(self) -> None: ...

    def notify(self, message: str, **kwargs: Any) -> None: ...


__all__ = ["MentorHost", "SyncControl"]
