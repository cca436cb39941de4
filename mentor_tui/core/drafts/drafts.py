"""What a person typed into an editor and has not saved yet, kept in the local store so that a
crash, a kill -9 or a closed terminal loses at most the last second of typing.

A draft is keyed by its author (the signed-in user) and by what is being edited: a ``kind``
("feedback", "session", "followup", "snippet", ...) and a ``key`` (the edited row's id, or
"new"). Its ``fields`` are the editor's texts by name, exactly as typed. The editor writes the
draft through ``throttle.SaveClock``'s schedule, restores it (with a notice) when it opens on the same thing
again, and deletes it when the real thing is saved or the person discards the edit.

Drafts are private and local: never synced nor journalled (so not through ``core/writes.py``,
like the store's settings), each person reads only their own.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete
from sqlmodel import Session

from mentor_tui.core import clock
from mentor_tui.core.actor import Actor
from mentor_tui.db.draft_models import EditorDraft
from mentor_tui.errors import UserError

# a draft is the text of an editor, not a file: the note cap (4 M characters) bounds it too
MAX_DRAFT_CHARS = 4_000_000


@dataclass(frozen=True)
class Draft:
    kind: str
    key: str
    fields: dict[str, str]
    saved_at: datetime


def _checked(fields: dict[str, str]) -> dict[str, str]:
    size = sum(len(value) for value in fields.values())
    if size > MAX_DRAFT_CHARS:
        raise UserError(
            f"A draft can hold at most {MAX_DRAFT_CHARS:,} characters; this one has {size:,}."
        )
    return {str(name): str(value) for name, value in fields.items()}


def save_draft(session: Session, actor: Actor, kind: str, key: str, fields: dict[str, str]) -> None:
    """Write (or overwrite) the actor's draft of ``kind``/``key``."""
    values = _checked(fields)
    row = session.get(EditorDraft, (actor.id, kind, key))
    if row is None:
        session.add(
            EditorDraft(owner_id=actor.id, kind=kind, key=key, fields=values, saved_at=clock.now())
        )
    else:
        row.fields = values
        row.saved_at = clock.now()
        session.add(row)
    session.flush()


def load_draft(session: Session, actor: Actor, kind: str, key: str) -> Draft | None:
    """The actor's draft of ``kind``/``key``, or None."""
    row = session.get(EditorDraft, (actor.id, kind, key))
    if row is None:
        return None
    fields = {str(k): v for k, v in (row.fields or {}).items() if isinstance(v, str)}
    return Draft(kind=kind, key=key, fields=fields, saved_at=clock.aware(row.saved_at))


def discard_draft(session: Session, actor: Actor, kind: str, key: str) -> None:
    """Forget the actor's draft of ``kind``/``key`` (saved for real, or thrown away)."""
    session.execute(
        delete(EditorDraft).where(
            EditorDraft.owner_id == actor.id,
            EditorDraft.kind == kind,
            EditorDraft.key == key,
        )
    )
