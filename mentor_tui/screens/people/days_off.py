"""A person's days off (holidays, sick days): whole days in their own time zone when the
free-slot finder offers no session, the same data as `mentor-tui availability except`.
Opened with `d` on the admin screen's Mentors pane and `o` on the students screen (an admin
anyone's; the core refuses anyone else).

The list is the days off, soonest first; `a` goes to the date and reason lines at the bottom
(enter moves on, enter on the reason saves), `x` takes the highlighted day back after a
confirmation, escape leaves the lines (or closes)."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from sqlmodel import Session
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Input, Static

from mentor_tui.core.people.windows import AvailabilityView, add_exception, show_availability
from mentor_tui.core.timezones import parse_day
from mentor_tui.screens.base import MentorModal
from mentor_tui.screens.dialogs import ConfirmScreen
from mentor_tui.widgets.events import DataChanged
from mentor_tui.widgets.figures import user_text
from mentor_tui.widgets.key_footer import KeyFooter


class DaysOffScreen(MentorModal[None]):
    CSS_PATH = "days_off.tcss"
    HELP_TITLE = "Days off"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "add", "Add a day off", id="days_off.add"),
        Binding("x", "remove", "Take back", id="days_off.remove"),
        Binding("escape", "close", "Close", id="days_off.close"),
    ]

    def __init__(self, person_id: str) -> None:
        super().__init__()
        self.person_id = person_id
        self.person_name = ""
        self._view: AvailabilityView | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="days-off-box"):
            yield Static("Days off", id="days-off-title", markup=False)
            yield Static("", id="days-off-zone", markup=False)
            yield DataTable(id="days-off-table", cursor_type="row", zebra_stripes=True)
            with Horizontal(id="days-off-new"):
                yield Input(placeholder="YYYY-MM-DD", id="days-off-date", compact=True)
                yield Input(placeholder="reason (holiday, sick day...)", id="days-off-reason",
                            compact=True)  # fmt: skip
        yield KeyFooter()

    def on_mount(self) -> None:
        table = self.query_one("#days-off-table", DataTable)
        table.add_columns("Day", "Reason")
        table.focus()
        self._load()

    def _load(self) -> None:
        actor, key = self.actor, self.person_id
        self.run_db(lambda s: show_availability(s, actor, key), self._show, group="days-off")

    def _show(self, view: AvailabilityView) -> None:
        self._view = view
        self.person_name = view.full_name
        self.query_one("#days-off-title", Static).update(
            f"Days off of {view.full_name} <{view.email}>"
        )
        self.query_one("#days-off-zone", Static).update(
            f"{len(view.exceptions)} day(s) off, in {view.timezone} · a adds · x takes back"
        )
        table = self.query_one("#days-off-table", DataTable)
        at = table.cursor_row
        table.clear()
        for item in view.exceptions:
            table.add_row(
                Text(str(item.get("date", ""))),
                user_text(str(item.get("reason", ""))),
                key=str(item.get("date")),
            )
        if view.exceptions:
            table.move_cursor(row=min(at, len(view.exceptions) - 1))

    def action_add(self) -> None:
        self.query_one("#days-off-date", Input).focus()

    @on(Input.Submitted, "#days-off-date")
    def _date_done(self) -> None:
        self.query_one("#days-off-reason", Input).focus()

    @on(Input.Submitted, "#days-off-reason")
    def _save(self) -> None:
        date_box = self.query_one("#days-off-date", Input)
        reason = self.query_one("#days-off-reason", Input).value
        text = date_box.value
        actor, key, config = self.actor, self.person_id, self.services.config

        def job(session: Session) -> AvailabilityView:
            day = parse_day(text)
            return add_exception(session, actor, key, day, reason=reason, config=config)

        def done(view: AvailabilityView) -> None:
            self.notify(f"{text.strip()} is a day off for {self.person_name}.", markup=False)
            date_box.value = ""
            self.query_one("#days-off-reason", Input).value = ""
            self._show(view)
            self.query_one("#days-off-table", DataTable).focus()
            self.post_message(DataChanged("days_off"))

        self.run_db(job, done, group="days-off-write")

    def _current_day(self) -> str | None:
        view = self._view
        row = self.query_one("#days-off-table", DataTable).cursor_row
        if view is None or not 0 <= row < len(view.exceptions):
            return None
        return str(view.exceptions[row].get("date"))

    def action_remove(self) -> None:
        day_text = self._current_day()
        if day_text is None:
            self.app.bell()
            return
        actor, key, config = self.actor, self.person_id, self.services.config

        def answered(yes: bool | None) -> None:
            if not yes:
                return

            def job(session: Session) -> AvailabilityView:
                day = parse_day(day_text)
                return add_exception(session, actor, key, day, remove=True, config=config)

            def done(view: AvailabilityView) -> None:
                self.notify(f"{day_text} is no longer a day off.", markup=False)
                self._show(view)
                self.post_message(DataChanged("days_off"))

            self.run_db(job, done, group="days-off-write")

        self.app.push_screen(
            ConfirmScreen(f"Take back the day off on {day_text}?", [self.person_name]), answered
        )

    def action_close(self) -> None:
        if isinstance(self.focused, Input):
            self.query_one("#days-off-table", DataTable).focus()
        else:
            self.dismiss(None)
