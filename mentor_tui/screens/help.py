"""`?`: every key of the current screen, generated from the bindings themselves."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Static

from mentor_tui.screens.base import MentorModal
from mentor_tui.widgets.key_list import screen_actions


class HelpScreen(MentorModal[None], inherit_bindings=False):  # its `?` closes it
    CSS_PATH = "help.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss", "Close help", id="help.close"),
        Binding(
            "question_mark",
            "dismiss",
            "Close help",
            show=False,
            key_display="?",
            id="help.close_question",
        ),
    ]

    def __init__(self, target: Screen) -> None:
        super().__init__()
        self._target = target

    @property
    def help_target(self) -> Screen:
        """The screen whose keys this help lists."""
        return self._target

    def compose(self) -> ComposeResult:
        with Vertical(id="help-box"):
            title = getattr(self._target, "HELP_TITLE", None) or type(self._target).__name__
            yield Static(f"Keys: {title}", classes="section-title", markup=False)
            yield DataTable(id="help-keys", cursor_type="row", zebra_stripes=True)
            yield Static("escape closes this help; ctrl+p searches every action.", classes="muted")

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("Key", "Does")
        for key, description in self.key_rows():
            table.add_row(Text(key, style="bold"), Text(description))
        table.focus()

    def key_rows(self) -> list[tuple[str, str]]:
        """Each action of the screen once, with all its keys (the user's, if remapped)."""
        rows = [(a.keys, a.description) for a in screen_actions(self._target)]
        rows.append(("ctrl+p", "Command palette: every action by name"))
        escape = self._target.active_bindings.get("escape")
        if escape is None or not escape.binding.description:
            rows.append(("escape", "Back"))
        return rows

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(result)
