"""Key `3`: the review queue (SPEC 4.3). Pending submissions oldest first with the time left to
the review SLA, a Markdown preview of the selected work, and decisions that land on the next
pending item at once: `a`, the feedback, `ctrl+s`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.timer import Timer
from textual.widgets import Footer, Input, Markdown, Static

from mentor_tui.config import Config
from mentor_tui.core import clock
from mentor_tui.core.access import Actor
from mentor_tui.core.errors import UserError
from mentor_tui.core.reviews import (
    QueueItem,
    SubmissionPreview,
    count_queue,
    decide_many,
    list_queue,
    next_pending_after,
    queue_position,
    submission_preview,
)
from mentor_tui.core.text import clean_line, clean_text
from mentor_tui.messages import DataChanged
from mentor_tui.screens.base import MentorScreen
from mentor_tui.screens.feedback_editor import DECISION_TITLES, ConfirmDecision, FeedbackEditor
from mentor_tui.services import Services
from mentor_tui.widgets.figures import local_time, user_text
from mentor_tui.widgets.paged_table import Column, PagedRow, PagedTable

COLUMNS = [
    Column("student", "Student", width=None, sortable=False),
    Column("assignment", "Assignment", width=None, sortable=False),
    Column("submitted", "Submitted", width=12, sortable=False),
    Column("left", "Time left", width=12, sortable=False),
]
FILTER_DEBOUNCE = 0.15
STATUS_WORDS = {
    "approved": "approved",
    "rejected": "rejected",
    "changes_requested": "changes requested",
    "pending": "pending",
}
DONE_WORDS = {
    "approve": "Approved",
    "reject": "Rejected",
    "request_changes": "Requested changes on",
}


def time_left(item: QueueItem) -> Text:
    if item.overdue:
        return Text(f"overdue {clock.humanize_delta(item.time_left)}", style="bold red")
    return Text(f"{clock.humanize_delta(item.time_left)} left")


class QueueSource:
    """Pages of the queue for the table; called from the table's worker thread. Every item it
    fetched is remembered (by id) so a decision knows where the cursor stood."""

    def __init__(
        self,
        services: Services,
        actor: Actor,
        config: Config,
        items: dict[str, QueueItem],
        *,
        text_filter: str = "",
    ) -> None:
        self.services = services
        self.actor = actor
        self.config = config
        self.items = items
        self.text_filter = text_filter

    def count(self) -> int:
        return self.services.run(
            lambda s: count_queue(s, self.actor, text_filter=self.text_filter, config=self.config)
        )

    def fetch(self, offset: int, limit: int) -> list[PagedRow]:
        items = self.services.run(
            lambda s: list_queue(
                s,
                self.actor,
                text_filter=self.text_filter,
                offset=offset,
                limit=limit,
                config=self.config,
            )
        )
        for item in items:
            self.items[item.id] = item
        return [self._row(item) for item in items]

    def _row(self, item: QueueItem) -> PagedRow:
        cells = (
            user_text(item.student_name),
            user_text(item.assignment_title),
            Text(local_time(item.submitted_at, self.actor.timezone, "%d %b %H:%M")),
            time_left(item),
        )
        return PagedRow(key=item.id, cells=cells, style="bold red" if item.overdue else "")


@dataclass(frozen=True)
class Landed:
    """What a saved decision did: how many, and the row the cursor goes to."""

    decided: int
    position: int


def _preview_markdown(preview: SubmissionPreview, earlier: bool) -> str:
    if not earlier:
        return clean_text(preview.content) or "*(empty submission)*"
    if not preview.earlier_attempts:
        return "*No earlier attempts at this assignment.*"
    parts: list[str] = []
    for attempt in preview.earlier_attempts:
        status = STATUS_WORDS.get(attempt.status, attempt.status)
        heading = f"## Attempt {attempt.attempt}: {status}"
        when = f"Submitted {attempt.submitted_at:%Y-%m-%d %H:%M} UTC"
        if attempt.reviewed_at is not None:
            when += f", reviewed {attempt.reviewed_at:%Y-%m-%d %H:%M} UTC"
        feedback = clean_text(attempt.feedback) if attempt.feedback else "*(no feedback)*"
        parts.append(f"{heading}\n\n{when}\n\n{feedback}")
    return "\n\n".join(parts)


class ReviewQueueScreen(MentorScreen):
    CSS_PATH = "review_queue.tcss"
    HELP_TITLE = "Review queue"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "decide('approve')", "Approve", id="reviews.approve"),
        Binding("x", "decide('reject')", "Reject", id="reviews.reject"),
        Binding("c", "decide('request_changes')", "Request changes", id="reviews.changes"),
        Binding("e", "earlier", "Earlier attempts", id="reviews.earlier"),
        Binding("slash", "filter", "Filter", id="reviews.filter", key_display="/"),
        Binding("escape", "clear_filter", "Clear filter / back", id="reviews.escape", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._filter = ""
        self._items: dict[str, QueueItem] = {}
        self._preview: SubmissionPreview | None = None
        self._earlier = False
        self._debounce: Timer | None = None

    def compose(self) -> ComposeResult:
        yield self.mentor_app.make_status_bar(self.HELP_TITLE)
        yield Input(
            placeholder="filter by student or assignment", id="reviews-filter", classes="hidden"
        )
        yield Static("", id="reviews-count", markup=False)
        with Horizontal(id="reviews-body"):
            yield PagedTable(COLUMNS, id="reviews-table", markable=True)
            with Vertical(id="reviews-preview"):
                yield Static("", id="preview-header", markup=False)
                with VerticalScroll(id="preview-scroll"):
                    yield Markdown("", id="preview-content")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(PagedTable)
        table.empty_text = self._empty_text()
        table.set_source(self._source())
        table.focus()

    def _empty_text(self) -> str:
        return "No pending work matches." if self._filter else "Nothing waiting for review."

    def _source(self) -> QueueSource:
        return QueueSource(
            self.services,
            self.actor,
            self.services.config,
            self._items,
            text_filter=self._filter,
        )

    # -- filter -------------------------------------------------------------------------------
    def action_filter(self) -> None:
        box = self.query_one("#reviews-filter", Input)
        box.remove_class("hidden")
        box.focus()

    def action_clear_filter(self) -> None:
        scroll = self.query_one("#preview-scroll", VerticalScroll)
        if scroll.has_focus:
            self.query_one(PagedTable).focus()
            return
        box = self.query_one("#reviews-filter", Input)
        if box.value or not box.has_class("hidden"):
            box.value = ""
            box.add_class("hidden")
            self.query_one(PagedTable).focus()
        elif len(self.app.screen_stack) > 1:
            self.app.pop_screen()

    @on(Input.Changed, "#reviews-filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        if self._debounce is not None:
            self._debounce.stop()
        value = event.value.strip()
        self._debounce = self.set_timer(FILTER_DEBOUNCE, lambda: self._apply_filter(value))

    def _apply_filter(self, value: str) -> None:
        self._debounce = None
        if value == self._filter:
            return
        self._filter = value
        self._items.clear()  # the new filter's pages fill it again
        table = self.query_one(PagedTable)
        table.empty_text = self._empty_text()
        table.set_source(self._source())

    @on(Input.Submitted, "#reviews-filter")
    def _filter_done(self, event: Input.Submitted) -> None:
        if self._debounce is not None:
            self._debounce.stop()
        self._apply_filter(event.value.strip())
        self.query_one(PagedTable).focus()

    # -- list and preview ---------------------------------------------------------------------
    @on(PagedTable.CountChanged)
    def _count_changed(self, event: PagedTable.CountChanged) -> None:
        noun = "submission" if event.count == 1 else "submissions"
        matching = f" matching {self._filter!r}" if self._filter else ""
        self.query_one("#reviews-count", Static).update(
            f"{event.count} pending {noun}{matching}, oldest first"
        )
        if event.count == 0:
            self._show_preview(None)

    @on(PagedTable.RowHighlighted)
    def _highlighted(self, event: PagedTable.RowHighlighted) -> None:
        if event.key is None:
            return
        if self._preview is not None and self._preview.id == event.key:
            return
        key, actor = event.key, self.actor
        self.run_db(
            lambda s: submission_preview(s, actor, key), self._show_preview, group="preview"
        )

    def _show_preview(self, preview: SubmissionPreview | None) -> None:
        self._preview = preview
        header = self.query_one("#preview-header", Static)
        content = self.query_one("#preview-content", Markdown)
        if preview is None:
            header.update("")
            content.update("")
            return
        text = Text(no_wrap=False)
        text.append(clean_line(preview.student_name), style="bold")
        text.append(f"  {clean_line(preview.student_email)}\n", style="dim")
        text.append(clean_line(preview.assignment_title), style="bold")
        text.append(f"  attempt {preview.attempt}", style="dim")
        earlier = len(preview.earlier_attempts)
        if earlier:
            text.append(f" · {earlier} earlier (e)", style="dim")
        if self._earlier:
            text.append("\nEarlier attempts and their feedback", style="italic")
        header.update(text)
        content.update(_preview_markdown(preview, self._earlier))
        self.query_one("#preview-scroll", VerticalScroll).scroll_home(animate=False)

    @on(PagedTable.RowSelected)
    def _read(self) -> None:
        """enter: into the preview, to scroll long work with the arrows; escape comes back."""
        self.query_one("#preview-scroll", VerticalScroll).focus()

    def action_earlier(self) -> None:
        self._earlier = not self._earlier
        self._show_preview(self._preview)

    # -- decisions ----------------------------------------------------------------------------
    def action_decide(self, decision: str) -> None:
        table = self.query_one(PagedTable)
        marked = sorted(table.marked_keys)
        ids = marked or ([table.cursor_key] if table.cursor_key else [])
        if not ids:
            self.app.bell()
            return
        if marked:
            noun = "submission" if len(ids) == 1 else "submissions"
            subject = f"{len(ids)} marked {noun}"
        else:
            item = self._items.get(ids[0])
            subject = (
                f"{clean_line(item.student_name)}'s {clean_line(item.assignment_title)!r}"
                if item
                else "this submission"
            )

        def edited(feedback: str | None) -> None:
            if feedback is None:
                return
            if len(ids) == 1:
                self._save(decision, ids, feedback)
                return
            question = f"{DECISION_TITLES[decision]} all {len(ids)} marked submissions?"
            self.app.push_screen(
                ConfirmDecision(question),
                lambda yes: self._save(decision, ids, feedback) if yes else None,
            )

        self.app.push_screen(FeedbackEditor(decision, subject, count=len(ids)), edited)

    def _save(self, decision: str, ids: list[str], feedback: str) -> None:
        table = self.query_one(PagedTable)
        anchor = self._items.get(table.cursor_key or "") or self._items.get(ids[0])
        actor, config, text_filter = self.actor, self.services.config, self._filter

        def job(session) -> Landed:
            decided = decide_many(session, actor, ids, decision, feedback or None, config)
            position = 0
            if anchor is not None:
                # the cursor stays on an item it did not decide, else goes to the next pending
                landing: QueueItem | None = anchor
                if anchor.id in ids:
                    landing = next_pending_after(
                        session,
                        actor,
                        anchor.submitted_at,
                        anchor.id,
                        text_filter=text_filter,
                        config=config,
                    )
                if landing is not None:
                    position = queue_position(
                        session,
                        actor,
                        landing.submitted_at,
                        landing.id,
                        text_filter=text_filter,
                        config=config,
                    )
            return Landed(len(decided), position)

        def work() -> None:
            try:
                result: Landed | str = self.services.run(job)
            except UserError as refusal:
                result = str(refusal)
            self.app.call_from_thread(self._saved, decision, result)

        self.run_worker(work, thread=True, group="decide", exit_on_error=False, name="decide")

    def _saved(self, decision: str, result: Landed | str) -> None:
        table = self.query_one(PagedTable)
        if isinstance(result, str):  # refused: someone decided first, or not ours
            self.notify(result, severity="warning", markup=False)
            table.clear_marks()
        else:
            table.clear_marks()
            table.cursor_index = result.position
            noun = "submission" if result.decided == 1 else "submissions"
            self.notify(f"{DONE_WORDS[decision]} {result.decided} {noun}.", markup=False)
        self.post_message(DataChanged("reviews"))

    @on(DataChanged)
    def _changed(self) -> None:
        self.query_one(PagedTable).reload()
