"""Key `4`: a mentor's private notes on their students (SPEC 4.4, issue 6).

Pick a student, their notes newest first, a Markdown editor with a rendered preview. Nothing
typed is lost: the editor autosaves about 0.7 s after the last key, at most about 1 s after any
key however fast the typing, and whenever another note is opened or the screen is left; a new
note is created by its first autosave. Saves run in workers, one at a time per note, carrying
the version the editor last saw, so a note changed elsewhere meanwhile is reported and the
typed text stays in the editor.

This module is the screen: its layout, the lists and the keys. The editor's methods (the open
note, autosave) are in `editing.py` and those of purging in `purge.py`, bound by name in the
class body; the note being edited and its save job are in `draft.py`, the list's labels in
`note_labels.py` and the round trip through $EDITOR in `external_editor.py`.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.timer import Timer
from textual.widgets import Markdown, OptionList, Static, TextArea
from textual.widgets.option_list import Option, OptionDoesNotExist

from mentor_tui.core import dates
from mentor_tui.core.notes import notes as core_notes
from mentor_tui.core.notes.notes import KIND_LABELS, NoteLine
from mentor_tui.core.people.students import list_students
from mentor_tui.core.text import clean_line, editable_text
from mentor_tui.screens.base import MentorScreen
from mentor_tui.screens.notes import editing, purge
from mentor_tui.screens.notes.draft import Draft
from mentor_tui.screens.notes.due_date import DueDateChosen, DueDateScreen
from mentor_tui.screens.notes.external_editor import edit_in_external_editor
from mentor_tui.screens.notes.note_labels import note_label
from mentor_tui.widgets.key_footer import KeyFooter

KINDS = list(KIND_LABELS)
NOT_AUTHOR = "Only the mentor who wrote a note can read it; admins see counts."
MAX_STUDENTS = 1000


class NotesScreen(MentorScreen):
    CSS_PATH = "notes.tcss"
    HELP_TITLE = "Notes"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+n", "new_note", "New note", id="notes.new", priority=True),
        Binding("ctrl+k", "cycle_kind", "Kind", id="notes.kind", priority=True),
        Binding("ctrl+t", "toggle_done", "Done", id="notes.done", priority=True),
        # a browser keeps ctrl+n and ctrl+t (new window, new tab): `mentor-tui web` uses these
        Binding("alt+n", "new_note", "New note", id="notes.new_alt", show=False, priority=True),
        Binding("alt+c", "toggle_done", "Done", id="notes.done_alt", show=False, priority=True),
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
    _requested_new: ClassVar[bool] = False  # ... with a new note for them, being typed

    def __init__(self) -> None:
        super().__init__()
        self.draft: Draft | None = None
        self.student_id: str | None = None
        self._notes: list[NoteLine] = []
        self._timer: Timer | None = None
        # when the first key not saved yet was typed (monotonic), bounding the autosave's wait
        self._unsaved_since: float | None = None
        self._open_after_load: str | None = None

    @classmethod
    def open_student(cls, app: App, student_id: str, *, new_note: bool = False) -> None:
        """Switch to the notes area with ``student_id``'s notes (from another screen); with
        ``new_note``, a new note for them is open and the typing goes into it."""
        cls._requested = student_id
        cls._requested_new = new_note
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
        new_note, NotesScreen._requested_new = NotesScreen._requested_new, False
        if student_id is not None:
            self._select_student(student_id)
            if new_note:
                self.action_new_note()

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
        draft = self.draft
        if draft is not None and draft.note_id is None and draft.student_id == self.student_id:
            self.query_one("#notes-editor", TextArea).focus()  # a new note asked for: typing
        else:
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
        listing.add_options(Option(note_label(n, self.actor.timezone), id=n.id) for n in notes)
        name = clean_line(notes[0].student_name) if notes else ""
        title = f"Notes of {name} ({len(notes)})" if notes else "Notes (none yet: ctrl+n or alt+n)"
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

    # -- the editor: the open note and its autosave, in editing.py ---------------------------
    _open = editing.open_note
    _clear_editor = editing.clear_editor
    _load_editor = editing.load_editor
    _show_header = editing.show_header
    _show_state = editing.show_state
    _typed = editing.typed
    _autosave = editing.autosave
    _flush = editing.flush
    flush_before_exit = editing.flush_before_exit
    _save = editing.save
    _saved = editing.saved

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
        # a kind this version does not know (pulled from elsewhere) cycles on to the first
        at = KINDS.index(draft.kind) if draft.kind in KINDS else -1
        draft.kind = KINDS[(at + 1) % len(KINDS)]
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
            self._flush()  # leaving the editor saves it at once: done with this note
            self.query_one("#notes-list", OptionList).focus()
        elif self.focused is self.query_one("#notes-list"):
            self.query_one("#notes-students", OptionList).focus()

    def action_external_editor(self) -> None:
        draft = self.draft
        if draft is None:
            return
        edited = edit_in_external_editor(self, draft.text)
        text = None if edited is None else editable_text(edited)
        if text is not None and text != draft.text:
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

    # -- purging old notes, in purge.py -------------------------------------------------------
    action_purge = purge.action_purge
    _ask_purge = purge.ask_purge
    _purge_confirmed = purge.purge_confirmed
