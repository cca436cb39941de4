"""Substitutions under way (`w` on the admin screen's Mentors pane): every student whose
mentor is away, with the substitute standing in, the mentor's last day away and whether the
new pairing is kept. `k` keeps the highlighted pairing for good (the same as `mentor-tui
mentors keep`), after a confirmation: when the mentor comes back that student stays with the
substitute."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from sqlmodel import Session
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import DataTable, Static

from mentor_tui.core.matching.substitution import (
    AbsenceView,
    SubstitutionRow,
    keep_pairing,
    list_substitutions,
)
from mentor_tui.screens.base import MentorModal
from mentor_tui.screens.dialogs import ConfirmScreen
from mentor_tui.widgets.events import DataChanged
from mentor_tui.widgets.figures import user_text
from mentor_tui.widgets.key_footer import KeyFooter


class SubstitutionsScreen(MentorModal[None]):
    CSS_PATH = "substitutions.tcss"
    HELP_TITLE = "Substitutions"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("k", "keep", "Keep pairing", id="substitutions.keep"),
        Binding("escape", "close", "Close", id="substitutions.close"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._rows: list[SubstitutionRow] = []

    def compose(self) -> ComposeResult:
        with Vertical(id="subs-box"):
            yield Static("Substitutions under way", id="subs-title")
            yield DataTable(id="subs-table", cursor_type="row", zebra_stripes=True)
            yield Static("", id="subs-detail", markup=False)
        yield KeyFooter()

    def on_mount(self) -> None:
        table = self.query_one("#subs-table", DataTable)
        table.add_columns("Student", "Away", "Substitute", "Until", "Kept")
        table.focus()
        self._load()

    def _load(self) -> None:
        actor = self.actor
        self.run_db(lambda s: list_substitutions(s, actor), self._show, group="subs-load")

    def _show(self, rows: list[SubstitutionRow]) -> None:
        self._rows = rows
        table = self.query_one("#subs-table", DataTable)
        at = table.cursor_row
        table.clear()
        for r in rows:
            table.add_row(
                user_text(r.student_name),
                user_text(r.mentor_name),
                user_text(
                    r.substitute_name or "nobody had room", "" if r.substitute_name else "dim"
                ),
                Text(r.ends_on.isoformat() if r.ends_on else "further notice"),
                Text("kept" if r.kept else "-", style="bold" if r.kept else "dim"),
                key=r.student_id,
            )
        if rows:
            table.move_cursor(row=min(at, len(rows) - 1))
        else:
            self.query_one("#subs-detail", Static).update("No mentor is away now.")

    def _current(self) -> SubstitutionRow | None:
        row = self.query_one("#subs-table", DataTable).cursor_row
        return self._rows[row] if 0 <= row < len(self._rows) else None

    @on(DataTable.RowHighlighted, "#subs-table")
    def _highlighted(self) -> None:
        r = self._current()
        if r is None:
            return
        if r.kept:
            said = f"{r.student_name} stays with {r.substitute_name} after {r.mentor_name} is back."
        elif r.with_substitute:
            said = (
                f"{r.student_name} goes back to {r.mentor_name} unless you keep this pairing (k)."
            )
        else:
            said = f"{r.student_name} is not with a substitute now; nothing to keep."
        self.query_one("#subs-detail", Static).update(f"{r.student_email}: {said}")

    def action_keep(self) -> None:
        r = self._current()
        if r is None:
            self.app.bell()
            return
        if r.kept:
            self.notify(f"{r.student_name} already stays with {r.substitute_name}.", markup=False)
            return
        actor = self.actor

        def answered(yes: bool | None) -> None:
            if not yes:
                return

            def job(session: Session) -> AbsenceView:
                return keep_pairing(session, actor, r.student_id)

            def done(_view: AbsenceView) -> None:
                self.notify(
                    f"{r.student_name} stays with {r.substitute_name} for good.", markup=False
                )
                for screen in self.app.screen_stack:
                    screen.post_message(DataChanged("substitution"))

            self.run_db(job, done, group="subs-keep")

        self.app.push_screen(
            ConfirmScreen(
                f"Keep {r.student_name} with {r.substitute_name}?",
                [
                    f"When {r.mentor_name} is back, {r.student_name} stays with "
                    f"{r.substitute_name} instead of going back.",
                ],
            ),
            answered,
        )

    @on(DataChanged)
    def _changed(self) -> None:
        self._load()

    def action_close(self) -> None:
        self.dismiss(None)
