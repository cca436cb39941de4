"""Key `4`: a mentor's private notes on their students (SPEC 4.4, issue 6).

Pick a student, their notes newest first, a Markdown editor with a rendered preview. Nothing
typed is lost: the editor autosaves about 0.7 s after the last key and whenever another note is
opened or the screen is left; a new note is created by its first autosave. Saves run in
workers, one at a time per note, carrying the version the editor last saw, so a note changed
elsewhere meanwhile is reported and the typed text stays in the editor.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from sqlmodel import Session
from textual import on
from textual.app import App, ComposeResult, SuspendNotSupported
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.timer import Timer
from textual.widgets import Markdown, OptionList, Static, TextArea
from textual.widgets.option_list import Option, OptionDoesNotExist

from mentor_tui.core import dates
from mentor_tui.core.notes import notes as core_notes
from mentor_tui.core.access import Actor
from mentor_tui.errors import UserError
from mentor_tui.core.notes.notes import KIND_LABELS, NoteConflict, NoteLine
from mentor_tui.core.people.students import list_students
from mentor_tui.core.text import clean_line
from mentor_tui.widgets.events import DataChanged
from mentor_tui.screens.base import MentorScreen
from mentor_tui.screens.notes.due_date import DueDateChosen, DueDateScreen
from mentor_tui.widgets.figures import local_time
from mentor_tui.widgets.key_footer import KeyFooter

AUTOSAVE_SECONDS = 0.7
KINDS = list(KIND_LABELS)
NOT_AUTHOR = "Only the mentor who wrote a note can read it; admins see counts."
MAX_STUDENTS = 1000
LABEL_CHARS = 38


@dataclass
class Draft:
    """The note in the editor: what the store last confirmed and what is typed."""

    student_id: str
    note_id: str | None = None
    version: int | None = None
    kind: str = "note"
    due_date: date | None = None
    done: bool = False
    added_at: object = None
    text: str = ""
    saved_text: str | None = None
    saving: bool = False
    conflict: bool = False
    # kind / done / due date changes not saved yet; they go with the next save of the text
    fields: dict[str, object] = field(default_factory=dict)

    @property
    def dirty(self) -> bool:
        if self.note_id is None:
            return bool(self.text.strip())
        return self.text != self.saved_text or bool(self.fields)


def _save_job(
    actor: Actor, draft: Draft, text: str, fields: dict[str, object], force: bool
) -> Callable[[Session], tuple[str, object]]:
    """The job of one save: create the note on its first save, else save the text and the
    changed fields against the version last seen (unless ``force``). A conflict or a person's
    mistake comes back as a result, so a draft is never left marked as saving."""
    student, note_id, version, kind = draft.student_id, draft.note_id, draft.version, draft.kind

    def job(session: Session) -> tuple[str, object]:
        try:
            if note_id is None:
                due = fields.get("due_date") if kind == "action_item" else None
                row = core_notes.add_note(
                    session,
                    actor,
                    student,
                    text,
                    kind=kind,
                    due_date=due,  # type: ignore[arg-type]
                )
            else:
                row = core_notes.save_note(
                    session,
                    actor,
                    note_id,
                    text=text,
                    expected_version=None if force else version,
                    **fields,  # type: ignore[arg-type]
                )
            return "saved", (row.id, row.version, row.added_at)
        except NoteConflict as conflict:
            return "conflict", str(conflict)
        except UserError as error:
            return "error", str(error)

    return job


class NotesScreen(MentorScreen):
    CSS_PATH = "notes.tcss"
    HELP_TITLE = "Notes"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+n", "new_note", "New note", id="notes.new", priority=True),
        Binding("ctrl+k", "cycle_kind", "Kind", id="notes.kind", priority=True),
        Binding("ctrl+t", "toggle_done", "Done", id="notes.done", priority=True),
        Binding("ctrl+d", "set_due", "Due date", id="notes.due", priority=True),
        Binding("ctrl+r", "toggle_preview", "Preview", id="notes.preview", priority=True),
        Binding("ctrl+f", "search", "Search", id="notes.search", priority=True),
        Binding("ctrl+e", "external_editor", "$EDITOR", id="notes.editor", priority=True),
        Binding("ctrl+o", "keep_mine", "Keep my text", id="notes.keep", priority=True),
        Binding("ctrl+g", "purge", "Purge old", id="notes.purge", priority=True),
        Binding("escape", "back", "Back to list", id="notes.back", show=False),
    ]

    # a student to show, asked for before the screen became active (see ``open_student``)
    _requested: ClassVar[str | None] = None

    def __init__(self) -> None:
        super().__init__()
        self.draft: Draft | None = None
        self.student_id: str | None = None
        self._notes: list[NoteLine] = []
        self._timer: Timer | None = None
        self._open_after_load: str | None = None

    @classmethod
    def open_student(cls, app: App, student_id: str) -> None:
        """Switch to the notes area with ``student_id``'s notes (from another screen)."""
        cls._requested = student_id
        if app.current_mode == "notes" and isinstance(app.screen, NotesScreen):
            app.screen._take_request()
        else:
            app.switch_mode("notes")

    # -- layout -----------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield self.mentor_app.make_status_bar(self.HELP_TITLE)
        if not self.actor.is_mentor:
            yield Static(NOT_AUTHOR, id="notes-denied", markup=False)
            yield KeyFooter()
            return
        with Horizontal(id="notes-body"):
            with Vertical(id="notes-side"):
                yield Static("Students", classes="notes-title")
                yield OptionList(id="notes-students")
                yield Static("Notes", classes="notes-title", id="notes-list-title")
                yield OptionList(id="notes-list")
            with Vertical(id="notes-main"):
                yield Static("", id="notes-header", markup=False)
                yield TextArea(
                    "",
                    language="markdown",
                    id="notes-editor",
                    soft_wrap=True,
                    show_line_numbers=False,
                    tab_behavior="focus",
                )
                yield VerticalScroll(Markdown(id="notes-preview"), id="notes-preview-box")
                yield Static("", id="notes-state", markup=False)
        yield KeyFooter()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        mine = {
            "new_note",
            "cycle_kind",
            "toggle_done",
            "set_due",
            "toggle_preview",
            "search",
            "external_editor",
            "keep_mine",
            "purge",
        }
        if action in mine and not self.actor.is_mentor:
            return False
        draft = self.draft
        if action == "toggle_done":
            return draft is not None and draft.kind == "action_item" and draft.note_id is not None
        if action == "set_due":  # on any note, so ctrl+d never falls through to the editor
            return True if draft is not None else None
        if action == "keep_mine":
            return draft is not None and draft.conflict
        if action in {"cycle_kind", "toggle_preview", "external_editor"}:
            return True if draft is not None else None
        if action == "new_note":
            return True if self.student_id is not None else None
        return True

    def on_mount(self) -> None:
        actor = self.actor
        if not actor.is_mentor:
            if actor.is_admin:
                self.run_db(
                    lambda s: core_notes.count_notes(s, actor),
                    self._show_count,
                    group="notes-count",
                )
            return
        self.query_one("#notes-preview-box").display = False
        self.query_one("#notes-editor", TextArea).disabled = True
        self.run_db(
            lambda s: list_students(s, actor, limit=MAX_STUDENTS),
            self._show_students,
            group="notes-students",
        )

    def _show_count(self, count: int) -> None:
        noun = "note exists" if count == 1 else "notes exist"
        self.query_one("#notes-denied", Static).update(f"{NOT_AUTHOR}\n\n{count:,} {noun}.")

    def on_screen_resume(self) -> None:
        if self.actor.is_mentor and self.is_mounted:
            self._take_request()

    def on_screen_suspend(self) -> None:
        self._flush()

    def _take_request(self) -> None:
        student_id, NotesScreen._requested = NotesScreen._requested, None
        if student_id is not None:
            self._select_student(student_id)

    # -- students and notes lists -------------------------------------------------------------
    def _show_students(self, rows: list) -> None:
        students = self.query_one("#notes-students", OptionList)
        students.clear_options()
        students.add_options(Option(Text(clean_line(r.full_name)), id=r.id) for r in rows)
        if NotesScreen._requested is not None:
            self._take_request()
        elif self.student_id is not None:  # asked for while the list was loading
            self._highlight_student(self.student_id)
        elif rows:
            self._select_student(rows[0].id)
        students.focus()

    def _select_student(self, student_id: str, open_note: str | None = None) -> None:
        self._flush()
        self.student_id = student_id
        self._highlight_student(student_id)
        self._open_after_load = open_note
        self._load_notes()

    def _highlight_student(self, student_id: str) -> None:
        students = self.query_one("#notes-students", OptionList)
        try:
            students.highlighted = students.get_option_index(student_id)
        except OptionDoesNotExist:  # not loaded yet, or not one of this mentor's students
            pass

    def _load_notes(self) -> None:
        actor, key = self.actor, self.student_id
        if key is None:
            return
        self.run_db(
            lambda s: core_notes.list_notes(s, actor, key), self._show_notes, group="notes-list"
        )

    def _show_notes(self, notes: list[NoteLine]) -> None:
        self._notes = notes
        listing = self.query_one("#notes-list", OptionList)
        current = self.draft.note_id if self.draft else None
        listing.clear_options()
        listing.add_options(Option(self._note_label(n), id=n.id) for n in notes)
        name = clean_line(notes[0].student_name) if notes else ""
        title = f"Notes of {name} ({len(notes)})" if notes else "Notes (none yet: ctrl+n)"
        self.query_one("#notes-list-title", Static).update(title)
        wanted = self._open_after_load
        self._open_after_load = None
        if wanted is None and self.draft is not None and self.draft.student_id == self.student_id:
            wanted = current
        ids = [n.id for n in notes]
        if wanted in ids:
            listing.highlighted = ids.index(wanted)
            if self.draft is None or self.draft.note_id != wanted:
                self._open(notes[ids.index(wanted)])
        elif notes and (self.draft is None or self.draft.student_id != self.student_id):
            listing.highlighted = 0
            self._open(notes[0])
        elif not notes and (self.draft is None or self.draft.student_id != self.student_id):
            self._clear_editor()
        self.refresh_bindings()

    def _note_label(self, note: NoteLine) -> Text:
        label = Text()
        label.append(local_time(note.added_at, self.actor.timezone, "%d %b %Y"), style="dim")
        label.append(f"  {KIND_LABELS[note.kind]}", style="bold")
        if note.kind == "action_item":
            label.append(*self._due_mark(note, dates.today_in(self.actor.timezone)))
        first = next((line for line in note.note.splitlines() if line.strip()), "")
        first = clean_line(first.strip()) or "(empty)"
        label.append(
            "\n" + (first if len(first) <= LABEL_CHARS else first[: LABEL_CHARS - 1] + "…")
        )
        return label

    @staticmethod
    def _due_mark(note: NoteLine, today: date) -> tuple[str, str]:
        """An action item's state in the list, short enough for one line: done, open, due
        (the day), due today, or overdue (which stands out)."""
        if note.done:
            return " ✔ done", "green"
        if core_notes.is_overdue(note, today):
            return " ○ overdue", "bold red"
        if note.due_date is None:
            return " ○ open", "yellow"
        if note.due_date == today:
            return " ○ due today", "bold yellow"
        shown = (
            f"{note.due_date:%d %b}"
            if note.due_date.year == today.year
            else f"{note.due_date:%d %b %Y}"
        )
        return f" ○ due {shown}", "yellow"

    @on(OptionList.OptionHighlighted, "#notes-students")
    def _student_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if event.option.id and event.option.id != self.student_id:
            self._select_student(event.option.id)

    @on(OptionList.OptionSelected, "#notes-students")
    def _student_selected(self) -> None:
        self.query_one("#notes-list", OptionList).focus()

    @on(OptionList.OptionHighlighted, "#notes-list")
    def _note_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        note = next((n for n in self._notes if n.id == event.option.id), None)
        if note is not None and (self.draft is None or self.draft.note_id != note.id):
            self._open(note)

    @on(OptionList.OptionSelected, "#notes-list")
    def _note_selected(self) -> None:
        self.query_one("#notes-editor", TextArea).focus()

    # -- the editor ---------------------------------------------------------------------------
    def _open(self, note: NoteLine) -> None:
        self._flush()
        self.draft = Draft(
            student_id=note.student_id,
            note_id=note.id,
            version=note.version,
            kind=note.kind,
            due_date=note.due_date,
            done=note.done,
            added_at=note.added_at,
            text=note.note,
            saved_text=note.note,
        )
        self._load_editor(note.note)

    def _clear_editor(self) -> None:
        self.draft = None
        self._load_editor("")
        self.query_one("#notes-editor", TextArea).disabled = True

    def _load_editor(self, text: str) -> None:
        editor = self.query_one("#notes-editor", TextArea)
        editor.disabled = False
        editor.load_text(text)
        self._show_header()
        self._show_state()
        self._refresh_preview()
        self.refresh_bindings()

    def _show_header(self) -> None:
        draft = self.draft
        header = self.query_one("#notes-header", Static)
        if draft is None:
            header.update(Text("No note open. ctrl+n writes a new one.", style="dim"))
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
            text.append(
                f"  ·  added {local_time(draft.added_at, self.actor.timezone)}", style="dim"
            )
        else:
            text.append("  ·  new note", style="dim")
        header.update(text)

    def _show_state(self) -> None:
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
    def _typed(self, event: TextArea.Changed) -> None:
        draft = self.draft
        if draft is None:
            return
        draft.text = event.text_area.text
        if not draft.dirty:  # the text just loaded, or typed back to what is saved
            self._show_state()
            return
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(AUTOSAVE_SECONDS, self._autosave)
        self._show_state()

    def _autosave(self) -> None:
        self._timer = None
        if self.draft is not None:
            self._save(self.draft)

    def _flush(self) -> None:
        """Save the open note now if it has unsaved text (switching notes, leaving)."""
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        if self.draft is not None:
            self._save(self.draft)

    def flush_before_exit(self) -> None:
        """The app is quitting: start saving what is on screen now (the app waits for it)."""
        self._flush()

    def _save(self, draft: Draft, *, force: bool = False) -> None:
        if draft.saving or not draft.dirty or (draft.conflict and not force):
            return
        draft.saving = True
        text, fields = draft.text, dict(draft.fields)
        self.run_db(
            _save_job(self.actor, draft, text, fields, force),
            lambda result: self._saved(draft, text, fields, result),
            group="notes-save",
            exclusive=False,
        )
        if draft is self.draft:
            self._show_state()

    def _saved(
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

    # -- actions ------------------------------------------------------------------------------
    def action_new_note(self) -> None:
        if self.student_id is None:
            return
        self._flush()
        self.draft = Draft(student_id=self.student_id)
        self.query_one("#notes-list", OptionList).highlighted = None
        self._load_editor("")
        self.query_one("#notes-editor", TextArea).focus()

    def action_cycle_kind(self) -> None:
        draft = self.draft
        if draft is None:
            return
        draft.kind = KINDS[(KINDS.index(draft.kind) + 1) % len(KINDS)]
        if draft.kind != "action_item":
            draft.done, draft.due_date = False, None
            # the core drops the mark and the due date with the kind
            draft.fields.pop("done", None)
            draft.fields.pop("due_date", None)
        draft.fields["kind"] = draft.kind
        self._show_header()
        self.refresh_bindings()
        self._flush()

    def action_toggle_done(self) -> None:
        draft = self.draft
        if draft is None or draft.note_id is None or draft.kind != "action_item":
            return
        draft.done = not draft.done
        self._show_header()
        draft.fields["done"] = draft.done
        self._flush()

    def action_set_due(self) -> None:
        draft = self.draft
        if draft is None:
            return
        if draft.kind != "action_item":
            self.notify(
                f"Only an action item has a due date; this is a {KIND_LABELS[draft.kind]} "
                "(ctrl+k changes the kind).",
                severity="warning",
                markup=False,
            )
            return
        today = dates.today_in(self.actor.timezone)
        self.app.push_screen(
            DueDateScreen(draft.due_date, today), lambda choice: self._due_chosen(draft, choice)
        )

    def _due_chosen(self, draft: Draft, choice: DueDateChosen | None) -> None:
        """Keep the new due date with the note's other unsaved changes and save at once."""
        if choice is None or draft.kind != "action_item":
            return
        draft.due_date = choice.due
        draft.fields["due_date"] = choice.due
        if draft is self.draft:
            self._show_header()
            self._flush()
        else:
            self._save(draft)

    def action_keep_mine(self) -> None:
        draft = self.draft
        if draft is not None and draft.conflict:
            self._save(draft, force=True)

    def action_toggle_preview(self) -> None:
        box = self.query_one("#notes-preview-box")
        editor = self.query_one("#notes-editor", TextArea)
        box.display = not box.display
        editor.display = not box.display
        self._refresh_preview()
        (box if box.display else editor).focus()

    def _refresh_preview(self) -> None:
        box = self.query_one("#notes-preview-box")
        if box.display:
            # Markdown renders the note's structure; text stays text (no console markup)
            self.query_one("#notes-preview", Markdown).update(self.draft.text if self.draft else "")

    def action_back(self) -> None:
        if self.query_one("#notes-preview-box").display:
            self.action_toggle_preview()
        elif self.focused is self.query_one("#notes-editor"):
            self.query_one("#notes-list", OptionList).focus()
        elif self.focused is self.query_one("#notes-list"):
            self.query_one("#notes-students", OptionList).focus()

    def action_external_editor(self) -> None:
        draft = self.draft
        if draft is None:
            return
        command = os.environ.get("VISUAL") or os.environ.get("EDITOR")
        if not command or not command.strip():
            self.notify(
                "No external editor is set: set $EDITOR (or $VISUAL), e.g. EDITOR=nano, and "
                "restart mentor-tui to edit notes with it.",
                severity="warning",
                markup=False,
            )
            return
        fd, name = tempfile.mkstemp(prefix="mentor-note-", suffix=".md")
        path = Path(name)
        try:
            with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
                handle.write(draft.text)
            argv = [*shlex.split(command), str(path)]
            try:
                with self.app.suspend():
                    result = subprocess.run(argv, check=False)
            except SuspendNotSupported:
                result = subprocess.run(
                    argv, check=False, stdin=subprocess.DEVNULL, capture_output=True
                )
            except OSError as error:
                self.notify(
                    f"Could not run {command!r}: {error.strerror}.", severity="error", markup=False
                )
                return
            if result.returncode != 0:
                self.notify(
                    f"The editor exited with status {result.returncode}; the note is unchanged.",
                    severity="warning",
                    markup=False,
                )
                return
            text = path.read_text(encoding="utf-8", errors="surrogateescape")
        except OSError as error:
            self.notify(
                f"Could not edit the note in $EDITOR: {error}.", severity="error", markup=False
            )
            return
        finally:
            path.unlink(missing_ok=True)
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            self.notify(
                "The edited file is not UTF-8 text; the note is unchanged.",
                severity="error",
                markup=False,
            )
            return
        if text != draft.text:
            editor = self.query_one("#notes-editor", TextArea)
            editor.load_text(text)
            draft.text = text
            self._flush()
            self._show_state()
            self._refresh_preview()

    def action_search(self) -> None:
        from mentor_tui.screens.notes.search import NoteSearchScreen

        self._flush()
        self.app.push_screen(NoteSearchScreen(), self._search_done)

    def _search_done(self, hit: object) -> None:
        if hit is None:
            return
        self._select_student(hit.student_id, open_note=hit.id)  # type: ignore[attr-defined]
        self.query_one("#notes-editor", TextArea).focus()

    def action_purge(self) -> None:
        actor, config = self.actor, self.services.config
        self.run_db(
            lambda s: core_notes.notes_due_for_purge(s, actor, config),
            self._ask_purge,
            group="notes-purge",
        )

    def _ask_purge(self, due: int) -> None:
        days = self.services.config.note_retention_days
        if due == 0:
            self.notify(f"No note is older than {days} days; nothing to purge.", markup=False)
            return
        self.app.push_screen(PurgeConfirm(due, days), self._purge_confirmed)

    def _purge_confirmed(self, confirmed: bool | None) -> None:
        if not confirmed:
            return
        self._flush()
        actor, config = self.actor, self.services.config

        def done(count: int) -> None:
            self.notify(f"Purged {count:,} old notes.", markup=False)
            self.post_message(DataChanged("notes"))
            self.draft = None  # the open note may be among the purged; reopen from the list
            self._load_notes()

        self.run_db(
            lambda s: core_notes.purge_old_notes(s, actor, config), done, group="notes-purge"
        )


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
