"""The app's confirmation dialogs: one yes/no question before a write.

``ConfirmScreen``: `y` or `enter` confirms, `n` or `escape` cancels. ``DestructiveConfirm``
(a change that cannot be undone, such as purging notes): only `y` confirms, so a habitual
`enter` never erases anything. ``AskScreen``: a few short lines typed (a reason, a rating
and a comment); `enter` moves to the next line and, on the last, answers with what was typed;
`escape` cancels. The title and lines are shown literally (they hold people's names and
titles)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Input, Static

from mentor_tui.screens.base import MentorModal
from mentor_tui.widgets.key_footer import KeyFooter


class ConfirmScreen(MentorModal[bool]):
    """A yes/no question; dismissed with True (confirmed) or False."""

    CSS_PATH = "dialogs.tcss"
    HELP_TITLE = "Confirm"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y,enter", "answer(True)", "Yes", id="confirm.yes", key_display="y/enter"),
        Binding("n,escape", "answer(False)", "No", id="confirm.no", key_display="n/esc"),
    ]
    HINT: ClassVar[str] = "y or enter: yes · n or escape: no"

    def __init__(self, title: str, lines: Sequence[str] = (), *, warning: bool = False) -> None:
        super().__init__()
        self.question = title
        self.lines = list(lines)
        self._warning = warning

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-box", classes="warning" if self._warning else ""):
            yield Static(self.question, id="confirm-title", markup=False)
            if self.lines:
                yield Static("\n".join(self.lines), id="confirm-lines", markup=False)
            yield Static(self.HINT, classes="muted", markup=False)
        yield KeyFooter()

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)


class DestructiveConfirm(ConfirmScreen, inherit_bindings=False):
    """A question before a change that cannot be undone: only `y` confirms."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "Yes", id="confirm.yes"),
        Binding("n,escape", "answer(False)", "No", id="confirm.no", key_display="n/esc"),
    ]
    HINT: ClassVar[str] = "y: yes · n or escape: no"

    def __init__(self, title: str, lines: Sequence[str] = ()) -> None:
        super().__init__(title, lines, warning=True)


class AskScreen(MentorModal[list[str] | None]):
    """A few labelled lines to type; dismissed with what was typed, or None (cancelled)."""

    CSS_PATH = "dialogs.tcss"
    HELP_TITLE = "Ask"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="ask.cancel", key_display="esc"),
    ]

    def __init__(
        self, title: str, fields: Sequence[tuple[str, int]], values: Sequence[str] = ()
    ) -> None:
        """``fields``: each line's label and its longest length; ``values``: what the lines
        start with (e.g. a sensible file name), the first ones only if fewer."""
        super().__init__()
        self.question = title
        self.fields = list(fields)
        self.values = list(values)

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-box"):
            yield Static(self.question, id="confirm-title", markup=False)
            for n, (label, longest) in enumerate(self.fields):
                yield Static(label, classes="muted", markup=False)
                value = self.values[n] if n < len(self.values) else ""
                yield Input(value, max_length=longest, id=f"ask-{n}", classes="ask-input")
            yield Static("enter: next / done · escape: cancel", classes="muted", markup=False)
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#ask-0", Input).focus()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        inputs = list(self.query(Input))
        at = inputs.index(event.input)
        if at + 1 < len(inputs):
            inputs[at + 1].focus()
        else:
            self.dismiss([i.value for i in inputs])

    def action_cancel(self) -> None:
        self.dismiss(None)


__all__ = ["AskScreen", "ConfirmScreen", "DestructiveConfirm"]
