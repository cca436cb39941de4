"""A yes/no question before a write: `enter` confirms, `escape` cancels. Lines are shown
literally (they hold people's names)."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Static

from mentor_tui.widgets.key_footer import KeyFooter
from mentor_tui.screens.base import MentorModal


class ConfirmScreen(MentorModal[bool]):
    CSS_PATH = "dialogs.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "answer(True)", "Confirm", id="confirm.yes"),
        Binding("escape", "answer(False)", "Cancel", id="confirm.no"),
    ]

    def __init__(self, title: str, lines: list[str], *, warning: bool = False) -> None:
        super().__init__()
        self._title = title
        self._lines = lines
        self._warning = warning

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-box", classes="warning" if self._warning else ""):
            yield Static(self._title, id="confirm-title", markup=False)
            yield Static("\n".join(self._lines), id="confirm-lines", markup=False)
            yield Static("enter confirms · escape cancels", classes="muted")
        yield KeyFooter()

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)
