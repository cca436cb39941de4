"""Purging the notes past the retention period from the notes screen: count them, ask, purge.

`action_purge`, `ask_purge` and `purge_confirmed` are methods of `NotesScreen` (``self`` is
the screen), bound by name in its class body; `PurgeConfirm` is the question they ask.
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import ModalScreen
from textual.widgets import Static

from mentor_tui.core.notes import notes as core_notes
from mentor_tui.widgets.events import DataChanged


def action_purge(self) -> None:
    actor, config = self.actor, self.services.config
    self.run_db(
        lambda s: core_notes.notes_due_for_purge(s, actor, config),
        self._ask_purge,
        group="notes-purge",
    )


def ask_purge(self, due: int) -> None:
    days = self.services.config.note_retention_days
    if due == 0:
        self.notify(f"No note is older than {days} days; nothing to purge.", markup=False)
        return
    self.app.push_screen(PurgeConfirm(due, days), self._purge_confirmed)


def purge_confirmed(self, confirmed: bool | None) -> None:
    if not confirmed:
        return
    self._flush()
    actor, config = self.actor, self.services.config

    def done(count: int) -> None:
        self.notify(f"Purged {count:,} old notes.", markup=False)
        self.post_message(DataChanged("notes"))
        self.draft = None  # the open note may be among the purged; reopen from the list
        self._load_notes()

    self.run_db(lambda s: core_notes.purge_old_notes(s, actor, config), done, group="notes-purge")


class PurgeConfirm(ModalScreen[bool]):
    """Asks before erasing the notes past the retention period."""

    DEFAULT_CSS = """
    PurgeConfirm { align: center middle; }
    PurgeConfirm > Static { width: 64; padding: 1 2; border: thick $error; background: $surface; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "Purge", id="purge.yes"),
        Binding("n,escape", "answer(False)", "Keep", id="purge.no"),
    ]

    def __init__(self, due: int, days: int) -> None:
        super().__init__()
        self.due, self.days = due, days

    def compose(self) -> ComposeResult:
        noun = "note was" if self.due == 1 else "notes were"
        yield Static(
            f"{self.due:,} of your {noun} added more than {self.days} days ago and are due "
            "for purging. Purging erases their text for good (and on the server at the next "
            "sync).\n\nPurge them now? y = purge, n = keep",
            markup=False,
        )

    def action_answer(self, value: bool) -> None:
        self.dismiss(value)
