"""The feedback editor: a modal over the review queue where one decision gets its feedback
(required to reject or request changes, optional to approve), and the confirmation a decision
on several marked submissions asks for."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static, TextArea

from mentor_tui.core.text import clean_text

DECISION_TITLES = {
    "approve": "Approve",
    "reject": "Reject",
    "request_changes": "Request changes on",
}


class FeedbackEditor(ModalScreen[str | None]):
    """Dismisses with the feedback as typed ("" for none), or None when cancelled."""

    CSS_PATH = "feedback_editor.tcss"
    HELP_TITLE = "Feedback"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "confirm", "Save decision", id="feedback.confirm", priority=True),
        Binding("ctrl+b", "comment_bank", "Comment bank", id="feedback.bank", priority=True),
        Binding("escape", "cancel", "Cancel", id="feedback.cancel", priority=True),
    ]

    def __init__(self, decision: str, subject: str, *, count: int = 1, text: str = "") -> None:
        super().__init__()
        self.decision = decision
        self.subject = subject
        self.count = count
        self._text = text

    @property
    def required(self) -> bool:
        return self.decision != "approve"

    def compose(self) -> ComposeResult:
        with Vertical(id="feedback-box"):
            what = DECISION_TITLES[self.decision]
            yield Static(f"{what} {self.subject}", id="feedback-title", markup=False)
            need = "Feedback (required)" if self.required else "Feedback (optional)"
            yield Static(need, id="feedback-need", classes="muted", markup=False)
            yield TextArea(self._text, id="feedback-text", soft_wrap=True, tab_behavior="focus")
            yield Static(
                "ctrl+s save · ctrl+b comment bank · escape cancel",
                id="feedback-hint",
                classes="muted",
                markup=False,
            )

    def on_mount(self) -> None:
        self.query_one(TextArea).focus()

    @property
    def text(self) -> str:
        return self.query_one(TextArea).text

    def action_confirm(self) -> None:
        if self.required and not self.text.strip():
            verb = "reject" if self.decision == "reject" else "request changes on"
            self.notify(f"Write feedback to {verb} a submission.", severity="warning", markup=False)
            return
        self.dismiss(self.text)

    def action_cancel(self) -> None:
        self.dismiss(None)

    def action_comment_bank(self) -> None:
        from mentor_tui.screens.comment_bank import CommentBankScreen

        self.app.push_screen(CommentBankScreen(), self._insert)

    def _insert(self, body: str | None) -> None:
        area = self.query_one(TextArea)
        if body:
            area.insert(clean_text(body))
        area.focus()


class ConfirmDecision(ModalScreen[bool]):
    """Yes or no to a decision on several submissions; the question says how many."""

    CSS_PATH = "feedback_editor.tcss"
    HELP_TITLE = "Confirm"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y,enter", "answer(True)", "Yes", id="confirm.yes"),
        Binding("n,escape", "answer(False)", "No", id="confirm.no"),
    ]

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-box"):
            yield Static(self.question, id="confirm-question", markup=False)
            yield Static("y / enter: yes · n / escape: no", classes="muted", markup=False)

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)
