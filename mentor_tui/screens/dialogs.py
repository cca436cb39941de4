"""The app's confirmation dialogs: one yes/no question before a write.

``ConfirmScreen``: `y` or `enter` confirms, `n` or `escape` cancels. ``DestructiveConfirm``
(a change that cannot be undone, such as purging notes): only `y` confirms, so a habitual
`enter` never erases anything. The title and lines are shown literally (they hold people's
names and titles)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Static

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


__all__ = ["ConfirmScreen", "DestructiveConfirm"]
