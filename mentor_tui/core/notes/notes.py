"""Private mentorship notes (SPEC 4.4): notes, session summaries and action items.

A note is readable and writable by the mentor who wrote it, and nobody else: not another
mentor, not an admin (admins may only count notes), not a student. Reads start from
``access.note_scope``; a note someone else wrote is refused with one sentence.

Text is stored exactly as given (any script, emoji, combining marks, text that looks like
markup, pasted escape sequences); display code strips controls with ``core/text.py``. Every
change goes through ``core/writes.py`` (journal + version bump + audit), and a save that
changes nothing writes nothing, so an editor may autosave as often as it likes.

Retention: notes added more than ``note_retention_days`` ago are purged: their text is erased
and the row tombstoned, each through the write path, plus one ``notes.purge`` audit entry.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import ColumnElement, and_, exists, func, literal_column, not_, select
from sqlmodel import Session

from mentor_tui.config import Config
from mentor_tui.core import access, clock, writes
from mentor_tui.core.access import Actor, find_student, live, note_count_scope, note_scope
from mentor_tui.core.notes import search as note_search
from mentor_tui.core.notes.search import SearchHit
from mentor_tui.core.validation import check_text_size
from mentor_tui.db.models import NOTE_KINDS, MentorshipNote, MentorshipSession, User
from mentor_tui.errors import AccessDenied, NotFound, UserError


class _KindLabels(dict[str, str]):
    """A kind's label; a kind this version does not know (pulled from elsewhere) is shown as
    "unknown kind", never a crash."""

    def __missing__(self, key: str) -> str:
        return "unknown kind"


KIND_LABELS = _KindLabels(
    {"note": "note", "session_summary": "session summary", "action_item": "action item"}
)
PURGE_ACTION = "notes.purge"


class _Unchanged(enum.Enum):
    UNCHANGED = "unchanged"


UNCHANGED = _Unchanged.UNCHANGED


class NoteConflict(UserError):
    """The note moved on since the caller read it (another window, $EDITOR, a sync)."""

    def __init__(self, note_id: str, expected: int, current: int) -> None:
        super().__init__(
            f"This note changed since it was opened (version {expected}, now {current}); "
            "reopen it before saving."
        )
        self.note_id = note_id
        self.expected = expected
        self.current = current


@dataclass(frozen=True)
class NoteLine:
    id: str
    student_id: str
    student_name: str
    kind: str
    note: str
    added_at: datetime
    updated_at: datetime
    due_date: date | None
    done: bool
    version: int


def _line(row: MentorshipNote, student_name: str) -> NoteLine:
    return NoteLine(
        id=row.id,
        student_id=row.student_id,
        student_name=student_name,
        kind=row.kind,
        note=row.note,
        added_at=clock.aware(row.added_at),
        updated_at=clock.aware(row.updated_at),
        due_date=row.due_date,
        done=row.done,
        version=row.version,
    )


def _require_author_role(actor: Actor, what: str = "read or write") -> None:
    """Only mentors write notes, so only a mentor can be a note's author."""
    if actor.is_admin:
        raise AccessDenied(
            f"Mentorship notes are private to the mentor who wrote them; an admin cannot {what} "
            "them, only count them."
        )
    if not actor.is_mentor:
        raise AccessDenied("Mentorship notes are private to the mentor who wrote them.")


def _own_note(session: Session, actor: Actor, note_id: str) -> MentorshipNote:
    _require_author_role(actor)
    note_id = note_id.strip()
    row: MentorshipNote | None = session.execute(
        select(MentorshipNote).where(MentorshipNote.id == note_id, note_scope(actor))
    ).scalar_one_or_none()
    if row is not None:
        return row
    author = session.execute(
        select(MentorshipNote.mentor_id).where(MentorshipNote.id == note_id)
    ).scalar_one_or_none()
    if author is None:
        raise NotFound(f"No note {note_id!r} in this database.")
    if author != actor.id:
        raise AccessDenied(
            "That note belongs to another mentor; notes are private to their author."
        )
    raise NotFound("That note was deleted.")


def _check_kind(kind: str) -> str:
    if kind not in NOTE_KINDS:
        raise UserError(f"Unknown note kind {kind!r}; use note, session_summary or action_item.")
    return kind


def _check_text(value: str) -> str:
    if not isinstance(value, str):
        raise UserError("A note's text must be text.")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise UserError(
            "The note's text is not valid Unicode (it holds an unpaired surrogate); "
            "save it from a UTF-8 source."
        ) from None
    return check_text_size(value, "A note")


