"""Key `3`: the review queue (SPEC 4.3). Pending submissions oldest first with the time left to
the review SLA, a Markdown preview of the selected work, and decisions that land on the next
pending item at once: `a`, the feedback, `ctrl+s`.

Approve-and-next is the fastest review workflow (issue #5), so the hot path avoids work: the
feedback editor is a panel of this screen, previews are rendered in workers ahead of the cursor
(`review_queue_preview`), and a decision takes its rows out of the list the table holds (no
reload, no frame of placeholders), recounting in a worker after landing. The labels it
changes are updated in place, the screen laid out again only when one changes size: a decision
lays out once, as the panel closes (tests count it)."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.timer import Timer
from textual.widget import AwaitMount
from textual.widgets import Input, Static

from mentor_tui.core.reviews.decisions import SubmissionPreview, submission_preview
from mentor_tui.core.reviews.queue import QueueItem
from mentor_tui.core.text import clean_line
from mentor_tui.errors import UserError
from mentor_tui.screens.base import MentorScreen
from mentor_tui.screens.reviews.feedback_editor import FeedbackPanel
from mentor_tui.screens.reviews.landing import (
    LandingCheck,
    decision_job,
    landing_check,
    landing_position,
)
from mentor_tui.screens.reviews.preview import (
    PreviewCache,
    PreviewHeader,
    PreviewPane,
    RenderedPreview,
    ahead_job,
    preview_header,
    render_preview,
    update_fitted,
    warm_renderer,
)
from mentor_tui.screens.reviews.queue_source import (
    COLUMNS,
    PAGE_SIZE,
    QueueSource,
    warm_up_queries,
)
from mentor_tui.widgets.events import DataChanged
from mentor_tui.widgets.key_footer import KeyFooter
from mentor_tui.widgets.paged_table import PagedTable

if TYPE_CHECKING:
    from collections.abc import Callable

    from sqlmodel import Session

    from mentor_tui.core.services import Services

FILTER_DEBOUNCE = 0.15
# How long the screen, mounted, waits for the first page read while it was built (read by
# then most often): with it, the first frame paints the rows; without, an empty list first.
FIRST_ROWS_WAIT = 0.05
# The recount and the status bar's refresh after a decision wait this long after the landing's
# frame (a person reads the next item first; the count is right a moment later).
AFTER_LANDING_SECONDS = 0.05
READ_AHEAD = (1, 2, -1)  # rows, from the cursor, whose previews are rendered before they are shown
DONE_WORDS = {
    "approve": "Approved",
    "reject": "Rejected",
    "request_changes": "Requested changes on",
}


class ReviewQueueScreen(MentorScreen):
    CSS_PATH: ClassVar[list[str]] = ["queue.tcss", "feedback_editor.tcss"]
    HELP_TITLE = "Review queue"
    # the list from the start: Textual's first focusable widget is the (hidden) filter box,
    # whose focus and blur restyled it on every open (issue #21)
    AUTO_FOCUS = "#reviews-table"
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
        self._preview: SubmissionPreview | None = None  # the one shown
        self._wanted: tuple[str, bool] | None = None  # the preview asked for last, and its view
        self._rendered = PreviewCache()
        self._loading: tuple[str, bool, int] | None = None  # the preview a worker renders now
        self._reading: set[str] = set()  # the previews being rendered ahead
        self._era = 0  # one more at every write: a preview read before it is not kept
        self._earlier = False
        self._debounce: Timer | None = None
        self._filter_box: Input | None = None  # mounted by the first `/`
        self._source_now: QueueSource | None = None
        self._count_shown = ""  # the count line as shown
        self._done = ""  # the last decision, said on the count line (not a toast: no layout)
        self._table = PagedTable(COLUMNS, id="reviews-table", markable=True, page_size=PAGE_SIZE)
        self._pane = PreviewPane(id="preview-content")
        self._panel = FeedbackPanel(id="feedback")

    @staticmethod
    def preload() -> None:
        """In the app's preload worker, once start-up is over: the preview's Markdown
        renderer, which the first preview would load otherwise."""
        warm_renderer()

    @staticmethod
    def warm_up(services: Services) -> None:
        """In the app's preload worker, last: the queries of the first open and the first
        decision compiled (`warm_up_queries`)."""
        warm_up_queries(services)

    def compose(self) -> ComposeResult:
        source = self._source()
        source.warming()
        self.run_worker(source.warm, thread=True, group="queue-warm", exit_on_error=False)
        yield self.mentor_app.make_status_bar(self.HELP_TITLE)
        # the filter box comes with `/`: made hidden with the screen, it held up the first rows
        yield Static("", id="reviews-count", markup=False)
        with Horizontal(id="reviews-body"):
            yield self._table
            with Vertical(id="reviews-preview"):
                yield PreviewHeader("", id="preview-header", markup=False)
                yield self._pane
        yield KeyFooter()  # the feedback panel comes after the first preview (`_mount_panel`)

    def on_mount(self) -> None:
        table = self._table
        table.empty_text = self._empty_text()
        source = self._source_now or self._source()
        # the first page kept from the app's preload, or read by `warm` while the screen is
        # built (`warming`): painted with its first frame
        table.set_source(source, first_rows=source.first_rows_now(FIRST_ROWS_WAIT))
        table.focus()

    def _empty_text(self) -> str:
        return "No pending work matches." if self._filter else "Nothing waiting for review."

    def _source(self) -> QueueSource:
        self._source_now = QueueSource(
            self.services,
            self.actor,
            self._items,
            text_filter=self._filter,
        )
        return self._source_now

    # -- filter -------------------------------------------------------------------------------
    async def action_filter(self) -> None:
        box = self._filter_box
        if box is None:
            box = self._filter_box = Input(
                placeholder="filter by student or assignment", id="reviews-filter"
            )
            await self.mount(box, before=self.query_one("#reviews-count"))
        box.remove_class("hidden")
        box.focus()

    def action_clear_filter(self) -> None:
        if self._panel.is_open:  # focus left the editor (a click on the list): escape cancels
            self._panel.action_cancel()
            return
        if self._pane.has_focus:
            self._table.focus()
            return
        box = self._filter_box
        if box is not None and (box.value or not box.has_class("hidden")):
            box.value = ""
            box.add_class("hidden")
            self._table.focus()
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
        self._done = ""
        self._items.clear()  # the new filter's pages fill it again
        table = self._table
        table.empty_text = self._empty_text()
        table.set_source(self._source())

    @on(Input.Submitted, "#reviews-filter")
    def _filter_done(self, event: Input.Submitted) -> None:
        if self._debounce is not None:
            self._debounce.stop()
        self._apply_filter(event.value.strip())
        self._table.focus()

    # -- list and preview ---------------------------------------------------------------------
    @on(PagedTable.CountChanged)
    def _count_changed(self, event: PagedTable.CountChanged) -> None:
        self._show_count(event.count)
        if event.count == 0:
            self._wanted = None
            self._show(None)

    def _show_count(self, count: int) -> None:
        noun = "submission" if count == 1 else "submissions"
        matching = f" matching {self._filter!r}" if self._filter else ""
        text = f"{self._done}{count} pending {noun}{matching}, oldest first"
        if text != self._count_shown:  # shown already by the decision that changed it
            self._count_shown = text
            # one line, the screen's width: a new count needs no layout
            self.query_one("#reviews-count", Static).update(text, layout=False)

    @on(PagedTable.RowHighlighted)
    def _highlighted(self, event: PagedTable.RowHighlighted) -> None:
        if event.key is not None:
            self._ask_preview(event.key)

    def _ask_preview(self, key: str, *, again: bool = False) -> None:
        """Show the preview of ``key``: at once when it was rendered ahead, else from a worker.
        ``again``: render it even if shown (the data or the width changed)."""
        earlier = self._earlier
        shown = self._pane.shown
        if not again and shown is not None and (shown.preview.id, shown.earlier) == (key, earlier):
            self._wanted = (key, earlier)
            self.call_after_refresh(self._read_ahead)
            return
        self._wanted = (key, earlier)
        actor, width, style = self.actor, self._width(), self._pane.rich_style
        rendered = self._rendered.get(key, earlier, width)
        if rendered is not None:
            self._show(rendered)
            return
        if not again and self._loading == (key, earlier, width):
            return  # on its way
        self._loading = (key, earlier, width)

        def job(session: Session) -> RenderedPreview:
            preview = submission_preview(session, actor, key)
            return render_preview(preview, earlier, width, style)

        era = self._era
        # Started once the list has painted: rendering Markdown in a worker competes with the
        # UI thread for the interpreter, and the rows are what the reviewer waits for first
        # (opening the queue: the first rows and the preview arrive together otherwise).
        self.call_after_refresh(
            self.run_db, job, lambda rendered: self._rendered_now(rendered, era), group="preview"
        )

    def _width(self) -> int:
        return max(10, self._pane.render_width)

    def _rendered_now(self, rendered: RenderedPreview, era: int) -> None:
        key = rendered.preview.id
        if self._loading == (key, rendered.earlier, rendered.width):
            self._loading = None
        wanted = self._wanted == (key, rendered.earlier)
        if era != self._era:  # read before a write that may have changed it: read it again
            if wanted:
                self._ask_preview(key, again=True)
            return
        self._rendered.put(rendered)
        if wanted:
            self._show(rendered)

    def _read_ahead(self) -> None:
        """Render the previews of the rows around the cursor that are not rendered yet, so the
        next item (the one a decision lands on) shows at once."""
        table, width = self._table, self._width()
        index = table.cursor_index
        keys = [
            key
            for step in READ_AHEAD
            if (key := table.key_at(index + step)) is not None
            and (key, False, width) not in self._rendered
            and key not in self._reading
        ]
        if not keys:
            return
        self._reading.update(keys)
        era = self._era
        self.run_db(
            ahead_job(self.actor, keys, width, self._pane.rich_style),
            lambda rendered: self._read(keys, rendered, era),
            group="preview-ahead",
            exclusive=False,
        )

    def _read(self, keys: list[str], rendered: list[RenderedPreview], era: int) -> None:
        self._reading.difference_update(keys)
        if era == self._era:  # else read before a write that may have changed them
            for one in rendered:
                self._rendered.put(one)

    def _show(self, rendered: RenderedPreview | None) -> None:
        if not self._panel.is_attached:  # once the first preview (or the empty queue) is shown
            self.call_after_refresh(self._mount_panel)
        self._pane.show(rendered)
        header = self.query_one("#preview-header", Static)
        if rendered is None:
            self._preview = None
            update_fitted(header, "")
            return
        self._preview = rendered.preview
        update_fitted(header, preview_header(rendered))
        # the previews around it a moment after this repaint: a worker started at once competes
        # with this frame, and with what a decision does right after it, for the interpreter
        self._after_landing(self._read_ahead)

    @on(PreviewPane.WidthChanged)
    def _pane_resized(self) -> None:
        if self._wanted is not None:
            self._ask_preview(self._wanted[0], again=True)

    @on(PagedTable.RowSelected)
    def _read_work(self) -> None:
        """enter: into the preview, to scroll long work with the arrows; escape comes back."""
        self._pane.focus()

    def action_earlier(self) -> None:
        self._earlier = not self._earlier
        if self._preview is not None:
            self._ask_preview(self._preview.id)

    # -- decisions ----------------------------------------------------------------------------
    def _mount_panel(self) -> AwaitMount | None:
        """Mount the (hidden) feedback editor: after the first preview is painted rather than
        with the screen, whose first rows it would hold up by 8-10 ms of CPU (its text area's
        making and styling, issue #21); at once if `a` comes first."""
        if self._panel.is_attached:
            return None
        return self.mount(self._panel, before=self.query_one(KeyFooter))

    async def action_decide(self, decision: str) -> None:
        mounting = self._mount_panel()
        if mounting is not None:
            await mounting
        table = self._table
        marked = sorted(table.marked_keys)
        ids = marked or ([table.cursor_key] if table.cursor_key else [])
        if not ids:
            self.app.bell()
            return
        if marked:  # the panel says how many: its ctrl+s decides them all (issue #22)
            subject = (
                "1 marked submission" if len(ids) == 1 else f"all {len(ids)} marked submissions"
            )
        else:
            item = self._items.get(ids[0])
            subject = (
                f"{clean_line(item.student_name)}'s {clean_line(item.assignment_title)!r}"
                if item
                else "this submission"
            )
        self._panel.open(decision, subject, tuple(ids))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # while the feedback is being written, the list's keys are letters of the feedback
        if action in ("decide", "earlier", "filter", "clear_filter"):
            return not (self._panel.is_attached and self._panel.has_focus_within)
        return True

    @on(FeedbackPanel.Confirmed)
    def _feedback_given(self, event: FeedbackPanel.Confirmed) -> None:
        # the panel named the decision and how many ("Approve all 10 marked submissions"):
        # its ctrl+s is the confirmation, escape the way out; the panel closes once written
        self._save(event.decision, list(event.ids), event.feedback)

    @on(FeedbackPanel.Cancelled)
    def _feedback_cancelled(self) -> None:
        self._focus_list_now()

    def _focus_list_now(self) -> None:
        """The list focused and the footer showing its keys in the frame that hides the
        panel: the focus set at once (``focus`` sets it a moment later) and the footer read
        now, not after the focus change's message hops, which painted it a frame later, over
        the landing (issue #21)."""
        self.set_focus(self._table)
        self.query_one(KeyFooter).update_keys()

    def _save(self, decision: str, ids: list[str], feedback: str) -> None:
        table = self._table
        anchor = self._items.get(table.cursor_key or "") or self._items.get(ids[0])
        job = decision_job(self.actor, ids, decision, feedback, self.services.config)

        def work() -> None:
            try:
                result: int | str = self.services.run(job)
            except UserError as refusal:
                result = str(refusal)
            except BaseException:
                # the feedback typed is kept, as a draft
                self.app.call_from_thread(partial(self._panel.close, keep_draft=True))
                raise  # the worker fails and the app shows the error
            self.app.call_from_thread(self._saved, decision, ids, result, anchor)

        self.run_worker(work, thread=True, group="decide", exit_on_error=False, name="decide")

    def _saved(
        self, decision: str, ids: list[str], result: int | str, anchor: QueueItem | None
    ) -> None:
        table = self._table
        self._panel.close()
        table.clear_marks()
        self._era += 1
        self._rendered.forget(ids)
        if isinstance(result, str):  # refused: someone decided first, or not ours
            self.notify(result, severity="warning", markup=False)
            self._reload()
        else:
            noun = "submission" if result == 1 else "submissions"
            self._done = f"{DONE_WORDS[decision]} {result} {noun} · "
            # The decided rows leave the list at once and the cursor is on the next row; a row
            # the table has not loaded makes it reload (and count) instead.
            if self._source_now is not None:  # its bookmarks first: the table reads on at once
                self._source_now.removed(ids)
            taken_out = table.remove_rows(ids)
            if taken_out:  # the count line, saying what was done, in the same frame (else with
                self._show_count(table.row_count)  # the reload's count: CountChanged)
            if table.cursor_key is not None:  # shown now when rendered ahead, with the rows
                self._ask_preview(table.cursor_key)
            if anchor is not None:  # after the landing is painted: it does not wait for this
                expected = table.row_count if taken_out else None
                self._after_landing(
                    partial(self._check_landing, anchor, ids, table.cursor_index, expected)
                )
        # last: what is painted first comes first (a frame may start before the rest comes)
        self._focus_list_now()
        # the status bar and sync (not this list), once the landing is painted: their workers
        # would compete with this frame for the interpreter
        self._after_landing(partial(self.app.post_message, DataChanged("reviews")))

    def _after_landing(self, callback: Callable[[], object]) -> None:
        """``callback`` a moment after the next frame: the landing's preview may still be on
        its way then (a frame later), and a worker started at once would compete with it."""
        self.call_after_refresh(self.set_timer, AFTER_LANDING_SECONDS, callback)

    def _check_landing(
        self, anchor: QueueItem, ids: list[str], index: int, expected: int | None
    ) -> None:
        """Read where the store lands after the decision on ``ids`` and, when the list's rows
        were taken out (``expected`` left), count the queue: the list follows the store where
        they disagree (a change no message announced), and the cursor goes to the store's
        landing unless it moved from ``index`` meanwhile."""
        source = self._source_now
        if source is None:
            return
        count = source.count_now if expected is not None else None
        job = landing_check(self.actor, anchor, ids, self._filter, self.services.config, count)

        def checked(check: LandingCheck) -> None:
            if check.count is not None and check.count != expected:
                self._reload()  # the store changed meanwhile (a sync): the list follows it
            landing, table = check.landing, self._table
            if landing is not None and table.cursor_index == index:
                if table.cursor_key != landing.id:
                    self._land_on(landing)  # the list and the store disagree here

        self.run_db(job, checked, group="recount")

    def _land_on(self, landing: QueueItem) -> None:
        """Put the cursor on ``landing``, at the place the store counts for it."""
        job = landing_position(self.actor, landing, self._filter, self.services.config)

        def landed(position: int) -> None:
            self._table.cursor_index = position

        self.run_db(job, landed, group="landing")

    def _reload(self) -> None:
        source = self._source_now
        if source is not None:
            source.expected_count = None
            source.prefetched.clear()
        self._table.reload()

    @on(DataChanged)
    def _changed(self) -> None:
        """Written elsewhere (a sync): every rendered preview may be stale."""
        self._era += 1
        self._rendered.clear()
        self._reload()
        if self._wanted is not None:
            self._ask_preview(self._wanted[0], again=True)
