"""Mark a mentor unavailable: a reason and an optional last day; `ctrl+s` previews where
each of their students goes (the preview asks before anything is written)."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Input, Label, Static

from mentor_tui.screens.base import MentorModal
from mentor_tui.widgets.key_footer import KeyFooter


class UnavailableFormScreen(MentorModal[None]):
    """``preview(reason, until_text, close)`` plans in a worker and calls ``close()`` when the
    plan is ready."""

    CSS_PATH = "unavailable_form.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "preview", "Preview", id="unavailable.preview"),
        Binding("escape", "cancel", "Cancel", id="unavailable.cancel"),
    ]

    def __init__(self, mentor_name: str, preview: Callable[[str, str, Callable[[], None]], object]):
        super().__init__()
        self._mentor_name = mentor_name
        self._preview = preview

    def compose(self) -> ComposeResult:
        with Vertical(id="unavailable-box"):
            yield Static(
                f"Mark {self._mentor_name} unavailable", id="unavailable-title", markup=False
            )
            yield Label("Reason")
            yield Input(id="un-reason")
            yield Label("Until (YYYY-MM-DD, empty: until marked available)")
            yield Input(id="un-until")
            yield Static("enter / ctrl+s previews the moves · escape cancels", classes="muted")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#un-reason", Input).focus()

    @on(Input.Submitted, "#un-reason")
    def _next(self) -> None:
        self.query_one("#un-until", Input).focus()

    @on(Input.Submitted, "#un-until")
    def _go(self) -> None:
        self.action_preview()

    def action_preview(self) -> None:
        reason = self.query_one("#un-reason", Input).value
        until = self.query_one("#un-until", Input).value
        self._preview(reason, until, lambda: self.dismiss(None))

    def action_cancel(self) -> None:
        self.dismiss(None)
