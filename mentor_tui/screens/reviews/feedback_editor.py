"""The feedback editor: a panel under the review queue's list and preview where one decision
gets its feedback (required to reject or request changes, optional to approve), and the
confirmation a decision on several marked submissions asks for.

The editor is a panel inside the queue screen, not a screen of its own: the work stays in view
while the feedback is written, and opening or saving repaints only the panel and the space it
takes, not the whole queue under a dimmed background (issue #5: approve-and-next is the
fastest review workflow)."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Static, TextArea

from mentor_tui.core.text import editable_text
from mentor_tui.widgets.drafts import DraftKeeper
from mentor_tui.widgets.seams import keeping_painted_lines

DECISION_TITLES = {
    "approve": "Approve",
    "reject": "Reject",
    "request_changes": "Request changes on",
}


class FeedbackArea(TextArea):
    """The feedback's text area: not styled again when it loses the focus while its panel is
    hidden (a decision saved, or cancelled), since nothing of it shows then. Textual re-applies
    the stylesheet to it on every focus change (its many component styles: 1.5-2 ms of each
    `ctrl+s`, issue #21); the panel focuses it whenever it shows, which styles it again."""

    def watch_has_focus(self, has_focus: bool) -> None:
        if has_focus or self.visible:
            super().watch_has_focus(has_focus)


class FeedbackPanel(Vertical):
    """Hidden until `open`. ctrl+s posts `Confirmed` with the feedback as typed ("" for none)
    and the panel stays, `saving`, until the screen has written the decision and calls `close`
    (so the list lands on the next item in the same repaint that hides the panel); escape
    posts `Cancelled` and hides it. What is typed is kept as a draft of the submissions decided
    on (`DraftKeeper`): after a crash, opening the editor on them again brings it back; saving
    the decision or escape throws it away."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "confirm", "Save decision", id="feedback.confirm", priority=True),
        Binding("ctrl+b", "comment_bank", "Comment bank", id="feedback.bank", priority=True),
        Binding("escape", "cancel", "Cancel", id="feedback.cancel", priority=True),
    ]

    class Confirmed(Message):
        """Save ``decision`` with ``feedback`` on the submissions ``ids``."""

        def __init__(self, decision: str, ids: tuple[str, ...], feedback: str) -> None:
            super().__init__()
            self.decision = decision
            self.ids = ids
            self.feedback = feedback

    class Cancelled(Message):
        """The decision was not made."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.decision = "approve"
        self.ids: tuple[str, ...] = ()
        self.saving = False
        self.drafts: DraftKeeper | None = None
        self._open = False

    def compose(self) -> ComposeResult:
        yield Static("", id="feedback-title", markup=False)
        yield FeedbackArea("", id="feedback-text", soft_wrap=True, tab_behavior="focus")
        yield Static(
            "ctrl+s save · ctrl+b comment bank · escape cancel",
            id="feedback-hint",
            classes="muted",
            markup=False,
        )

    @property
    def is_open(self) -> bool:
        return self._open

    def _set_shown(self, shown: bool) -> None:
        """Show or hide the panel with its own (inline) visibility, not a CSS class: a class
        change re-applies the stylesheet to the panel and everything in it (the text area's
        many component styles: 3-4 ms of each `a` and `ctrl+s`, issue #21), where an inline
        rule restyles nothing. Its children inherit it, so nothing in it can take the focus."""
        self._open = shown
        # its own lines (the border, the background) are the same as when it last showed
        with keeping_painted_lines(self):
            self.visible = shown

    @property
    def required(self) -> bool:
        return self.decision != "approve"

    @property
    def text(self) -> str:
        return self.query_one(TextArea).text

    def open(self, decision: str, subject: str, ids: tuple[str, ...]) -> None:
        """Ask for the feedback of ``decision`` on ``ids`` (``subject`` names them). Opened
        again while open (another decision, another row), the text typed so far stays."""
        if self.saving:
            return
        area = self.query_one(TextArea)
        key = ",".join(ids)
        if not self.is_open:
            area.clear()
            self._keep_draft(key)
        elif self.drafts is None or self.drafts.key != key:  # the text typed goes with it
            self._keep_draft(key, baseline={"feedback": ""})
        self.decision = decision
        self.ids = ids
        title = Text(f"{DECISION_TITLES[decision]} {subject}", style="bold")
        need = "feedback required" if self.required else "feedback optional"
        title.append(f"  ({need})", style="not bold dim")
        self.query_one("#feedback-title", Static).update(title, layout=False)  # one line
        self._set_shown(True)
        area.focus()

    def _keep_draft(self, key: str, baseline: dict[str, str] | None = None) -> None:
        if self.drafts is not None:
            self.drafts.discard()
        self.drafts = DraftKeeper(self, "feedback", key, {"feedback": "#feedback-text"})
        self.drafts.start(baseline)

    @on(TextArea.Changed, "#feedback-text")
    def _typed(self) -> None:
        if self.drafts is not None:
            self.drafts.typed()

    def close(self, *, keep_draft: bool = False) -> None:
        """Hide the editor: the decision was written (or cancelled), so its draft goes, unless
        ``keep_draft`` (the save failed: the text comes back when the editor opens again)."""
        self.saving = False
        self._set_shown(False)
        drafts, self.drafts = self.drafts, None
        if drafts is not None and keep_draft:
            drafts.flush()
        elif drafts is not None:
            drafts.discard()

    def action_confirm(self) -> None:
        if self.saving:  # pressed again while the decision is being written
            return
        if self.required and not self.text.strip():
            verb = "reject" if self.decision == "reject" else "request changes on"
            self.notify(f"Write feedback to {verb} a submission.", severity="warning", markup=False)
            return
        self.saving = True
        self.post_message(self.Confirmed(self.decision, self.ids, self.text))

    def action_cancel(self) -> None:
        if self.saving:
            return
        self.close()
        self.post_message(self.Cancelled())

    def action_comment_bank(self) -> None:
        from mentor_tui.screens.reviews.comment_bank import CommentBankScreen

        self.app.push_screen(CommentBankScreen(), self._insert)

    def _insert(self, body: str | None) -> None:
        area = self.query_one(TextArea)
        if body:
            area.insert(editable_text(body))
        area.focus()
