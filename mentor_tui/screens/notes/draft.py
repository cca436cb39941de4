"""The note in the notes screen's editor, and the job that saves it: created by its first save,
then saved against the version the editor last saw, so that a note changed elsewhere
meanwhile comes back as a conflict and the typed text is kept."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from sqlmodel import Session

from mentor_tui.core.access import Actor
from mentor_tui.core.notes import notes as core_notes
from mentor_tui.core.notes.notes import NoteConflict
from mentor_tui.errors import UserError


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


def save_job(
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
