"""`ctrl+d` on the notes screen: the due date of an action item, typed as a mentor says it.

The box opens with the current due date selected, so typing replaces it. What is typed is read
by ``core/dates.py`` as you type (``2026-03-31``, ``today``, ``tomorrow``, ``+3d``, ``+2w``,
``fri``, ``13 mar``), counted from the mentor's today; the line under the input shows the day
it means or the one sentence saying why it means none. `enter` takes it (empty clears the due
date), `escape` leaves the note as it was. A bad date is never handed back.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Input, Static

from mentor_tui.core import dates
from mentor_tui.errors import UserError
from mentor_tui.screens.base import MentorModal
from mentor_tui.widgets.key_footer import KeyFooter

MAX_TYPED = 64
HINT = "YYYY-MM-DD, today, tomorrow, +3d, +2w, +1m, fri, 13 mar · empty clears it"


@dataclass(frozen=True)
class DueDateChosen:
    """The answer of the box: the new due date, ``None`` to clear it."""

    due: date | None


class DueDateScreen(MentorModal[DueDateChosen | None]):
    CSS_PATH = "due_date.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel", id="due.cancel")]

    def __init__(self, current: date | None, today: date) -> None:
        super().__init__()
        self.current = current
        self.today = today

    def compose(self) -> ComposeResult:
        with Vertical(id="due-box"):
            yield Static("Due date of this action item", id="due-title", markup=False)
            yield Input(
                self.current.isoformat() if self.current else "",
                placeholder="fri, +3d, 2026-03-31 …",
                max_length=MAX_TYPED,
                id="due-input",
            )
            yield Static("", id="due-meaning", markup=False)
            yield Static(HINT, classes="muted", markup=False)
            yield Static("enter sets it · escape cancels", classes="muted", markup=False)
        yield KeyFooter()

    def on_mount(self) -> None:
        self._explain(self.query_one("#due-input", Input).value)

    def _read(self, typed: str) -> date | None:
        return dates.parse_due(typed, self.today)

    def _explain(self, typed: str) -> None:
        meaning = self.query_one("#due-meaning", Static)
        try:
            due = self._read(typed)
        except UserError as error:
            meaning.set_class(True, "bad")
            meaning.update(Text(str(error)))
            return
        meaning.set_class(False, "bad")
        if due is None:
            meaning.update(Text("No due date." if typed.strip() or self.current else ""))
        else:
            when = dates.describe_day(due, self.today)
            meaning.update(Text(f"{due:%A %d %B %Y} · {when}"))

    @on(Input.Changed, "#due-input")
    def _typed(self, event: Input.Changed) -> None:
        self._explain(event.value)

    @on(Input.Submitted, "#due-input")
    def _submitted(self, event: Input.Submitted) -> None:
        try:
            due = self._read(event.value)
        except UserError:
            self._explain(event.value)  # the sentence stays under the input; nothing is saved
            self.app.bell()
            return
        self.dismiss(DueDateChosen(due))

    def action_cancel(self) -> None:
        self.dismiss(None)
