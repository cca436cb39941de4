"""`2` for a student: my work, every submission newest first with its status and the feedback
on the highlighted one; `f` asks the mentor for feedback on a submission still waiting.
`3`: the feedback given to me, newest first, what I had not read marked new (read once shown)."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import DataTable, Static

from mentor_tui.core.analytics.my_progress import MyWork, my_work
from mentor_tui.core.reviews.requests import mark_feedback_read, request_feedback
from mentor_tui.core.text import clean_line, clean_text
from mentor_tui.screens.base import MentorScreen
from mentor_tui.widgets.events import DataChanged
from mentor_tui.widgets.figures import local_time
from mentor_tui.widgets.key_footer import KeyFooter


class _WorkList(MentorScreen):
    CSS_PATH = "student.tcss"
    HELP_TITLE = "My work"
    EMPTY = "No submissions yet."

    def __init__(self) -> None:
        super().__init__()
        self._rows: list[MyWork] = []

    def compose(self) -> ComposeResult:
        yield self.mentor_app.make_status_bar(self.HELP_TITLE)
        yield Static("", id="work-summary", classes="student-title", markup=False)
        yield DataTable(id="work-table", cursor_type="row", classes="student-table")
        yield Static("", id="work-detail", classes="student-detail", markup=False)
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#work-table", DataTable).add_columns(
            "", "Assignment", "Attempt", "Submitted", "Status", "Feedback"
        )
        self.reload()

    def on_screen_resume(self) -> None:
        self.reload()

    def wanted(self, rows: list[MyWork]) -> list[MyWork]:
        return rows

    def reload(self) -> None:
        actor = self.actor
        self.run_db(lambda s: my_work(s, actor), self._show, group="student-work")

    def _show(self, rows: list[MyWork]) -> None:
        self._rows = self.wanted(rows)
        table = self.query_one("#work-table", DataTable)
        table.clear()
        tz_name = self.actor.timezone
        for w in self._rows:
            first = (clean_text(w.feedback or "").strip().splitlines() or [""])[0]
            table.add_row(
                Text("NEW" if w.unread else ("asked" if w.feedback_requested_at else "")),
                Text(clean_line(w.assignment_title)),
                Text(str(w.attempt)),
                Text(local_time(w.submitted_at, tz_name)),
                Text(w.status.replace("_", " ")),
                Text(clean_line(first)[:60]),
                key=w.id,
            )
        unread = sum(1 for w in self._rows if w.unread)
        summary = f"{len(self._rows)} shown, {unread} with new feedback" if self._rows else ""
        self.query_one("#work-summary", Static).update(summary or self.EMPTY)
        self._detail()
        if self._rows:
            table.focus()
        self.shown(self._rows)

    def shown(self, rows: list[MyWork]) -> None:
        """What a list does once its rows are on screen."""

    def current(self) -> MyWork | None:
        table = self.query_one("#work-table", DataTable)
        if not self._rows or not 0 <= table.cursor_row < len(self._rows):
            return None
        return self._rows[table.cursor_row]

    @on(DataTable.RowHighlighted, "#work-table")
    def _detail(self) -> None:
        work = self.current()
        text = ""
        if work is not None:
            by = f" by {clean_line(work.reviewer_name)}" if work.reviewer_name else ""
            text = (
                f"Feedback{by}:\n{clean_text(work.feedback)}"
                if work.feedback
                else f"{clean_line(work.assignment_title)}: no feedback yet."
            )
        self.query_one("#work-detail", Static).update(text)


class MyWorkScreen(_WorkList):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f", "request_feedback", "Ask for feedback", id="mywork.request"),
    ]

    def action_request_feedback(self) -> None:
        work = self.current()
        if work is None:
            return
        actor = self.actor

        def job(s):  # type: ignore[no-untyped-def]
            return request_feedback(s, actor, work.id).id

        self.run_db(job, self._asked, group="student-ask")

    def _asked(self, _submission_id: str) -> None:
        self.notify("Asked your mentor for feedback; it is first in their queue.")
        self.post_message(DataChanged("submissions"))
        self.reload()


class FeedbackScreen(_WorkList):
    HELP_TITLE = "Feedback"
    EMPTY = "No feedback on your work yet."

    def __init__(self) -> None:
        super().__init__()
        self._marked_read: set[str] = set()

    def wanted(self, rows: list[MyWork]) -> list[MyWork]:
        return [w for w in rows if w.feedback]

    def shown(self, rows: list[MyWork]) -> None:
        # each submission's feedback is marked read once per screen: a reload while the first
        # marking is still under way would otherwise write (and journal) it a second time
        marked = self._marked_read
        unread = [w.id for w in rows if w.unread and w.id not in marked]
        if not unread:
            return
        marked.update(unread)
        actor = self.actor
        self.run_db(
            lambda s: mark_feedback_read(s, actor, unread),
            lambda _count: self.post_message(DataChanged("submissions")),
            group="student-read",
        )
