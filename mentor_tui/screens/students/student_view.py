"""One student: learning history, submissions, progress chart, sessions, messages, notes,
milestones (SPEC 4.2, the seed's "Individual Student View")."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import DataTable, Static, TabbedContent, TabPane

from mentor_tui.core.analytics.student_view import StudentDetail, student_detail
from mentor_tui.core.text import clean_line, clean_text
from mentor_tui.screens.base import MentorScreen
from mentor_tui.widgets.figures import age, local_time, user_text
from mentor_tui.widgets.key_footer import KeyFooter

TABS = [
    ("overview", "Overview"),
    ("history", "History"),
    ("submissions", "Submissions"),
    ("sessions", "Sessions"),
    ("messages", "Messages"),
    ("notes", "Notes"),
]

STATUS_STYLE = {
    "pending": "yellow",
    "approved": "green",
    "rejected": "red",
    "changes_requested": "magenta",
}


class StudentViewScreen(MentorScreen):
    CSS_PATH = "student_view.tcss"
    HELP_TITLE = "Student"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Back", id="student.back"),
        Binding(
            "left_square_bracket",
            "previous_tab",
            "Previous tab",
            id="student.prev_tab",
            key_display="[",
        ),
        Binding(
            "right_square_bracket", "next_tab", "Next tab", id="student.next_tab", key_display="]"
        ),
        Binding("n", "notes", "Notes", id="student.notes"),
    ]

    def __init__(self, student_id: str) -> None:
        super().__init__()
        self.student_id = student_id

    def compose(self) -> ComposeResult:
        yield self.mentor_app.make_status_bar(self.HELP_TITLE)
        yield Static("Loading…", id="student-header", markup=False)
        with TabbedContent(id="student-tabs"):
            with TabPane("Overview", id="overview"), Horizontal():
                with VerticalScroll(id="overview-left"):
                    yield Static("", id="figures", markup=False)
                    yield Static("Courses", classes="section-title")
                    yield Static("", id="courses", markup=False)
                    yield Static("Milestones", classes="section-title")
                    yield Static("", id="milestones", markup=False)
                yield _ProgressChart(id="progress-chart")
            with TabPane("History", id="history"):
                yield DataTable(id="history-table", cursor_type="row")
            with TabPane("Submissions", id="submissions"):
                yield DataTable(id="submissions-table", cursor_type="row")
                yield VerticalScroll(Static("", id="feedback", markup=False), id="feedback-box")
            with TabPane("Sessions", id="sessions"):
                yield DataTable(id="sessions-table", cursor_type="row")
            with TabPane("Messages", id="messages"):
                yield VerticalScroll(Static("", id="messages-log", markup=False))
            with TabPane("Notes", id="notes"):
                yield VerticalScroll(Static("", id="notes-log", markup=False))
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#history-table", DataTable).add_columns("When", "What")
        self.query_one("#submissions-table", DataTable).add_columns(
            "Submitted", "Assignment", "Try", "Status", "Reviewed"
        )
        self.query_one("#sessions-table", DataTable).add_columns(
            "Starts", "Length", "Kind", "Title", "Status", "Attendance", "Rating"
        )
        actor, config, key = self.actor, self.services.config, self.student_id
        self.run_db(lambda s: student_detail(s, actor, key, config), self._show, group="student")

    def action_notes(self) -> None:
        from mentor_tui.screens.notes.notes import NotesScreen

        NotesScreen.open_student(self.app, self.student_id)

    def action_next_tab(self) -> None:
        self._move_tab(1)

    def action_previous_tab(self) -> None:
        self._move_tab(-1)

    def _move_tab(self, step: int) -> None:
        tabs = self.query_one(TabbedContent)
        ids = [tab for tab, _ in TABS]
        current = ids.index(tabs.active) if tabs.active in ids else 0
        tabs.active = ids[(current + step) % len(ids)]

    def _show(self, detail: StudentDetail) -> None:
        self._detail = detail
        tz = self.actor.timezone
        row = detail.row
        header = Text()
        header.append(clean_line(row.full_name), style="bold")
        header.append(f"  <{clean_line(row.email)}>  ", style="dim")
        header.append(clean_line(row.status))
        mentor = clean_line(detail.mentor_name) if detail.mentor_name else "no mentor"
        header.append(f"  ·  mentor: {mentor}  ·  {clean_line(detail.timezone)}", style="dim")
        if row.at_risk:
            header.append("\nAt risk: " + "; ".join(row.at_risk_reasons), style="bold yellow")
        self.query_one("#student-header", Static).update(header)
        self.sub_title = clean_line(row.full_name)

        quiz = "—" if detail.quiz_average is None else f"{detail.quiz_average:.0f}"
        figures = Text()
        for label, value in [
            ("Completion", f"{row.completion_rate:.0f}%"),
            ("Pending submissions", str(row.pending_submissions)),
            ("Last activity", str(age(row.last_activity_at))),
            ("Time spent", f"{detail.time_spent_minutes / 60:.1f} h"),
            ("Quiz average", quiz),
            ("Active in last 14 days", f"{detail.engagement_14d} items"),
            ("Learning style", clean_line(detail.learning_style)),
            ("Needs", clean_line(", ".join(detail.needed_skills)) or "—"),
            # goals keep the lines they were written in, each under the first
            ("Goals", "\n".join(clean_text(detail.goals.strip()).splitlines()) or "—"),
        ]:
            figures.append(f"{label:<24}", style="dim")
            figures.append(value.replace("\n", "\n" + " " * 24) + "\n")
        self.query_one("#figures", Static).update(figures)

        courses = Text()
        for course in detail.courses:
            courses.append(clean_line(course.title), style="bold")
            courses.append(
                f"  {course.modules_completed}/{course.modules_total} modules · "
                f"{course.percent:.0f}%\n",
                style="dim",
            )
            for module in course.modules:
                mark = "✔" if module.is_completed else ("◐" if module.percent > 0 else "○")
                courses.append(f"  {mark} {clean_line(module.title)}")
                courses.append(f"  {module.percent:.0f}%\n", style="dim")
        self.query_one("#courses", Static).update(courses or Text("No courses.", "dim"))

        milestones = Text()
        for milestone in detail.milestones:
            milestones.append(f"{local_time(milestone.at, tz, '%d %b %Y')}  ", style="dim")
            milestones.append(clean_line(milestone.text) + "\n")
        self.query_one("#milestones", Static).update(milestones or Text("None yet.", "dim"))
        self.query_one(_ProgressChart).show(detail.progress_series)

        history = self.query_one("#history-table", DataTable)
        history.clear()
        for item in detail.history:
            history.add_row(Text(local_time(item.at, tz)), user_text(item.text))

        submissions = self.query_one("#submissions-table", DataTable)
        submissions.clear()
        for sub in detail.submissions:
            reviewed = local_time(sub.reviewed_at, tz) if sub.reviewed_at else "—"
            submissions.add_row(
                Text(local_time(sub.submitted_at, tz)),
                user_text(sub.assignment_title),
                Text(str(sub.attempt), justify="right"),
                Text(sub.status.replace("_", " "), style=STATUS_STYLE.get(sub.status, "")),
                Text(reviewed),
                key=sub.id,
            )
        self._show_feedback(0)

        sessions = self.query_one("#sessions-table", DataTable)
        sessions.clear()
        for line in detail.sessions:
            sessions.add_row(
                Text(local_time(line.starts_at, tz)),
                Text(f"{line.duration_minutes} min"),
                Text(line.kind.replace("_", " ")),
                user_text(line.title),
                Text(line.status),
                Text((line.attendance or "—").replace("_", " ")),
                Text("—" if line.rating is None else f"{line.rating}/5"),
            )

        messages = Text()
        for message in detail.messages:
            messages.append(f"{local_time(message.at, tz)}  ", style="dim")
            kind = " (announcement)" if message.kind == "announcement" else ""
            messages.append(clean_line(message.sender_name) + kind, style="bold")
            messages.append("\n" + clean_text(message.body) + "\n\n")
        self.query_one("#messages-log", Static).update(messages or Text("No messages.", "dim"))

        notes = Text()
        if self.actor.is_mentor:
            for note in detail.notes:
                notes.append(f"{local_time(note.added_at, tz)}  ", style="dim")
                notes.append(note.kind.replace("_", " "), style="bold")
                if note.kind == "action_item":
                    due = f" due {note.due_date:%d %b}" if note.due_date else ""
                    notes.append(f" [{'done' if note.done else 'open'}{due}]", style="dim")
                notes.append("\n" + clean_text(note.note) + "\n\n")
            empty = "No notes yet."
        else:
            empty = (
                f"{detail.note_count} private notes by the mentor; only their author can read "
                "mentorship notes."
            )
        self.query_one("#notes-log", Static).update(notes or Text(empty, "dim"))

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.data_table.id == "submissions-table":
            self._show_feedback(event.cursor_row)

    def _show_feedback(self, index: int) -> None:
        detail = getattr(self, "_detail", None)
        box = self.query_one("#feedback", Static)
        if detail is None or not detail.submissions:
            box.update(Text("No submissions yet.", "dim"))
            return
        sub = detail.submissions[min(index, len(detail.submissions) - 1)]
        text = Text()
        text.append("Feedback\n", style="bold")
        text.append(clean_text(sub.feedback) if sub.feedback else "No feedback yet.")
        box.update(text)


class _ProgressChart(Static):
    """Cumulative completion over time, drawn with plotext."""

    def show(self, series: list) -> None:
        from textual_plotext import PlotextPlot

        self.remove_children()
        if len(series) < 2:
            self.update(Text("Not enough completed modules for a chart yet.", "dim"))
            return
        self.update("")
        plot = PlotextPlot()
        self.mount(plot)
        plt = plot.plt
        plt.date_form("Y-m-d")
        plt.title("Completion over time (%)")
        plt.plot(
            [d.strftime("%Y-%m-%d") for d, _ in series], [v for _, v in series], marker="braille"
        )
        plt.ylim(0, 100)
