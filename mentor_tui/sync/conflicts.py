"""Conflicts a person settles: both sides kept until they choose.

When the server did not take a pushed change as sent, the row in this store already shows the
server's version ("theirs"); the change's values ("mine") wait in ``sync_conflicts``.
``resolve_conflict`` then keeps theirs (nothing to send), keeps mine, or saves a merged text;
the last two are ordinary local writes (journaled, pushed by the next sync, on top of the
version the server has now, so they are no longer a conflict).
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, select
from sqlmodel import Session

from mentor_tui.core import clock, writes
from mentor_tui.core.access import Actor
from mentor_tui.db.engine import session_scope
from mentor_tui.db.models import new_id
from mentor_tui.db.sync_models import SyncConflict, SyncState
from mentor_tui.errors import NotFound, UserError
from mentor_tui.sync.protocol import BOOKKEEPING, TEXT_FIELDS, from_wire, spec, wire_time

if TYPE_CHECKING:
    from mentor_tui.sync.store import PendingChange

KEEP_MINE = "mine"
KEEP_THEIRS = "theirs"


@dataclass(frozen=True)
class Conflict:
    id: str
    entity: str
    entity_id: str
    kind: str  # note | text | review | field | deleted | rejected
    fields: dict[str, dict[str, Any]]  # name -> {"mine": ..., "theirs": ...}
    message: str
    created_at: datetime
    theirs_deleted: bool
    mine_deleted: bool

    @property
    def text_fields(self) -> list[str]:
        return sorted(set(self.fields) & TEXT_FIELDS.get(self.entity, frozenset()))

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "entity": self.entity,
            "entity_id": self.entity_id,
            "kind": self.kind,
            "fields": self.fields,
            "message": self.message,
            "created_at": clock.iso_utc(self.created_at),
            "theirs_deleted": self.theirs_deleted,
            "mine_deleted": self.mine_deleted,
        }


def record_conflict(
    conn: sqlite3.Connection, change: PendingChange, conflict: dict[str, Any], message: str
) -> None:
    """Keep the losing side of a pushed change (once, however often its answer arrives)."""
    seen = conn.execute(
        "SELECT 1 FROM sync_conflicts WHERE change_id = ?", (change.change_id,)
    ).fetchone()
    if seen is not None:
        return
    payload = {
        "fields": conflict.get("fields", {}),
        "theirs_deleted": bool(conflict.get("theirs_deleted")),
        "mine_deleted": bool(conflict.get("mine_deleted")),
    }
    conn.execute(
        "INSERT INTO sync_conflicts (id, entity, entity_id, kind, change_id, fields, message, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (
            new_id(),
            change.entity,
            change.entity_id,
            str(conflict.get("kind", "field")),
            change.change_id,
            json.dumps(payload, ensure_ascii=False),
            message,
            wire_time(clock.now()),
        ),
    )


def _conflict(row: SyncConflict) -> Conflict:
    payload = row.fields or {}
    return Conflict(
        id=row.id,
        entity=row.entity,
        entity_id=row.entity_id,
        kind=row.kind,
        fields=payload.get("fields", {}),
        message=row.message,
        created_at=clock.aware(row.created_at),
        theirs_deleted=bool(payload.get("theirs_deleted")),
        mine_deleted=bool(payload.get("mine_deleted")),
    )


def list_conflicts(engine: Engine, *, include_resolved: bool = False) -> list[Conflict]:
    """Conflicts waiting for a person, oldest first."""
    with session_scope(engine) as session:
        query = select(SyncConflict).order_by(SyncConflict.created_at, SyncConflict.id)
        if not include_resolved:
            query = query.where(SyncConflict.resolved_at.is_(None))
        return [_conflict(row) for row in session.execute(query).scalars()]


def open_conflict_count(engine: Engine) -> int:
    from sqlalchemy import func

    with session_scope(engine) as session:
        return int(
            session.execute(
                select(func.count()).where(SyncConflict.resolved_at.is_(None))
            ).scalar_one()
        )


def _acting(session: Session, actor: Actor | None) -> Actor:
    if actor is not None:
        return actor
    state = session.get(SyncState, 1)
    if state is None or state.account_email is None:
        raise UserError("Nobody is logged in on this store; pass the acting user.")
    from mentor_tui.core.access import actor_for_email

    return actor_for_email(session, state.account_email)


def resolve_conflict(
    engine: Engine, conflict_id: str, keep: str, *, actor: Actor | None = None
) -> Conflict:
    """Settle a conflict: ``keep="theirs"`` (the server's version stays), ``keep="mine"`` (my
    values are written again, as a new change on top of theirs) or any other text: the merged
    text, saved into the conflict's text field. The choice is one local transaction."""
    with session_scope(engine) as session:
        row = session.get(SyncConflict, conflict_id)
        if row is None:
            raise NotFound(f"No conflict {conflict_id!r} in this store.")
        if row.resolved_at is not None:
            raise UserError("That conflict is already settled.")
        conflict = _conflict(row)
        who = _acting(session, actor)
        if keep == KEEP_THEIRS:
            resolution = "theirs"
        elif keep == KEEP_MINE:
            _keep_mine(session, who, conflict)
            resolution = "mine"
        else:
            _keep_merged(session, who, conflict, keep)
            resolution = "merged"
        row.resolved_at = clock.now()
        row.resolution = resolution
        session.add(row)
        return conflict


def _target(session: Session, conflict: Conflict):
    model = spec(conflict.entity).model
    return session.get(model, conflict.entity_id)


def _typed(conflict: Conflict, values: dict[str, Any]) -> dict[str, Any]:
    table_spec = spec(conflict.entity)
    return {
        name: from_wire(table_spec.kind(name), value)
        for name, value in values.items()
        if name in table_spec.columns and name not in BOOKKEEPING
    }


def _keep_mine(session: Session, actor: Actor, conflict: Conflict) -> None:
    if conflict.kind == "rejected":
        raise UserError(
            f"The server refused this change ({conflict.message.rstrip('.')}); it can only be "
            "dismissed (keep theirs)."
        )
    if conflict.kind == "review":
        raise UserError(
            "A submission is decided once and the other decision came first; keep theirs to "
            "dismiss yours."
        )
    row = _target(session, conflict)
    if row is None:
        raise UserError("That row is no longer in this store; keep theirs to dismiss it.")
    if conflict.mine_deleted:
        writes.tombstone(session, actor.id, row)
        return
    mine = _typed(conflict, {k: v["mine"] for k, v in conflict.fields.items()})
    if row.deleted_at is not None:
        _recreate(session, actor, row, mine)
        return
    writes.update(session, actor.id, row, mine, action="resolve conflict")


def _keep_merged(session: Session, actor: Actor, conflict: Conflict, text: str) -> None:
    fields = conflict.text_fields
    if len(fields) != 1:
        raise UserError("Only a conflict over one text can be merged; keep mine or keep theirs.")
    row = _target(session, conflict)
    if row is None:
        raise UserError("That row is no longer in this store; keep theirs to dismiss it.")
    if row.deleted_at is not None:
        _recreate(session, actor, row, {fields[0]: text})
        return
    writes.update(session, actor.id, row, {fields[0]: text}, action="resolve conflict")


def _recreate(session: Session, actor: Actor, row: Any, values: dict[str, Any]) -> None:
    """Deleted elsewhere, kept here: a new row with the old one's values and mine."""
    model = type(row)
    data = {name: getattr(row, name) for name in model.model_fields if name not in BOOKKEEPING}
    data.update(values)
    writes.insert(session, actor.id, model(**data, created_at=clock.now(), updated_at=clock.now()))
