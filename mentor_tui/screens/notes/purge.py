"""Purging the notes past the retention period from the notes screen: count them, ask, purge.

`action_purge`, `ask_purge` and `purge_confirmed` are methods of `NotesScreen` (``self`` is
the screen), bound by name in its class body; `purge_question` is the question they ask.
"""

from __future__ import annotations

from mentor_tui.core.notes import notes as core_notes
from mentor_tui.screens.dialogs import DestructiveConfirm
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
    self.app.push_screen(purge_question(due, days), self._purge_confirmed)


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


def purge_question(due: int, days: int) -> DestructiveConfirm:
    """Asks before erasing the notes past the retention period (only `y` purges)."""
    noun, verb = ("note", "was") if due == 1 else ("notes", "were")
    return DestructiveConfirm(
        f"Purge {due:,} old {noun}?",
        [
            f"{due:,} of your {noun} {verb} added more than {days} days ago and are due for "
            "purging.",
            "Purging erases their text for good (and on the server at the next sync).",
        ],
    )