def list_notes(
    session: Session, actor: Actor, student_key: str, *, kind: str | None = None
) -> list[NoteLine]:
    """The actor's notes on one of their students (email or id), newest first."""
    _require_author_role(actor)
    student = find_student(session, actor, student_key)
    query = (
        select(MentorshipNote)
        .where(note_scope(actor), MentorshipNote.student_id == student.id)
        .order_by(
            MentorshipNote.added_at.desc(),
            literal_column("mentorship_notes.rowid").desc(),
        )
    )
    if kind is not None:
        query = query.where(MentorshipNote.kind == _check_kind(kind))
    return [_line(row, student.full_name) for row in session.execute(query).scalars()]


def get_note(session: Session, actor: Actor, note_id: str) -> NoteLine:
    row = _own_note(session, actor, note_id)
    name = session.execute(select(User.full_name).where(User.id == row.student_id)).scalar_one()
    return _line(row, name)


def add_note(
    session: Session,
    actor: Actor,
    student_key: str,
    text: str,
    *,
    kind: str = "note",
    due_date: date | None = None,
    session_id: str | None = None,
) -> MentorshipNote:
    """A new note by the actor on one of their students."""
    _require_author_role(actor, "write")
    student = find_student(session, actor, student_key)
    _check_text(text)
    if not text.strip():
        raise UserError("A note needs some text.")
    _check_kind(kind)
    if kind != "action_item" and due_date is not None:
        raise UserError("Only an action item has a due date.")
    if session_id is not None:
        visible = session.execute(
            select(exists().where(MentorshipSession.id == session_id, access.session_scope(actor)))
        ).scalar()
        if not visible:
            raise NotFound(f"No session {session_id!r} of yours in this database.")
    row = MentorshipNote(
        mentor_id=actor.id,
        student_id=student.id,
        kind=kind,
        note=text,
        added_at=clock.now(),
        due_date=due_date,
        done=False,
        session_id=session_id,
    )
    writes.insert(session, actor.id, row)
    session.flush()
    return row


def save_note(
    session: Session,
    actor: Actor,
    note_id: str,
    *,
    text: str | None = None,
    kind: str | None = None,
    due_date: date | _Unchanged | None = UNCHANGED,
    done: bool | None = None,
    expected_version: int | None = None,
) -> MentorshipNote:
    """Change what is given (``None``/``UNCHANGED`` leaves a field alone). Identical saves
    write nothing; a real change bumps the version once and is journaled. With
    ``expected_version``, a note that moved on meanwhile raises ``NoteConflict``. A note that
    stops being an action item loses its due date and done mark."""
    row = _own_note(session, actor, note_id)
    if expected_version is not None and row.version != expected_version:
        raise NoteConflict(row.id, expected_version, row.version)
    changes: dict[str, object] = {}
    if text is not None:
        changes["note"] = _check_text(text)
    if kind is not None:
        changes["kind"] = _check_kind(kind)
    new_kind = kind if kind is not None else row.kind
    if new_kind == "action_item":
        if due_date is not UNCHANGED:
            changes["due_date"] = due_date
        if done is not None:
            changes["done"] = bool(done)
    else:
        if due_date not in (UNCHANGED, None) or done:
            raise UserError("Only an action item has a due date and a done mark.")
        changes["due_date"] = None
        changes["done"] = False
    writes.update(session, actor.id, row, changes)
    session.flush()
    return row


def set_due_date(
    session: Session,
    actor: Actor,
    note_id: str,
    due_date: date | None,
    *,
    expected_version: int | None = None,
) -> MentorshipNote:
    """Set, change or (with ``None``) clear the due date of one of the actor's action items.
    Typed dates are read by ``core/dates.py`` (``parse_due``) in the mentor's timezone."""
    row = _own_note(session, actor, note_id)
    if row.kind != "action_item":
        raise UserError(
            f"Only an action item has a due date; this note is a {KIND_LABELS[row.kind]}."
        )
    return save_note(session, actor, row.id, due_date=due_date, expected_version=expected_version)


def is_overdue(note: NoteLine, today: date) -> bool:
    """An open action item whose due date is before ``today`` (the mentor's own day)."""
    return (
        note.kind == "action_item"
        and not note.done
        and note.due_date is not None
        and note.due_date < today
    )


def action_items_due(
    session: Session, actor: Actor, today: date, *, within_days: int = 7, limit: int = 8
) -> list[NoteLine]:
    """The mentor's open action items due by ``within_days`` after ``today`` (the mentor's own
    day), overdue ones included, on students still theirs: soonest first, at most ``limit``.
    For the dashboard; anyone but a mentor has none (notes are private to their author)."""
    if not actor.is_mentor:
        return []
    query = (
        select(MentorshipNote, User.full_name)
        .join(User, User.id == MentorshipNote.student_id)
        .where(*_due_conditions(actor, today, within_days))
        .order_by(MentorshipNote.due_date, MentorshipNote.added_at, MentorshipNote.id)
        .limit(limit)
    )
    return [_line(row, name) for row, name in session.execute(query)]


