"""The notes screen's editor: the note open in it, its header and save state, and the autosave.

The editor autosaves about 0.7 s after the last key, but never later than 0.8 s after the first
key not saved yet, so that typing on without a pause is in the store about a second after any
key (the save's own time included; issue 15), and whenever another note is opened or the
screen is left (`flush`); a new note is created by its first save. Saves run in workers, one
at a time per note, carrying the version the editor last saw (see `draft.py`).

These are methods of `NotesScreen` (``self`` is the screen), kept apart from the lists and the
keys: the class binds each by name in its body (``_save = editing.save``), so they run as its
own methods without changing what the screen subclasses.
"""

from __future__ import annotations

from time import monotonic

from rich.text import Text
from textual import on
from textual.widgets import Static, TextArea

from mentor_tui.core import dates
from mentor_tui.core.notes.notes import KIND_LABELS, NoteLine
from mentor_tui.core.text import editable_text
from mentor_tui.screens.notes.draft import Draft, save_job
from mentor_tui.widgets.events import DataChanged
from mentor_tui.widgets.figures import local_time

AUTOSAVE_SECONDS = 0.7  # after the last key
# after the first key not saved yet, however fast the typing: with the save's own time, every
# key is in the store about a second after it was typed
AUTOSAVE_MAX_WAIT = 0.8


def open_note(self, note: NoteLine) -> None:
    self._flush()
    # the editor holds what it shows: control characters as visible symbols, so the draft is
    # clean as loaded and only a person's edit saves it (with the symbols)
    shown = editable_text(note.note)
    self.draft = Draft(
        student_id=note.student_id,
        note_id=note.id,
        version=note.version,
        kind=note.kind,
        due_date=note.due_date,
        done=note.done,
        added_at=note.added_at,
        text=shown,
        saved_text=shown,
    )
    self._load_editor(shown)


def clear_editor(self) -> None:
    self.draft = None
    self._load_editor("")
    self.query_one("#notes-editor", TextArea).disabled = True


def load_editor(self, text: str) -> None:
    """Load ``text`` into the editor; it must already be ``editable_text``."""
    editor = self.query_one("#notes-editor", TextArea)
    editor.disabled = False
    editor.load_text(text)
    self._show_header()
    self._show_state()
    self._refresh_preview()
    self.refresh_bindings()


def show_header(self) -> None:
    draft = self.draft
    header = self.query_one("#notes-header", Static)
    if draft is None:
        header.update(Text("No note open. ctrl+n (alt+n) writes a new one.", style="dim"))
        return
    text = Text()
    text.append(KIND_LABELS[draft.kind].capitalize(), style="bold")
    if draft.kind == "action_item":
        text.append("  ✔ done" if draft.done else "  ○ open")
        today = dates.today_in(self.actor.timezone)
        if draft.due_date is None:
            text.append("  no due date (ctrl+d)", style="dim")
        else:
            days = dates.days_until(draft.due_date, today)
            late = not draft.done and days < 0
            when = (
                f"{-days} day{'' if days == -1 else 's'} overdue"
                if late
                else dates.describe_day(draft.due_date, today)
            )
            shown = "%a %d %b" if draft.due_date.year == today.year else "%a %d %b %Y"
            text.append(
                f"  due {draft.due_date.strftime(shown)} · {when}",
                style="bold red" if late else "",
            )
    if draft.added_at is not None:
        text.append(f"  ·  added {local_time(draft.added_at, self.actor.timezone)}", style="dim")
    else:
        text.append("  ·  new note", style="dim")
    header.update(text)


def show_state(self) -> None:
    draft = self.draft
    state = self.query_one("#notes-state", Static)
    if draft is None:
        state.update("")
    elif draft.conflict:
        state.update(
            Text(
                "Not saved: this note changed elsewhere since it was opened. Your text is kept "
                "here; ctrl+o saves it over the other version.",
                style="bold red",
            )
        )
    elif draft.saving:
        state.update(Text("Saving…", style="dim"))
    elif draft.dirty:
        state.update(Text("Edited", style="dim"))
    elif draft.note_id is None:
        state.update(Text("New note: type to start; it is saved as you type.", style="dim"))
    else:
        state.update(Text(f"Saved · {len(draft.text):,} characters", style="dim green"))


@on(TextArea.Changed, "#notes-editor")
def typed(self, event: TextArea.Changed) -> None:
    draft = self.draft
    if draft is None:
        return
    draft.text = event.text_area.text
    if not draft.dirty:  # the text just loaded, or typed back to what is saved
        self._show_state()
        return
    now = monotonic()
    if self._unsaved_since is None:
        self._unsaved_since = now
    if self._timer is not None:
        self._timer.stop()
    wait = min(AUTOSAVE_SECONDS, self._unsaved_since + AUTOSAVE_MAX_WAIT - now)
    # past the bound (keys queued behind a busy loop): save at the next turn; Textual's timer
    # divides by its delay, so never 0
    self._timer = self.set_timer(max(wait, 0.001), self._autosave)
    self._show_state()


def autosave(self) -> None:
    self._timer = None
    self._unsaved_since = None
    if self.draft is not None:
        self._save(self.draft)


def flush(self) -> None:
    """Save the open note now if it has unsaved text (switching notes, leaving)."""
    if self._timer is not None:
        self._timer.stop()
        self._timer = None
    self._unsaved_since = None
    if self.draft is not None:
        self._save(self.draft)


def flush_before_exit(self) -> None:
    """The app is quitting: start saving what is on screen now (the app waits for it)."""
    self._flush()


def save(self, draft: Draft, *, force: bool = False) -> None:
    if draft.saving or not draft.dirty or (draft.conflict and not force):
        return
    draft.saving = True
    text, fields = draft.text, dict(draft.fields)
    self.run_db(
        save_job(self.actor, draft, text, fields, force),
        lambda result: self._saved(draft, text, fields, result),
        group="notes-save",
        exclusive=False,
    )
    if draft is self.draft:
        self._show_state()


def saved(
    self, draft: Draft, text: str, fields: dict[str, object], result: tuple[str, object]
) -> None:
    draft.saving = False
    outcome, detail = result
    if outcome == "saved":
        created = draft.note_id is None
        draft.note_id, draft.version, added = detail  # type: ignore[misc]
        draft.added_at = draft.added_at or added
        draft.saved_text = text
        for name, value in fields.items():
            if draft.fields.get(name) == value:
                del draft.fields[name]
        draft.conflict = False
        if created and draft is self.draft:
            self._show_header()
        if created or draft.student_id == self.student_id:
            self._load_notes()
        self.post_message(DataChanged("notes"))
        if draft.dirty:  # typed on (or changed the kind) while this save ran
            self._save(draft)
    elif outcome == "conflict":
        draft.conflict = True
        self.notify(
            f"{detail} Your text is kept in the editor; ctrl+o saves it anyway.",
            title="Note not saved",
            severity="error",
            markup=False,
            timeout=10,
        )
    else:
        self.notify(str(detail), severity="warning", markup=False)
    if draft is self.draft:
        self._show_state()
        self.refresh_bindings()
