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


class HelpScreen(MentorModal[None]):
    CSS_PATH = "help.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss", "Close help", id="help.close"),
        Binding("question_mark", "dismiss", "Close help", show=False, key_display="?"),
    ]

    def __init__(self, target: Screen) -> None:
        super().__init__()
        self._target = target

    def compose(self) -> ComposeResult:
        with Vertical(id="help-box"):
            title = getattr(self._target, "HELP_TITLE", None) or type(self._target).__name__
            yield Static(f"Keys: {title}", classes="section-title", markup=False)
            yield DataTable(id="help-keys", cursor_type="row", zebra_stripes=True)
            yield Static("escape closes this help; ctrl+p searches every action.", classes="muted")

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("Key", "Does")
        seen: set[str] = set()
        for key, description in self.key_rows():
            if (key, description) in seen:
                continue
            seen.add((key, description))
            table.add_row(Text(key, style="bold"), Text(description))
        table.focus()

    def key_rows(self) -> list[tuple[str, str]]:
        rows: list[tuple[str, str]] = []
        for active in self._target.active_bindings.values():
            binding = active.binding
            if not binding.description:
                continue
            rows.append(
                (binding.key_display or self.app.get_key_display(binding), binding.description)
            )
        rows.append(("ctrl+p", "Command palette: every action by name"))
        rows.append(("escape", "Back"))
        return rows

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(result)