def count_action_items_due(
    session: Session, actor: Actor, today: date, *, within_days: int = 7
) -> int:
    """How many items ``action_items_due`` would list without its limit."""
    if not actor.is_mentor:
        return 0
    query = select(func.count()).select_from(MentorshipNote)
    query = query.where(*_due_conditions(actor, today, within_days))
    return int(session.execute(query).scalar_one())


def _due_conditions(actor: Actor, today: date, within_days: int) -> tuple[ColumnElement[bool], ...]:
    return (
        note_scope(actor),
        MentorshipNote.student_id.in_(access.visible_student_ids(actor)),
        MentorshipNote.kind == "action_item",
        MentorshipNote.done.is_(False),
        MentorshipNote.due_date.is_not(None),
        MentorshipNote.due_date <= today + timedelta(days=within_days),
    )


def search_notes(session: Session, actor: Actor, query: str, *, limit: int = 50) -> list[SearchHit]:
    """The actor's own live notes matching every word of ``query``, best first, with
    highlighted snippets (see ``core/notes/search.py``)."""
    _require_author_role(actor, "search")
    return note_search.search_notes(session, actor, query, limit=limit)


def delete_note(session: Session, actor: Actor, note_id: str) -> None:
    writes.tombstone(session, actor.id, _own_note(session, actor, note_id))
    session.flush()


def _count_scope(actor: Actor) -> ColumnElement[bool]:
    """Who may count which notes: a mentor their own, an admin every live note."""
    if actor.is_admin:
        return live(MentorshipNote)
    _require_author_role(actor, "count")
    return note_scope(actor)


def count_notes(session: Session, actor: Actor, student_key: str | None = None) -> int:
    """How many notes exist (admins) or the actor has written (mentors), optionally on one
    student the actor may see."""
    condition = _count_scope(actor)
    if student_key is not None:
        student = find_student(session, actor, student_key)
        condition = and_(condition, MentorshipNote.student_id == student.id)
    count: int = session.execute(select(func.count()).where(condition)).scalar_one()
    return count


def _retention_cutoff(config: Config, now: datetime | None) -> datetime:
    return clock.aware(now or clock.now()) - timedelta(days=config.note_retention_days)


def _due_for_purge(actor: Actor, cutoff: datetime) -> ColumnElement[bool]:
    """The actor's notes older than ``cutoff`` (every mentor's, counted, for an admin); an
    action item still open is kept until it is done."""
    open_item = and_(MentorshipNote.kind == "action_item", MentorshipNote.done.is_(False))
    return and_(note_count_scope(actor), MentorshipNote.added_at < cutoff, not_(open_item))


def notes_due_for_purge(
    session: Session, actor: Actor, config: Config, now: datetime | None = None
) -> int:
    """How many of the actor's notes the next purge removes (added more than
    ``note_retention_days`` ago, open action items kept); for an admin, every mentor's."""
    if not actor.is_admin:
        _require_author_role(actor, "purge")
    cutoff = _retention_cutoff(config, now)
    due = select(func.count()).where(_due_for_purge(actor, cutoff))
    count: int = session.execute(due).scalar_one()
    return count


def purge_old_notes(
    session: Session,
    actor: Actor,
    config: Config,
    *,
    dry_run: bool = False,
    now: datetime | None = None,
) -> int:
    """Erase and tombstone the actor's notes older than the retention period; the count.

    Each note goes through the write path (so sync carries the purge) and the run itself is
    one ``notes.purge`` audit entry. ``dry_run`` only counts."""
    if dry_run:
        return notes_due_for_purge(session, actor, config, now)
    _require_author_role(actor, "purge")
    cutoff = _retention_cutoff(config, now)
    rows = session.execute(select(MentorshipNote).where(_due_for_purge(actor, cutoff))).scalars()
    count = 0
    for row in rows.all():
        writes.update(session, actor.id, row, {"note": ""}, action="purge")
        writes.tombstone(session, actor.id, row, action="purge")
        count += 1
    writes.audit(
        session,
        actor.id,
        PURGE_ACTION,
        MentorshipNote.__tablename__,
        actor.id,
        {"count": count, "older_than": cutoff, "retention_days": config.note_retention_days},
    )
    session.flush()
    return count


__all__ = [
    "KIND_LABELS",
    "UNCHANGED",
    "NoteConflict",
    "NoteLine",
    "SearchHit",
    "action_items_due",
    "add_note",
    "count_notes",
    "delete_note",
    "get_note",
    "is_overdue",
    "list_notes",
    "notes_due_for_purge",
    "purge_old_notes",
    "save_note",
    "search_notes",
    "set_due_date",
]
