"""The analytics' date range (`r` on the analytics screens): from and to, UTC days both
included, the same meaning as ``mentor-tui report --from --to``; an empty box is an open end.
`enter` moves to the next box and, on the last, applies; a bad day is said in one sentence and
the dialog stays open; `escape` leaves the range as it was."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Input, Static

from mentor_tui.core.analytics.mentors import Period, period_from_text
from mentor_tui.errors import UserError
from mentor_tui.screens.base import MentorModal
from mentor_tui.widgets.key_footer import KeyFooter


class PeriodScreen(MentorModal[Period | None]):
    CSS_PATH = "period.tcss"
    HELP_TITLE = "Date range"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="period.cancel", key_display="esc"),
        Binding("ctrl+r", "clear", "All time", id="period.clear"),
    ]

    def __init__(self, period: Period) -> None:
        super().__init__()
        self.period = period

    def compose(self) -> ComposeResult:
        first = self.period.first.isoformat() if self.period.first else ""
        last = self.period.last.isoformat() if self.period.last else ""
        with Vertical(id="period-box"):
            yield Static("Date range (UTC days, both included)", id="period-title")
            yield Static("From (YYYY-MM-DD, empty: from the beginning)", classes="muted")
            yield Input(first, max_length=10, id="period-from", placeholder="YYYY-MM-DD")
            yield Static("To (YYYY-MM-DD, empty: until now)", classes="muted")
            yield Input(last, max_length=10, id="period-to", placeholder="YYYY-MM-DD")
            yield Static("", id="period-error", markup=False)
            yield Static("enter: next / apply · ctrl+r: all time · escape: cancel", classes="muted")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#period-from", Input).focus()

    @on(Input.Submitted, "#period-from")
    def _next(self) -> None:
        self.query_one("#period-to", Input).focus()

    @on(Input.Submitted, "#period-to")
    def _apply(self) -> None:
        first = self.query_one("#period-from", Input).value
        last = self.query_one("#period-to", Input).value
        try:
            period = period_from_text(first, last)
        except UserError as error:
            self.query_one("#period-error", Static).update(str(error))
            self.notify(str(error), severity="warning", markup=False)
            return
        self.dismiss(period)

    def action_clear(self) -> None:
        self.dismiss(Period())

    def action_cancel(self) -> None:
        self.dismiss(None)
