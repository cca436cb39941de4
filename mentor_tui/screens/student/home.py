"""`1` for a student: their progress (completion, time spent, quiz average), their modules
course by course, and their milestones; `e` edits their own profile (learning style, needs,
goals, time zone; `ctrl+o` there: their days off)."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import DataTable, Static

from mentor_tui.core.analytics.my_progress import MyProgress, my_progress
from mentor_tui.core.text import clean_line
from mentor_tui.screens.base import MentorScreen
from mentor_tui.widgets.figures import local_time
from mentor_tui.widgets.key_footer import KeyFooter


class StudentHomeScreen(MentorScreen):
    CSS_PATH = "student.tcss"
    HELP_TITLE = "My progress"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("e", "edit_profile", "Edit my profile", id="student_home.edit"),
    ]

    def compose(self) -> ComposeResult:
        yield self.mentor_app.make_status_bar(self.HELP_TITLE)
        yield Static("Loading your progress...", id="home-summary", classes="student-title",
                     markup=False)  # fmt: skip
        yield DataTable(id="home-modules", cursor_type="row", classes="student-table")
        yield Static("", id="home-milestones", classes="student-detail", markup=False)
        yield KeyFooter()

    def on_mount(self) -> None:
        table = self.query_one("#home-modules", DataTable)
        table.add_columns("Course", "Module", "Done", "%", "Quiz", "Minutes")
        self.reload()

    def action_edit_profile(self) -> None:
        from mentor_tui.screens.people.student_form import StudentFormScreen

        self.app.push_screen(StudentFormScreen(self.actor.id))

    def on_screen_resume(self) -> None:
        self.reload()

    def reload(self) -> None:
        actor, config = self.actor, self.services.config
        self.run_db(lambda s: my_progress(s, actor, config), self._show, group="student-home")

    def _show(self, mine: MyProgress) -> None:
        from rich.text import Text

        quiz = f"{mine.quiz_average:.0f}" if mine.quiz_average is not None else "-"
        self.query_one("#home-summary", Static).update(
            f"Completion {mine.completion:.0f}%  ·  time spent "
            f"{mine.time_spent_minutes / 60:.1f} h  ·  quiz average {quiz}"
        )
        table = self.query_one("#home-modules", DataTable)
        table.clear()
        for course in mine.courses:
            for m in course.modules:
                table.add_row(
                    Text(clean_line(course.title)),
                    Text(clean_line(m.title)),
                    Text("yes" if m.is_completed else ""),
                    Text(f"{m.percent:.0f}"),
                    Text("" if m.quiz_score is None else f"{m.quiz_score:.0f}"),
                    Text(str(m.time_spent_minutes)),
                )
        tz_name = self.actor.timezone
        lines = [f"{local_time(m.at, tz_name)}  {clean_line(m.text)}" for m in mine.milestones]
        self.query_one("#home-milestones", Static).update(
            "Milestones\n" + "\n".join(lines[-10:]) if lines else "No milestones yet."
        )
