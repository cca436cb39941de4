"""Analytics (`A` on the dashboard or the admin screen; admins and mentors): the per-mentor
table of ``core/analytics/mentors.py`` (every mentor for an admin, a mentor's own row), sortable
by any column (`o` next column, `O` the other way, or a click on a header), `enter` drills into
one mentor, `e` / `E` export the table as Markdown / CSV into the data folder's reports/ and
say the file on screen, `r` sets the date range (from / to, as ``report --from --to``) for
this screen and those opened from it, `p` opens the program-wide figures (admins). Everything
is read in a worker; the screen paints at once with a loading state."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import DataTable, Static

from mentor_tui.core.analytics.mentors import MentorRow, Period, mentor_table, sort_rows
from mentor_tui.core.analytics.report import MENTOR_COLUMNS, period_words, shown
from mentor_tui.screens.base import MentorScreen
from mentor_tui.widgets.figures import user_text
from mentor_tui.widgets.key_footer import KeyFooter

if TYPE_CHECKING:
    from pathlib import Path

    from sqlmodel import Session

# the table's columns: the report's, without the email and status (they are in the drill-in)
SHOWN = [c for c in MENTOR_COLUMNS if c.key not in ("email", "status")]
SHORT = {
    "name": "Mentor",
    "students": "Stud.",
    "active_students": "Active",
    "average_completion_rate": "Compl.",
    "reviews": "Revs",
    "average_review_hours": "Rev. h",
    "reviews_within_sla_share": "In SLA",
    "sessions_held": "Held",
    "attendance_rate": "Attend",
    "average_rating": "Rating",
    "ratings": "Rated",
    "graduated_students": "Grad.",
    "at_risk_students": "Risk",
}


def cell(row: MentorRow, key: str, kind: str) -> Text:
    value = getattr(row, key)
    if kind == "text":
        return user_text(value)
    return Text(shown(value, kind), justify="right", style="dim" if value is None else "")


class AnalyticsScreen(MentorScreen):
    CSS_PATH = "analytics.tcss"
    HELP_TITLE = "Analytics"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Back", id="analytics.back"),
        Binding("o", "sort(1)", "Sort", id="analytics.sort"),
        Binding("O", "reverse", "Reverse", id="analytics.reverse", key_display="O"),
        Binding("e", "export('md')", ".md", id="analytics.export_md"),
        Binding("E", "export('csv')", ".csv", id="analytics.export_csv", key_display="E"),
        Binding("r", "period", "Dates", id="analytics.period"),
        Binding("p", "program", "Program", id="analytics.program"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[MentorRow] = []
        self.sort_key = "name"
        self.descending = False
        self.period = Period()

    def compose(self) -> ComposeResult:
        yield self.mentor_app.make_status_bar(self.HELP_TITLE)
        yield Static("Mentor performance: reading…", id="analytics-title", markup=False)
        yield DataTable(id="analytics-table", cursor_type="row", zebra_stripes=True)
        yield Static("", id="analytics-note", markup=False)
        yield KeyFooter()

    def on_mount(self) -> None:
        table = self.query_one("#analytics-table", DataTable)
        for column in SHOWN:
            table.add_column(SHORT[column.key], key=column.key)
        table.focus()
        self.load()

    def load(self) -> None:
        actor, config, period = self.actor, self.services.config, self.period
        self.query_one("#analytics-title", Static).update(
            f"Mentor performance, {period_words(period)}: reading…"
        )
        self.query_one("#analytics-table", DataTable).loading = True
        self.run_db(
            lambda s: mentor_table(s, actor, config, period=period),
            self._loaded,
            group="analytics",
        )

    def _loaded(self, rows: list[MentorRow]) -> None:
        self.rows = rows
        self.query_one("#analytics-table", DataTable).loading = False
        self._paint()
        self.refresh_bindings()  # sort and export were greyed out until the rows came

    def _paint(self) -> None:
        self.rows = sort_rows(self.rows, self.sort_key, descending=self.descending)
        table = self.query_one("#analytics-table", DataTable)
        at = table.cursor_row
        table.clear()
        for row in self.rows:
            table.add_row(*(cell(row, c.key, c.kind) for c in SHOWN), key=row.mentor_id)
        if self.rows:
            table.move_cursor(row=min(at, len(self.rows) - 1))
        label = next(c.label for c in SHOWN if c.key == self.sort_key)
        arrow = "↓" if self.descending else "↑"
        noun = "mentor" if len(self.rows) == 1 else "mentors"
        self.query_one("#analytics-title", Static).update(
            f"Mentor performance, {period_words(self.period)}: {len(self.rows)} {noun}, "
            f"sorted by {label} {arrow}. enter: one mentor"
        )

    def action_sort(self, step: int) -> None:
        keys = [c.key for c in SHOWN]
        self.sort_key = keys[(keys.index(self.sort_key) + step) % len(keys)]
        self.descending = False
        self._paint()

    def action_reverse(self) -> None:
        self.descending = not self.descending
        self._paint()

    @on(DataTable.HeaderSelected, "#analytics-table")
    def _header(self, event: DataTable.HeaderSelected) -> None:
        key = str(event.column_key.value)
        if key == self.sort_key:
            self.descending = not self.descending
        else:
            self.sort_key, self.descending = key, False
        self._paint()

    @on(DataTable.RowSelected, "#analytics-table")
    def _open(self, event: DataTable.RowSelected) -> None:
        from mentor_tui.screens.analytics.mentor import MentorAnalyticsScreen

        index = event.cursor_row
        if 0 <= index < len(self.rows):
            row = self.rows[index]
            self.app.push_screen(MentorAnalyticsScreen(row.mentor_id, row.name, self.period))

    def action_period(self) -> None:
        from mentor_tui.screens.analytics.period import PeriodScreen

        def chosen(period: Period | None) -> None:
            if period is not None and period != self.period:
                self.period = period
                self.load()

        self.app.push_screen(PeriodScreen(self.period), chosen)

    def action_program(self) -> None:
        from mentor_tui.screens.analytics.program import ProgramScreen

        self.app.push_screen(ProgramScreen(self.period))

    def action_export(self, fmt: str) -> None:
        from mentor_tui.core.analytics.report import save_report
        from mentor_tui.core.analytics.reports import mentors_report
        from mentor_tui.paths import data_dir

        actor, config, folder = self.actor, self.services.config, data_dir() / "reports"
        period = self.period
        note = self.query_one("#analytics-note", Static)
        note.update(f"Writing the {fmt} report…")

        def job(session: Session) -> Path:
            report = mentors_report(session, actor, config, period=period)
            return save_report(report, fmt, folder)

        def done(path: Path) -> None:
            note.update(f"Saved {path}")
            self.notify(f"Saved {path}", markup=False)

        self.run_db(job, done, group="analytics-export")

    def refused(self, sentence: str) -> None:
        self.query_one("#analytics-table", DataTable).loading = False
        self.query_one("#analytics-note", Static).update(sentence)
        super().refused(sentence)

    def check_action(self, action: str, parameters: tuple[Any, ...]) -> bool | None:
        if action in ("sort", "reverse", "export") and not self.rows:
            return None  # greyed out until the table has rows
        if action == "program":  # program-wide figures are the admins' (SPEC section 8)
            return self.actor.is_admin
        return True
