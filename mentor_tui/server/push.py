"""Applying pushed changes: once each, authorised against the pusher, conflicts kept.

One push is one transaction. Each change:

1. claims its change id in ``server_applied_changes`` (a change seen before returns the stored
   outcome: pushing twice applies once, whatever happened to the first response);
2. is checked against what the pusher may read and write (``sync/scopes.py``);
3. is compared with what others changed since the version it was made on (``base_version``):
   fields nobody else touched apply; a field someone else changed keeps the server's value and
   the pusher gets both values back as a conflict (for a note: both texts). A review decision
   already made by someone else wins as a whole;
4. gets its row a new position in the change log, and re-sends or revokes rows whose audience
   it changed (a student moved to another mentor).

A change that fails (not allowed, bad values, a constraint) is rolled back alone (savepoint)
and recorded as rejected, with the reason.

This module runs the transaction and claims each change; ``push_apply`` applies one change
(steps 2-4), ``push_audience`` finds whose view of a row it changed, and ``push_change`` holds
what they share: the parsed change, its row as the database holds it now, its outcome.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from sqlalchemy import Connection, Engine, bindparam, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DBAPIError, IntegrityError, StatementError

from mentor_tui.core import clock
from mentor_tui.core.access import Actor
from mentor_tui.db.models import AuditEntry
from mentor_tui.server.log import LogWriter
from mentor_tui.server.push_apply import apply_change
from mentor_tui.server.push_change import Outcome, Rejected
from mentor_tui.server.push_rules import missing_reference
from mentor_tui.server.schema import applied_changes, write_options
from mentor_tui.sync.protocol import table_specs, to_wire
from mentor_tui.sync.scopes import readable


def push(
    engine: Engine, actor: Actor, client_id: str, changes: list[dict[str, Any]]
) -> list[Outcome]:
    origin = f"{actor.id}/{client_id}"
    with engine.connect().execution_options(**write_options(engine)) as conn, conn.begin():
        log = LogWriter(conn)
        outcomes: list[Outcome] = []
        first: dict[str, Outcome] = {}
        for change in changes:
            # a change id sent twice in one push: the second is the first's duplicate (its
            # claim is not settled until the end, so it has no stored outcome to read yet)
            earlier = first.get(str(change.get("change_id", "")))
            outcome = (
                replace(earlier, duplicate=True)
                if earlier is not None
                else _one(conn, log, actor, origin, change)
            )
            first.setdefault(outcome.change_id, outcome)
            outcomes.append(outcome)
        settled = [
            {"b_id": o.change_id, "b_status": o.status, "b_outcome": o.stored()}
            for o in outcomes
            if not o.duplicate and o.change_id
        ]
        if settled:
            conn.execute(
                update(applied_changes)
                .where(applied_changes.c.change_id == bindparam("b_id"))
                .values(status=bindparam("b_status"), outcome=bindparam("b_outcome")),
                settled,
            )
        if log.audit:
            conn.execute(insert(AuditEntry.__table__), log.audit)  # type: ignore[arg-type]
        log.finish()
        _attach_rows(conn, actor, outcomes)
    return outcomes


# --- one change ---------------------------------------------------------------------------


_CLAIM: dict[str, Any] = {}


def _claim(conn: Connection, actor: Actor, change: dict[str, Any]) -> bool:
    """Record the change id first: a second push of it (even one running concurrently, on
    PostgreSQL) finds it taken and gets the stored outcome instead."""
    dialect_name = conn.engine.dialect.name
    statement = _CLAIM.get(dialect_name)
    if statement is None:
        dialect = postgresql if dialect_name == "postgresql" else sqlite
        statement = _CLAIM[dialect_name] = (
            dialect.insert(applied_changes)
            .values({c.name: bindparam(f"b_{c.name}") for c in applied_changes.columns})
            .on_conflict_do_nothing(index_elements=["change_id"])
            .returning(applied_changes.c.change_id)
        )
    values = {
        "b_change_id": change["change_id"],
        "b_account_id": actor.id,
        "b_entity": str(change.get("entity", ""))[:64],
        "b_entity_id": str(change.get("entity_id", ""))[:64],
        "b_status": "pending",
        "b_outcome": {},
        "b_applied_at": clock.now(),
    }
    return conn.execute(statement, values).first() is not None


def _one(
    conn: Connection, log: LogWriter, actor: Actor, origin: str, change: dict[str, Any]
) -> Outcome:
    change_id = str(change.get("change_id", ""))
    entity, entity_id = str(change.get("entity", "")), str(change.get("entity_id", ""))
    if not 1 <= len(change_id) <= 64:
        return Outcome(change_id, entity, entity_id, "rejected", "A change needs a change id.")
    if not _claim(conn, actor, change):
        stored = conn.execute(
            select(applied_changes.c.account_id, applied_changes.c.outcome).where(
                applied_changes.c.change_id == change_id
            )
        ).one()
        if stored.account_id != actor.id:
            return Outcome(change_id, entity, entity_id, "rejected", "That change id is taken.")
        outcome = Outcome(change_id, entity, entity_id, **stored.outcome)
        outcome.duplicate = True
        return outcome
    savepoint = conn.begin_nested()
    try:
        outcome = apply_change(conn, log, actor, origin, change_id, change)
        savepoint.commit()
    except Rejected as exc:
        savepoint.rollback()
        outcome = Outcome(change_id, entity, entity_id, "rejected", str(exc))
    except (IntegrityError, StatementError, DBAPIError) as exc:
        savepoint.rollback()
        reason = str(getattr(exc, "orig", exc)).splitlines()[0][:200]
        words = (
            missing_reference(conn, change, change_id) if isinstance(exc, IntegrityError) else None
        )
        outcome = Outcome(
            change_id,
            entity,
            entity_id,
            "rejected",
            words or f"The server's database refused it ({reason}).",
        )
    return outcome


# --- answering with the rows as they now are ----------------------------------------------


def _attach_rows(conn: Connection, actor: Actor, outcomes: list[Outcome]) -> None:
    specs = table_specs()
    wanted: dict[str, set[str]] = {}
    for outcome in outcomes:
        if outcome.entity in specs:
            wanted.setdefault(outcome.entity, set()).add(outcome.entity_id)
    found: dict[tuple[str, str], dict[str, Any]] = {}
    for name, ids in wanted.items():
        table_spec = specs[name]
        table = table_spec.table
        ordered = sorted(ids)
        for start in range(0, len(ordered), 500):
            rows = conn.execute(
                select(table).where(
                    table.c.id.in_(ordered[start : start + 500]), readable(actor, name)
                )
            ).mappings()
            for row in rows:
                found[(name, row["id"])] = {
                    c: to_wire(k, row[c])
                    for c, k in zip(table_spec.columns, table_spec.kinds, strict=True)
                }
    for outcome in outcomes:
        outcome.row = found.get((outcome.entity, outcome.entity_id))


__all__ = ["push"]
