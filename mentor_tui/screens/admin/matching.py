"""The Matching pane of the admin screen (key `6`, then `t`): the optimal matching of the
students without a mentor drafted in the background, each pair explained per criterion, then
applied in part (`space` marks, `p`) or whole (`w`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from sqlmodel import Session
from textual import on
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import DataTable, Static
from textual.worker import Worker

from mentor_tui.core.matching.people import CRITERIA
from mentor_tui.screens.admin.part import AdminPart
from mentor_tui.screens.dialogs import ConfirmScreen
from mentor_tui.widgets.figures import user_text

if TYPE_CHECKING:  # the matching solver (numpy, pylmcf) loads in the workers that use it
    from mentor_tui.core.matching.plan import MatchDraft

CRITERION_LABELS = {
    "skills": "Skills",
    "teaching_style": "Style",
    "timezone": "Zone",
    "weekly_hours": "Hours",
    "load": "Load",
}
DRAFT_HINT = "Press d to draft an optimal matching of the students without a mentor."


class MatchingPane(Vertical):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("d", "screen.draft", "Draft matches", id="admin.match_draft"),
        Binding("space", "screen.mark_match", "Mark", id="admin.match_mark"),
        Binding("p", "screen.apply_marked", "Apply marked", id="admin.match_apply_some"),
        Binding("w", "screen.apply_all", "Apply all", id="admin.match_apply_all"),
        Binding("x", "screen.discard_draft", "Discard draft", id="admin.match_discard"),
    ]


class MatchingPart(AdminPart):
    """The Matching pane's logic (``#match-table``, ``#match-summary``, ``#match-why``)."""

    def __init__(self) -> None:
        super().__init__()
        self._draft: MatchDraft | None = None
        self._draft_marks: set[str] = set()

    def action_draft(self) -> None:
        actor, config = self.actor, self.config
        table = self.query_one("#match-table", DataTable)
        table.loading = True
        self.query_one("#match-summary", Static).update("Drafting the optimal matching…")

        def done(draft: MatchDraft) -> None:
            table.loading = False
            self._show_draft(draft)

        def job(session: Session) -> MatchDraft:
            from mentor_tui.core.matching.plan import (
                draft_matches,
            )  # the solver loads in the worker

            return draft_matches(session, actor, config=config)

        self.run_db(job, done, group="admin-draft")

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        super().on_worker_state_changed(event)
        if event.worker.name == "admin-draft" and event.worker.is_finished:
            self.query_one("#match-table", DataTable).loading = False

    def _show_draft(self, draft: MatchDraft | None) -> None:
        self._draft = draft
        self._draft_marks = set()
        table = self.query_one("#match-table", DataTable)
        table.clear()
        summary = self.query_one("#match-summary", Static)
        if draft is None:
            summary.update(DRAFT_HINT)
            self.query_one("#match-why", Static).update("")
            return
        for m in draft.matches:
            points = {line.criterion: line.points for line in m.score.breakdown}
            table.add_row(
                Text(" "),
                user_text(m.student.full_name),
                user_text(m.mentor.full_name),
                Text(f"{m.score.score:.1f}", justify="right"),
                *(Text(f"{points.get(c, 0):.1f}", justify="right") for c in CRITERIA),
                key=m.student.id,
            )
        for u in draft.unplaced:
            table.add_row(
                Text(" "),
                user_text(u.student.full_name),
                user_text("not placed", "yellow"),
                Text("—", justify="right"),
                *(Text("") for _ in CRITERIA),
                key=f"unplaced:{u.student.id}",
            )
        summary.update(
            f"Draft: {len(draft.matches)} matches, total {draft.total_score:.1f} points "
            f"(at most {draft.max_score} a pair); {len(draft.unplaced)} not placed. "
            "space marks, p applies marked, w applies all, x discards."
        )
        self._show_pair(0)
        table.focus()

    def _show_pair(self, index: int) -> None:
        why = self.query_one("#match-why", Static)
        draft = self._draft
        if draft is None:
            return
        if index < len(draft.matches):
            m = draft.matches[index]
            why.update(
                "\n".join(
                    [
                        f"{m.student.full_name} → {m.mentor.full_name}: {m.score.score:.2f}",
                        *m.score.reasons,
                    ]
                )
            )
        elif index - len(draft.matches) < len(draft.unplaced):
            u = draft.unplaced[index - len(draft.matches)]
            why.update(f"{u.student.full_name} is not placed: {u.reason}")

    @on(DataTable.RowHighlighted, "#match-table")
    def _pair_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_pair(event.cursor_row)

    def action_mark_match(self) -> None:
        draft = self._draft
        table = self.query_one("#match-table", DataTable)
        if draft is None or not 0 <= table.cursor_row < len(draft.matches):
            self.app.bell()
            return
        row = table.cursor_row
        student = draft.matches[row].student.id
        if student in self._draft_marks:
            self._draft_marks.discard(student)
            table.update_cell(student, table.ordered_columns[0].key, Text(" "))
        else:
            self._draft_marks.add(student)
            table.update_cell(student, table.ordered_columns[0].key, Text("✓", style="bold green"))
        table.move_cursor(row=row + 1)

    def _apply(self, student_ids: list[str] | None) -> None:
        draft = self._draft
        if draft is None or not draft.matches:
            self.app.bell()
            return
        actor, config = self.actor, self.config
        chosen = (
            draft.matches
            if student_ids is None
            else [m for m in draft.matches if m.student.id in set(student_ids)]
        )
        if not chosen:
            self.notify("Mark pairs with space first, or press w to apply all.", severity="warning")
            return

        def job(session: Session) -> str:
            from mentor_tui.core.matching.plan import apply_matches

            applied = apply_matches(session, actor, draft, config=config, student_ids=student_ids)
            return f"Applied {len(applied)} of the draft's {len(draft.matches)} matches."

        def answered(yes: bool | None) -> None:
            if not yes:
                return

            def done(message: str) -> None:
                self._show_draft(None)
                self._wrote(message)

            self.run_db(job, done, group="admin-write")

        lines = [
            f"{m.student.full_name} → {m.mentor.full_name} ({m.score.score:.1f})" for m in chosen
        ]
        shown = lines[:15] + ([f"… and {len(lines) - 15} more"] if len(lines) > 15 else [])
        self.app.push_screen(ConfirmScreen(f"Apply {len(chosen)} matches?", shown), answered)

    def action_apply_marked(self) -> None:
        self._apply(sorted(self._draft_marks))

    def action_apply_all(self) -> None:
        self._apply(None)

    def action_discard_draft(self) -> None:
        if self._draft is None:
            self.app.bell()
            return
        self._show_draft(None)
        self.notify("Draft discarded; nothing was applied.")
