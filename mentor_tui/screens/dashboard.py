"""Key `1`: the mentor's day at a glance, or the program for an admin (SPEC 4.1); `p` there
opens a mentor's own profile (`screens/people/my_profile.py`).

The screen paints its frame first (titles, status bar, cards showing "…") and then reads the
dashboard's parts (``mentor_tui.core.analytics.dashboard.PARTS``) in one worker each, started right after
that frame: each section is painted as soon as its own figures arrive, so the cheap ones (the
review queue, sessions, activity) do not wait for the costly student figures. The workers also
import the queries, so the first frame needs no SQLAlchemy.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import DataTable, Static

from mentor_tui.core import clock
from mentor_tui.core.text import clean_line
from mentor_tui.screens.base import MentorScreen
from mentor_tui.widgets.events import DataChanged
from mentor_tui.widgets.figures import age, count, local_time, percent, user_text
from mentor_tui.widgets.key_footer import KeyFooter

if TYPE_CHECKING:
    from sqlmodel import Session

    from mentor_tui.core.analytics.dashboard import (
        MentorPerformance,
        ProgramOverview,
        ReviewQueue,
        StudentSummary,
        UpcomingSession,
    )
    from mentor_tui.core.analytics.summary_counts import EarlyCounts, EarlyFigures
    from mentor_tui.core.notes.notes import NoteLine
    from mentor_tui.core.people.progress import ActivityItem


class DashboardScreen(MentorScreen):
    CSS_PATH = "dashboard.tcss"
    HELP_TITLE = "Dashboard"
    # the app's other start-up work waits until every part is painted (issue #21)
    REPORTS_START_FIGURES = True
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "reload", "Refresh", id="dashboard.refresh"),
        Binding("enter", "open_student", "Open student", id="dashboard.open", show=False),
        # admins and mentors: in `?` and the palette, not in the footer
        Binding("A", "analytics", "Analytics", id="dashboard.analytics", show=False),
        # a mentor's own profile (time zone, weekly windows, contact preferences to edit)
        Binding("p", "my_profile", "My profile", id="dashboard.my_profile"),
    ]

    def compose(self) -> ComposeResult:
        yield self.mentor_app.make_status_bar(self.HELP_TITLE)
        with Horizontal(id="cards"):
            for card in ("students", "completion", "reviews", "risk"):
                yield Static("…", id=f"card-{card}", classes="card", markup=False)
        with Horizontal(id="dashboard-body"):
            with Vertical(id="dashboard-left"):
                yield Static(
                    "Needs attention", classes="section-title", id="attention-title", markup=False
                )
                yield DataTable(id="attention", cursor_type="row", zebra_stripes=True)
                yield Static("Recent activity", classes="section-title")
                yield VerticalScroll(Static("", id="activity", markup=False), id="activity-box")
            # scrolls where a small terminal cannot show every section (its bar says so)
            with VerticalScroll(id="dashboard-right"):
                yield Static("Upcoming sessions", classes="section-title")
                yield Static("", id="sessions", markup=False)
                # a mentor's own notes: hidden for anyone else from the first frame on
                mentor = self.actor.is_mentor
                title = Static("Action items due", classes="section-title", id="action-items-title")
                items = Static("", id="action-items", markup=False)
                title.display = items.display = mentor
                yield title
                yield items
                yield Static("", id="performance-title", classes="section-title", markup=False)
                yield Static("", id="performance", markup=False)
        yield KeyFooter()

    def on_mount(self) -> None:
        table = self.query_one("#attention", DataTable)
        table.add_column("Student", width=26, key="name")
        table.add_column("Done", width=5, key="completion")
        table.add_column("Pending", width=7, key="pending")
        table.add_column("Last active", width=11, key="last")
        table.add_column("Why", width=60, key="why")
        self._reloads = 0
        self.mentor_app.call_after_first_frame(self.action_reload)  # the frame, then figures

    def _start_early_counts(self) -> EarlyCounts | None:
        actor = self.actor
        if not (actor.is_admin or actor.is_mentor):
            return None
        from mentor_tui.core.analytics.summary_counts import risk_moment, start_early_counts

        moment = clock.now().replace(second=0, microsecond=0)  # the parts' minute (dashboard)
        config = self.services.config
        sla = config.assignment_review_sla_hours
        return start_early_counts(
            self.services.db_path,
            risk_moment(moment, sla),
            config.max_students_per_mentor,
            mentor=actor.id if actor.is_mentor else None,
            sla_hours=sla,
        )

    def action_reload(self) -> None:
        """Read every part in its own worker, the costly student figures first so that their
        queries start soonest; each part is painted when it arrives."""
        painters: dict[str, Callable[[Any], None]] = {
            "summary": self._show_summary,
            "reviews": self._show_reviews,
            "overview": self._show_performance,
            "activity": self._show_activity,
            "sessions": self._show_sessions,
        }
        if self.actor.is_mentor:
            painters["action_items"] = self._show_action_items
        unpainted = set(painters)
        self._reloads += 1
        # the first reload: an admin's or a mentor's figures read on a connection of their own,
        # which SQLite reads on the other core while the workers import the ORM; the cards and
        # the program overview (a mentor's performance) are painted from that read as soon as
        # it is done, before the ORM is loaded
        # (not started before the first frame: that frame came later, issue #21)
        early = self._start_early_counts() if self._reloads == 1 else None
        if early is not None:
            self._paint_early(early, unpainted)
        for part, paint in painters.items():
            self.run_db(
                self._reader(part, early),
                self._painter(part, paint, unpainted),
                group=f"dashboard-{part}",
            )

    def _paint_early(self, early: EarlyCounts, unpainted: set[str]) -> None:
        """The figures ``early`` read painted once read, before the ORM is loaded: the student
        cards, the review queue card and the program overview (or a mentor's performance),
        each unless its part of this
        reload was painted already or the screen reloaded since (the attention table comes
        with the summary part)."""
        reload = self._reloads

        def paint(found: EarlyFigures) -> None:
            if reload != self._reloads:
                return
            if found.counts is not None and "summary" in unpainted:
                groups = found.counts.groups
                self._show_student_cards(
                    groups.students,
                    groups.active,
                    found.counts.ranked.at_risk,
                    groups.average_completion,
                )
            if "reviews" in unpainted:
                self._show_reviews(found.reviews)
            if "overview" in unpainted:
                self._show_performance(found.overview)

        def wait() -> None:
            found = early.figures()
            if found is not None:
                self.app.call_from_thread(paint, found)

        self.run_worker(wait, thread=True, group="dashboard-early", exit_on_error=False)

    def _painter(
        self, part: str, paint: Callable[[Any], None], unpainted: set[str]
    ) -> Callable[[Any], None]:
        """``paint``, then, once every part of this reload is painted, the app told so (the
        first time: the rest of start-up begins, see ``MentorApp.home_figures_painted``)."""

        def painted(data: Any) -> None:
            paint(data)
            unpainted.discard(part)
            if not unpainted:
                self.mentor_app.home_figures_painted()

        return painted

    def _reader(self, part: str, early: EarlyCounts | None = None) -> Callable[[Session], Any]:
        config = self.services.config
        actor = self.actor

        def load(session: Session) -> Any:
            from mentor_tui.core.analytics import dashboard

            readers = {
                "summary": partial(dashboard.student_summary, early=early),
                "reviews": dashboard.review_queue,
                "overview": dashboard.overview_figures,
                "activity": dashboard.recent_activity,
                "sessions": _with_count(
                    dashboard.dashboard_sessions,
                    lambda s, a, c: dashboard.upcoming_session_count(s, a),
                ),
                "action_items": _with_count(dashboard.action_items, _action_item_count),
            }
            return readers[part](session, actor, config)

        return load

    @on(DataChanged)
    def _changed(self) -> None:
        self.action_reload()

    def _show_student_cards(
        self, students: int, active: int, at_risk: int, average_completion: float
    ) -> None:
        self._card("students", "Students", f"{students}", f"{active} active")
        self._card("completion", "Average completion", f"{average_completion:.0f}%", "of modules")
        self._card("risk", "At risk", f"{at_risk}", "students with a warning", alert=at_risk > 0)

    def _show_summary(self, data: StudentSummary) -> None:
        self._show_student_cards(
            data.student_count,
            data.active_students,
            data.at_risk_count,
            data.average_completion,
        )
        table = self.query_one("#attention", DataTable)
        table.clear()
        shown, total = len(data.attention), max(data.attention_total, len(data.attention))
        title = "Needs attention"
        if total > shown:  # issue #22: never cut without a word
            title += f": {shown} of {total} (2: all)"
        elif total:
            title += f" ({total})"
        self.query_one("#attention-title", Static).update(title)
        for row in data.attention:
            why = "; ".join(row.at_risk_reasons) or f"{row.pending_submissions} pending"
            table.add_row(
                user_text(row.full_name),
                percent(row.completion_rate),
                count(row.pending_submissions),
                age(row.last_activity_at),
                user_text(why, "yellow" if row.at_risk else ""),
                key=row.id,
            )

    def _show_reviews(self, data: ReviewQueue) -> None:
        sla = self.services.config.assignment_review_sla_hours
        oldest = (
            f"oldest {clock.humanize_age(data.oldest_pending_at)}"
            if data.oldest_pending_at
            else "nothing waiting"
        )
        self._card(
            "reviews",
            "Pending reviews",
            f"{data.pending_reviews}",
            f"{data.overdue_reviews} over {sla} h · {oldest}",
            alert=data.overdue_reviews > 0,
        )

    def _show_activity(self, items: list[ActivityItem]) -> None:
        tz = self.actor.timezone
        activity = Text(no_wrap=True, overflow="ellipsis")
        for item in items:
            activity.append(f"{local_time(item.at, tz)}  ", style="dim")
            activity.append(clean_line(item.text) + "\n")
        self.query_one("#activity", Static).update(activity or Text("No activity yet.", "dim"))

    def _show_sessions(self, found: tuple[list[UpcomingSession], int]) -> None:
        upcoming, total = found
        tz = self.actor.timezone
        sessions = Text()
        for session in upcoming:
            sessions.append(f"{local_time(session.starts_at, tz)}  ", style="bold")
            sessions.append(f"{session.duration_minutes} min  ", style="dim")
            sessions.append(clean_line(session.title or "Session"))
            names = ", ".join(clean_line(n) for n in session.student_names)
            sessions.append(f"\n    {names}\n", style="dim")
        if total > len(upcoming):
            sessions.append(f"+{total - len(upcoming)} more (5: calendar)", style="italic")
        self.query_one("#sessions", Static).update(sessions or Text("Nothing scheduled.", "dim"))

    def _show_action_items(self, found: tuple[list[NoteLine], int]) -> None:
        """A mentor's open action items, overdue (red) or due within a week, soonest first."""
        due, total = found
        from mentor_tui.core import dates  # not needed for the first frame

        today = dates.today_in(self.actor.timezone)
        items = Text()
        for item in due:
            day = item.due_date or today  # the query keeps only items with a due date
            if day < today:
                when = f"{day:%d %b %Y}" if day.year != today.year else f"{day:%d %b}"
                items.append(f"{when} overdue", style="bold red")
            elif day == today:
                items.append("today", style="bold yellow")
            else:
                items.append(f"{day:%a %d %b}", style="bold")
            items.append(f"  {clean_line(item.student_name)}  ")
            first = next((line for line in item.note.splitlines() if line.strip()), "")
            items.append(clean_line(first.strip()) + "\n", style="dim")
        if total > len(due):
            items.append(f"+{total - len(due)} more (4: notes)", style="italic")
        empty = Text("Nothing due this week.", "dim")
        self.query_one("#action-items", Static).update(items or empty)

    def _show_performance(self, data: MentorPerformance | ProgramOverview | None) -> None:
        from mentor_tui.core.analytics.dashboard_figures import MentorPerformance, ProgramOverview

        title = self.query_one("#performance-title", Static)
        body = Text()
        if isinstance(data, MentorPerformance):
            p = data
            title.update("Your performance")
            review = "—" if p.average_review_hours is None else f"{p.average_review_hours:.1f} h"
            rating = "—" if p.average_rating is None else f"{p.average_rating:.1f} / 5"
            lines = [
                ("Students", str(p.students)),
                ("Average completion", f"{p.average_completion_rate:.0f}%"),
                ("Average review time", review),
                ("Reviews within SLA", _share(p.reviews_within_sla_share)),
                ("Session attendance", _share(p.session_attendance_rate)),
                ("Average rating", rating),
                ("Graduated", str(p.graduated_students)),
            ]
        elif isinstance(data, ProgramOverview):
            o = data
            title.update("Program")
            lines = [
                ("Mentors", f"{o.active_mentors} active of {o.mentors}"),
                ("Students", str(o.students)),
                ("Unassigned", str(o.unassigned_students)),
                ("Mentors at capacity", str(o.mentors_at_capacity)),
                ("Graduated", str(o.graduated_students)),
            ]
            for name, completion, students in o.completion_by_mentor:
                lines.append((clean_line(name), f"{completion:.0f}% · {students} students"))
        else:
            title.update("")
            lines = []
        for label, value in lines:
            body.append(f"{label:<24}", style="dim")
            body.append(f"{value}\n")
        self.query_one("#performance", Static).update(body)

    def _card(self, card: str, label: str, value: str, note: str, *, alert: bool = False) -> None:
        widget = self.query_one(f"#card-{card}", Static)
        widget.set_class(alert, "alert")
        widget.update(
            Content.from_markup(
                "[dim]$label[/dim]\n[b]$value[/b]\n[dim]$note[/dim]",
                label=label,
                value=value,
                note=note,
            )
        )

    def action_analytics(self) -> None:
        from mentor_tui.screens.analytics.analytics import AnalyticsScreen

        self.app.push_screen(AnalyticsScreen())

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "analytics":  # the per-mentor figures: admins and mentors
            return self.actor.is_admin or self.actor.is_mentor
        if action == "my_profile":  # an admin has no mentor profile: no key at all
            return self.actor.is_mentor
        return True

    def action_my_profile(self) -> None:
        from mentor_tui.screens.people.my_profile import MyProfileScreen

        self.app.push_screen(MyProfileScreen())

    def action_open_student(self) -> None:
        table = self.query_one("#attention", DataTable)
        if not table.row_count:
            return
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        if key:
            from mentor_tui.screens.students.student_view import StudentViewScreen

            self.app.push_screen(StudentViewScreen(key))

    @on(DataTable.RowSelected, "#attention")
    def _selected(self) -> None:
        self.action_open_student()


def _with_count(
    read: Callable[[Session, Any, Any], list[Any]], count: Callable[[Session, Any, Any], int]
) -> Callable[[Session, Any, Any], tuple[list[Any], int]]:
    """A part's rows with how many there are in all (the screen says "+3 more")."""
    return lambda session, actor, config: (
        read(session, actor, config),
        count(session, actor, config),
    )


def _action_item_count(session: Session, actor: Any, config: Any) -> int:
    from mentor_tui.core import dates
    from mentor_tui.core.notes.notes import count_action_items_due

    return count_action_items_due(session, actor, dates.today_in(actor.timezone))


def _share(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.0f}%"
