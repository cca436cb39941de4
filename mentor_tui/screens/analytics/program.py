"""The program-wide analytics (`p` on the analytics screen; admins only, as SPEC section 8 has
it): the sections of ``mentor-tui report program`` (completion by mentor, time to course
completion, retention by cohort, by verified specialization, satisfaction, the success
correlations with n, r and their reading), one at a time: `]` / `[` the next / previous section,
`c` switches between the section's table and its chart (the table is the text alternative and
the default; on the correlations `n` shows the next pair's scatter plot), `r` the date range, `e` exports the report as Markdown. Everything is read in one
worker; the screen paints at once with a loading state."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import ContentSwitcher, DataTable, Static

from mentor_tui.core.analytics.mentors import Period
from mentor_tui.core.analytics.program import ProgramFigures, program_figures
from mentor_tui.core.analytics.report import Table, period_words, shown
from mentor_tui.screens.analytics.charts import section_chart
from mentor_tui.screens.base import MentorScreen
from mentor_tui.widgets.chart import Chart
from mentor_tui.widgets.figures import user_text
from mentor_tui.widgets.key_footer import KeyFooter

if TYPE_CHECKING:
    from pathlib import Path

    from sqlmodel import Session


def table_cell(value: Any, kind: str) -> Text:
    if kind == "text":
        return user_text(shown(value, kind) if value is not None else "—")
    return Text(shown(value, kind), justify="right", style="dim" if value is None else "")


class ProgramScreen(MentorScreen):
    CSS_PATH = "analytics.tcss"
    HELP_TITLE = "Analytics: program"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Back", id="program.back"),
        Binding("right_square_bracket", "section(1)", "Next", id="program.next", key_display="]"),
        Binding("left_square_bracket", "section(-1)", "Prev", id="program.prev", key_display="["),
        Binding("c", "chart", "Chart", id="program.chart"),
        Binding("n", "pair", "Pair", id="program.pair"),
        Binding("r", "period", "Dates", id="program.period"),
        Binding("e", "export", ".md", id="program.export"),
    ]

    def __init__(self, period: Period | None = None) -> None:
        super().__init__()
        self.period = period or Period()
        self.figures: ProgramFigures | None = None
        self.section = 0
        self.charting = False
        self.pair = 0

    def compose(self) -> ComposeResult:
        yield self.mentor_app.make_status_bar(self.HELP_TITLE)
        yield Static(self._reading(), id="program-title", markup=False)
        yield Static("", id="program-notes", markup=False)
        with ContentSwitcher(initial="program-table", id="program-body"):
            yield DataTable(id="program-table", cursor_type="row", zebra_stripes=True)
            yield Chart(id="program-chart")
        yield KeyFooter()

    def _reading(self) -> str:
        return f"Program analytics, {period_words(self.period)}: reading every figure…"

    def on_mount(self) -> None:
        self.query_one("#program-table", DataTable).focus()
        self.load()

    def load(self) -> None:
        actor, config, period = self.actor, self.services.config, self.period
        self.figures = None
        self.query_one("#program-title", Static).update(self._reading())
        self.query_one("#program-table", DataTable).loading = True
        self.run_db(
            lambda s: program_figures(s, actor, config, period=period),
            self._loaded,
            group="analytics-program",
        )

    def _loaded(self, figures: ProgramFigures) -> None:
        self.figures = figures
        self.query_one("#program-table", DataTable).loading = False
        self._paint()
        self.refresh_bindings()  # sections, chart and export were greyed out until now

    @property
    def table(self) -> Table | None:
        if self.figures is None:
            return None
        return self.figures.report.tables[self.section]

    def _paint(self) -> None:
        table = self.table
        if table is None:
            return
        self.query_one("#program-notes", Static).update(" ".join(table.notes))
        grid = self.query_one("#program-table", DataTable)
        grid.clear(columns=True)
        for column in table.columns:
            grid.add_column(column.label, key=column.key)
        grid.add_rows(
            [[table_cell(row.get(c.key), c.kind) for c in table.columns] for row in table.rows]
        )
        self.pair = 0
        self._paint_chart()

    def _paint_chart(self) -> None:
        table = self.table
        if table is None or self.figures is None:
            return
        spec = section_chart(table, self.figures.correlations, self.pair)
        if spec is None and self.charting:
            self.charting = False
            self.notify(f"{table.heading} has no chart; its table is all there is.")
        self.query_one("#program-chart", Chart).show(spec)
        body = self.query_one("#program-body", ContentSwitcher)
        body.current = "program-chart" if self.charting else "program-table"
        count = len(self.figures.report.tables)
        shown_as = "table"
        if self.charting:
            shown_as = "chart" + (" (n: next pair)" if self._pairs else "")
        self.query_one("#program-title", Static).update(
            f"Program analytics, {period_words(self.period)} · {self.section + 1}/{count} "
            f"{table.heading} · {shown_as}"
        )
        self.refresh_bindings()

    @property
    def _pairs(self) -> bool:
        """On the correlations, as a chart: `n` shows the next pair's scatter plot."""
        table = self.table
        return self.charting and table is not None and table.heading == "Success correlations"

    @on(DataTable.RowHighlighted, "#program-table")
    def _row(self, event: DataTable.RowHighlighted) -> None:
        table = self.table
        if table is not None and table.heading == "Success correlations":
            self.pair = event.cursor_row

    def action_section(self, step: int) -> None:
        if self.figures is None:
            return
        self.section = (self.section + step) % len(self.figures.report.tables)
        self._paint()

    def action_chart(self) -> None:
        self.charting = not self.charting
        self._paint_chart()

    def action_pair(self) -> None:
        if self.figures is not None and self.figures.correlations:
            self.pair = (self.pair + 1) % len(self.figures.correlations)
            self.query_one("#program-table", DataTable).move_cursor(row=self.pair)
            self._paint_chart()

    def action_period(self) -> None:
        from mentor_tui.screens.analytics.period import PeriodScreen

        def chosen(period: Period | None) -> None:
            if period is not None and period != self.period:
                self.period = period
                self.load()

        self.app.push_screen(PeriodScreen(self.period), chosen)

    def action_export(self) -> None:
        from mentor_tui.core.analytics.report import save_report
        from mentor_tui.paths import data_dir

        if self.figures is None:
            return
        report, folder = self.figures.report, data_dir() / "reports"
        notes = self.query_one("#program-notes", Static)
        notes.update("Writing the md report…")

        def job(_session: Session) -> Path:
            return save_report(report, "md", folder)

        def done(path: Path) -> None:
            notes.update(f"Saved {path}")
            self.notify(f"Saved {path}", markup=False)

        self.run_db(job, done, group="analytics-export")

    def refused(self, sentence: str) -> None:
        self.query_one("#program-table", DataTable).loading = False
        self.query_one("#program-title", Static).update(sentence)
        super().refused(sentence)

    def check_action(self, action: str, parameters: tuple[Any, ...]) -> bool | None:
        if action in ("section", "chart", "export") and self.figures is None:
            return None  # greyed out until the figures are in
        if action == "pair":
            return self._pairs
        return True
