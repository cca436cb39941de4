"""Applying one pushed change inside its savepoint: an insert, or an update or delete merged
field by field with what others changed since its base version (conflicts kept), each checked
against the pusher's grants before and after, logged and audited."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, insert, update

from mentor_tui.core import clock
from mentor_tui.core.access import Actor
from mentor_tui.core.reviews.decisions import decided
from mentor_tui.db.models import new_id
from mentor_tui.server.log import LogWriter
from mentor_tui.server.push_audience import audience_before, resend_dependents, revoke_lost
from mentor_tui.server.push_change import (
    Change,
    Outcome,
    Rejected,
    current_row,
    holds,
    outcome_of,
    parse,
)
from mentor_tui.server.push_peers import resend_peer_rows
from mentor_tui.server.push_rules import check_across_rows, check_values
from mentor_tui.sync.protocol import (
    BOOKKEEPING,
    REVIEW_FIELDS,
    TEXT_FIELDS,
    TableSpec,
    same_value,
    to_wire,
)
from mentor_tui.sync.scopes import Grant, grants, readable, scope_columns


def apply_change(
    conn: Connection, log: LogWriter, actor: Actor, origin: str, change_id: str, raw: dict[str, Any]
) -> Outcome:
    change = parse(raw, change_id)
    table_spec, entity_id = change.spec, change.entity_id
    before = current_row(conn, table_spec, entity_id, lock=True)
    if before is not None and not holds(
        conn, table_spec, entity_id, readable(actor, table_spec.name)
    ):
        raise Rejected(f"No such {table_spec.name} row is yours to change.")
    if before is None:
        if change.op != "insert":
            raise Rejected(f"No such {table_spec.name} row is yours to change.")
        return _insert(conn, log, actor, origin, change)
    return _update(conn, log, actor, origin, change, before)


# --- inserts ------------------------------------------------------------------------------


def _default(table_spec: TableSpec, name: str) -> Any:
    default = table_spec.table.c[name].default
    return default.arg if default is not None and default.is_scalar else None


def _insert(conn: Connection, log: LogWriter, actor: Actor, origin: str, change: Change) -> Outcome:
    table_spec, now = change.spec, clock.now()
    row: dict[str, Any] = {
        c: _default(table_spec, c) for c in table_spec.columns if c not in BOOKKEEPING
    }
    row.update(change.values)
    row.update(id=change.entity_id, version=1, updated_at=now)
    row.setdefault("created_at", now)
    row["created_at"] = row["created_at"] or now
    row.setdefault("deleted_at", None)
    keys = scope_columns(table_spec.name)
    candidates = [
        g
        for g in grants(actor, table_spec.name)
        if "insert" in g.ops
        and (
            g.fields is None
            or all(
                name in g.fields or name in keys or value in (None, _default(table_spec, name))
                for name, value in change.values.items()
                if name not in BOOKKEEPING
            )
        )
    ]
    if not candidates:
        raise Rejected(f"You may not create {table_spec.name} rows like this one.")
    check_values(table_spec.name, {c: row[c] for c in row if c not in BOOKKEEPING}, whole_row=True)
    check_across_rows(conn, actor, table_spec.name, None, row, change.overrides)
    conn.execute(insert(table_spec.table).values(row))
    if not any(holds(conn, table_spec, change.entity_id, g.after_change) for g in candidates):
        raise Rejected(f"You may not create this {table_spec.name} row.")
    fields = [c for c in table_spec.columns if c not in ("id", "version", "updated_at")]
    log.created(table_spec.name, change.entity_id, fields, origin)
    resend_dependents(conn, log, table_spec, None, row)
    resend_peer_rows(conn, log, table_spec.name, None, row)
    _audit(log, actor, "create", change, sorted(change.values))
    return outcome_of(change, "applied")


# --- updates and deletes ------------------------------------------------------------------


def _update(
    conn: Connection,
    log: LogWriter,
    actor: Actor,
    origin: str,
    change: Change,
    before: dict[str, Any],
) -> Outcome:
    table_spec, name = change.spec, change.spec.name
    versions = log.field_versions(name, change.entity_id)

    def by_others(field_name: str) -> bool:
        mark = versions.get(field_name)
        return mark is not None and mark[0] > change.base and mark[1] != origin

    stale = change.base < before["version"]
    if before["deleted_at"] is not None:
        if change.op == "delete":
            return outcome_of(change, "applied", "It was already deleted.")
        if change.op == "update" or by_others("deleted_at"):
            mine = {f: v for f, v in change.values.items() if f not in BOOKKEEPING}
            return _conflict(change, "deleted", mine, before, "It was deleted on the server.")
    if change.op == "delete":
        typed = sorted(f for f in TEXT_FIELDS.get(name, ()) if by_others(f))
        if typed:
            mine = {f: before[f] for f in typed}
            return _conflict(
                change,
                "note" if name == "mentorship_notes" else "text",
                mine,
                before,
                "It was changed on the server after you deleted it; it was kept.",
                mine_deleted=True,
            )
        deleted_at = change.values.get("deleted_at") or clock.now()
        fitting = _check_grants(conn, actor, change, "delete", set(), before)
        _write(
            conn, log, actor, origin, change, before, {"deleted_at": deleted_at}, "delete", fitting
        )
        return outcome_of(change, "merged" if stale else "applied")

    if change.op == "insert":  # a row the server already has: merge as an update on nothing
        change.values = {f: v for f, v in change.values.items() if f not in BOOKKEEPING}
    mine = {
        f: v for f, v in change.values.items() if not same_value(table_spec.kind(f), v, before[f])
    }
    conflicting = {f for f in mine if by_others(f)}
    # decided once: a decision reaches only a pending submission; another one (from another
    # device, or sent on top of the decision) is kept as a lost review, never an overwrite
    review_lost = (
        name == "submissions"
        and decided(before["status"])
        and (
            ("status" in change.values and by_others("status"))
            or change.values.get("status") not in (None, "pending")
        )
    )
    if review_lost:
        conflicting |= REVIEW_FIELDS & set(mine)
    apply = {f: v for f, v in mine.items() if f not in conflicting}
    if apply:
        fitting = _check_grants(conn, actor, change, "update", set(apply), before)
        _write(conn, log, actor, origin, change, before, apply, _action(name, apply), fitting)
    if conflicting:
        kind = (
            "review"
            if review_lost
            else "note"
            if name == "mentorship_notes" and "note" in conflicting
            else "text"
            if conflicting & TEXT_FIELDS.get(name, frozenset())
            else "field"
        )
        message = (
            "Someone decided this submission first; that decision stands."
            if review_lost
            else "Changed on the server since your copy; the server's value was kept."
        )
        return _conflict(change, kind, {f: mine[f] for f in conflicting}, before, message)
    return outcome_of(change, "merged" if stale else "applied")


def _conflict(
    change: Change,
    kind: str,
    mine: dict[str, Any],
    before: dict[str, Any],
    message: str,
    *,
    mine_deleted: bool = False,
) -> Outcome:
    table_spec = change.spec
    fields = {
        f: {
            "mine": None if mine_deleted else to_wire(table_spec.kind(f), v),
            "theirs": to_wire(table_spec.kind(f), before.get(f)),
        }
        for f, v in mine.items()
    }
    conflict = {
        "kind": kind,
        "fields": fields,
        "theirs_deleted": before.get("deleted_at") is not None,
        "mine_deleted": mine_deleted,
    }
    return outcome_of(change, "conflict", message, conflict)


def _check_grants(
    conn: Connection,
    actor: Actor,
    change: Change,
    op: str,
    fields: set[str],
    before: dict[str, Any],
) -> list[Grant]:
    """The grants that allow the change on the row as it is; the after-state is checked by
    ``_write`` once the row has changed."""
    table_spec = change.spec
    fitting = [
        g
        for g in grants(actor, table_spec.name)
        if op in g.ops and (g.fields is None or fields <= g.fields)
    ]
    if not any(holds(conn, table_spec, change.entity_id, g.where) for g in fitting):
        what = "delete" if op == "delete" else f"change {', '.join(sorted(fields))} of"
        raise Rejected(f"You may not {what} this {table_spec.name} row.")
    return fitting


def _action(table: str, fields: dict[str, Any]) -> str:
    if table == "submissions" and "status" in fields:
        return "review"
    if table == "users" and "mentor_id" in fields:
        return "assign"
    return "update"


def _write(
    conn: Connection,
    log: LogWriter,
    actor: Actor,
    origin: str,
    change: Change,
    before: dict[str, Any],
    apply: dict[str, Any],
    action: str,
    fitting: list[Grant],
) -> None:
    table_spec = change.spec
    if action != "delete":
        check_values(table_spec.name, apply, whole_row=False)
        check_across_rows(
            conn, actor, table_spec.name, before, {**before, **apply}, change.overrides
        )
    audience = audience_before(conn, table_spec, before, apply)
    version = before["version"] + 1
    conn.execute(
        update(table_spec.table)
        .where(table_spec.table.c.id == change.entity_id)
        .values(**apply, version=version, updated_at=clock.now())
    )
    if action != "delete" and not any(
        holds(conn, table_spec, change.entity_id, g.after_change) for g in fitting
    ):
        raise Rejected(f"You may not make this {table_spec.name} row look like that.")
    after = {**before, **apply}
    log.changed(table_spec.name, change.entity_id, apply, version, origin)
    if audience is not None:
        revoke_lost(conn, log, table_spec, before, after, audience)
        resend_dependents(conn, log, table_spec, before, after)
    resend_peer_rows(conn, log, table_spec.name, before, after)
    _audit(log, actor, action, change, sorted(apply))


def _audit(log: LogWriter, actor: Actor, action: str, change: Change, fields: list[str]) -> None:
    log.audit.append(
        {
            "id": new_id(),
            "actor_id": actor.id,
            "action": action,
            "entity": change.spec.name,
            "entity_id": change.entity_id,
            "at": clock.now(),
            "detail": {"via": "sync", "change_id": change.change_id, "fields": fields},
        }
    )


__all__ = ["apply_change"]
