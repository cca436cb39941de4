"""One mentor's analytics (`enter` on the analytics table): their figures, their students and
their review times week by week (the last 12 weeks, or the weeks of the analytics screen's date
range), read in a worker. The weeks are a table (the text alternative) and a chart: `c`
switches between them."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import ContentSwitcher, DataTable, Static

from mentor_tui.core.analytics.mentor_detail import WEEKS, MentorDetail, mentor_detail
from mentor_tui.core.analytics.mentors import Period
from mentor_tui.core.analytics.report import MENTOR_COLUMNS, period_words, shown
from mentor_tui.core.text import clean_line
from mentor_tui.screens.analytics.charts import review_weeks_chart
from mentor_tui.screens.base import MentorScreen
from mentor_tui.widgets.chart import Chart
from mentor_tui.widgets.figures import user_text
from mentor_tui.widgets.key_footer import KeyFooter

if TYPE_CHECKING:
    from sqlmodel import Session


def summary_lines(detail: MentorDetail) -> str:
    row = detail.row.as_dict()
    parts = [
        f"{c.label}: {shown(row[c.key], c.kind)}"
        for c in MENTOR_COLUMNS
        if c.key not in ("name", "email")
    ]
    head = f"{clean_line(detail.row.name)} <{clean_line(detail.row.email)}>"
    return head + "\n" + " · ".join(parts)


class MentorAnalyticsScreen(MentorScreen):
    CSS_PATH = "analytics.tcss"
    HELP_TITLE = "Analytics: one mentor"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Back", id="analytics_mentor.back"),
        Binding("tab", "app.focus_next", "Next table", id="analytics_mentor.next"),
        Binding("c", "chart", "Chart", id="analytics_mentor.chart"),
    ]

    def __init__(self, mentor_id: str, name: str, period: Period | None = None) -> None:
        super().__init__()
        self.mentor_id = mentor_id
        self.mentor_name = name
        self.period = period or Period()
        self.detail: MentorDetail | None = None

    def compose(self) -> ComposeResult:
        yield self.mentor_app.make_status_bar(self.HELP_TITLE)
        with VerticalScroll(id="mentor-summary-box"):
            yield Static(f"{clean_line(self.mentor_name)}: reading…", id="mentor-summary",
                         markup=False)  # fmt: skip
        yield DataTable(id="mentor-students", cursor_type="row", zebra_stripes=True)
        yield Static(self._weeks_words(), id="analytics-note", markup=False)
        with ContentSwitcher(initial="mentor-weeks", id="mentor-weeks-box"):
            yield DataTable(id="mentor-weeks", cursor_type="row", zebra_stripes=True)
            yield Chart(id="mentor-chart")
        yield KeyFooter()

    def _weeks_words(self) -> str:
        when = period_words(self.period) if self.period.bounded else f"last {WEEKS} weeks"
        return f"Review times by week ({when}); c: chart / table"

    def on_mount(self) -> None:
        students = self.query_one("#mentor-students", DataTable)
        students.add_columns("Student", "Status", "Compl.", "Pending", "At risk because")
        weeks = self.query_one("#mentor-weeks", DataTable)
        weeks.add_columns("Week of", "Reviews", "Avg time", "In SLA")
        students.focus()
        actor, config, mentor_id = self.actor, self.services.config, self.mentor_id
        period = self.period

        def job(session: Session) -> MentorDetail:
            return mentor_detail(session, actor, config, mentor_id, period=period)

        self.run_db(job, self._show, group="analytics-mentor")

    def _show(self, detail: MentorDetail) -> None:
        self.detail = detail
        self.query_one("#mentor-summary", Static).update(summary_lines(detail))
        students = self.query_one("#mentor-students", DataTable)
        students.clear()
        for s in detail.students:
            students.add_row(
                user_text(s.full_name),
                user_text(s.status),
                Text(shown(s.completion_rate, "percent"), justify="right"),
                Text(str(s.pending_submissions), justify="right"),
                user_text("; ".join(s.at_risk_reasons) or "—", "yellow" if s.at_risk else "dim"),
                key=s.id,
            )
        weeks = self.query_one("#mentor-weeks", DataTable)
        weeks.clear()
        for w in detail.weeks:
            weeks.add_row(
                Text(w.week.isoformat()),
                Text(str(w.reviews), justify="right"),
                Text(shown(w.average_hours, "hours"), justify="right"),
                Text(shown(w.within_sla_share, "share"), justify="right"),
            )
        sla = self.services.config.assignment_review_sla_hours
        self.query_one("#mentor-chart", Chart).show(review_weeks_chart(detail.weeks, sla))
        if not detail.weeks:
            when = period_words(self.period) if self.period.bounded else f"last {WEEKS} weeks"
            self.query_one("#analytics-note", Static).update(
                f"Review times by week: no decisions in the {when}."
                if not self.period.bounded
                else f"Review times by week: no decisions from {when}."
            )

    def action_chart(self) -> None:
        box = self.query_one("#mentor-weeks-box", ContentSwitcher)
        box.current = "mentor-chart" if box.current == "mentor-weeks" else "mentor-weeks"
