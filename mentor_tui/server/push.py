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
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, Engine, bindparam, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DBAPIError, IntegrityError, StatementError

from mentor_tui.core import clock
from mentor_tui.core.access import Actor
from mentor_tui.db.models import AuditEntry, User, new_id
from mentor_tui.server.log import LogWriter
from mentor_tui.server.schema import applied_changes, is_postgres, write_options
from mentor_tui.sync.protocol import (
    BOOKKEEPING,
    REVIEW_FIELDS,
    TEXT_FIELDS,
    BadValue,
    TableSpec,
    from_wire,
    same_value,
    table_specs,
    to_wire,
)
from mentor_tui.sync.scopes import Grant, grants, readable, scope_columns

OPS = ("insert", "update", "delete")
# Rows a person's public profile is made of: re-sent when someone newly sees that person.
PROFILE_ROWS = {"users": "id", "mentor_profiles": "user_id", "mentor_specializations": "mentor_id"}


class Rejected(Exception):
    """A change the server will not apply; the message says why in one sentence."""


@dataclass
class Outcome:
    change_id: str
    entity: str
    entity_id: str
    status: str  # applied | merged | conflict | rejected
    message: str = ""
    conflict: dict[str, Any] | None = None
    duplicate: bool = False
    row: dict[str, Any] | None = field(default=None)

    def stored(self) -> dict[str, Any]:
        return {"status": self.status, "message": self.message, "conflict": self.conflict}

    def as_json(self) -> dict[str, Any]:
        return {
            "change_id": self.change_id,
            "entity": self.entity,
            "entity_id": self.entity_id,
            "status": self.status,
            "message": self.message,
            "conflict": self.conflict,
            "duplicate": self.duplicate,
            "row": self.row,
        }


def push(
    engine: Engine, actor: Actor, client_id: str, changes: list[dict[str, Any]]
) -> list[Outcome]:
    origin = f"{actor.id}/{client_id}"
    with engine.connect().execution_options(**write_options(engine)) as conn, conn.begin():
        log = LogWriter(conn)
        outcomes = [_one(conn, log, actor, origin, change) for change in changes]
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
        outcome = _apply(conn, log, actor, origin, change_id, change)
        savepoint.commit()
    except Rejected as exc:
        savepoint.rollback()
        outcome = Outcome(change_id, entity, entity_id, "rejected", str(exc))
    except (IntegrityError, StatementError, DBAPIError) as exc:
        savepoint.rollback()
        reason = str(getattr(exc, "orig", exc)).splitlines()[0][:200]
        outcome = Outcome(
            change_id,
            entity,
            entity_id,
            "rejected",
            f"The server's database refused it ({reason}).",
        )
    return outcome


@dataclass
class _Change:
    spec: TableSpec
    change_id: str
    entity_id: str
    op: str
    base: int
    values: dict[str, Any]  # typed


def _parse(change: dict[str, Any], change_id: str) -> _Change:
    specs = table_specs()
    entity = change.get("entity")
    if entity not in specs:
        raise Rejected(f"{entity!r} is not a table that syncs.")
    table_spec = specs[entity]
    op = change.get("op")
    if op not in OPS:
        raise Rejected(f"{op!r} is not an operation (insert, update or delete).")
    entity_id = change.get("entity_id")
    if not isinstance(entity_id, str) or not 1 <= len(entity_id) <= 36:
        raise Rejected("A change needs the id of its row.")
    base = change.get("base_version")
    if isinstance(base, bool) or not isinstance(base, int) or base < 0:
        raise Rejected("A change needs the version it was made on.")
    fields = change.get("fields")
    if not isinstance(fields, dict):
        raise Rejected("A change needs its fields.")
    allowed = set(table_spec.columns) - {"id", "version", "updated_at"}
    if op == "update":
        allowed -= BOOKKEEPING
    unknown = sorted(
        set(fields) - allowed - ({"id", "version", "updated_at"} if op == "insert" else set())
    )
    if unknown:
        raise Rejected(f"{entity} has no field {unknown[0]!r} a change may set.")
    values: dict[str, Any] = {}
    for name, value in fields.items():
        if name not in allowed:
            continue
        try:
            values[name] = from_wire(table_spec.kind(name), value)
        except BadValue as exc:
            raise Rejected(f"{entity}.{name}: {exc}.") from exc
    if op == "insert" and fields.get("id", entity_id) != entity_id:
        raise Rejected("The row's id does not match the change.")
    return _Change(table_spec, change_id, entity_id, op, base, values)


_ROW: dict[tuple[str, bool], Any] = {}
_HOLDS: dict[tuple[str, int], tuple[Any, Any]] = {}


def _row(
    conn: Connection, table_spec: TableSpec, entity_id: str, *, lock: bool
) -> dict[str, Any] | None:
    lock = lock and is_postgres(conn.engine)
    query = _ROW.get((table_spec.name, lock))
    if query is None:
        query = select(table_spec.table).where(table_spec.table.c.id == bindparam("b_row_id"))
        _ROW[(table_spec.name, lock)] = query = query.with_for_update() if lock else query
    found = conn.execute(query, {"b_row_id": entity_id}).mappings().first()
    return dict(found) if found is not None else None


def _holds(conn: Connection, table_spec: TableSpec, entity_id: str, condition: Any) -> bool:
    """Does the row meet ``condition`` (a scope or grant) as the database holds it now?"""
    key = (table_spec.name, id(condition))
    cached = _HOLDS.get(key)
    if cached is None or cached[0] is not condition:
        table = table_spec.table
        query = select(table.c.id).where(table.c.id == bindparam("b_row_id"), condition).limit(1)
        if len(_HOLDS) > 20000:
            _HOLDS.clear()
        cached = _HOLDS[key] = (condition, query)
    return conn.execute(cached[1], {"b_row_id": entity_id}).first() is not None


def _apply(
    conn: Connection, log: LogWriter, actor: Actor, origin: str, change_id: str, raw: dict[str, Any]
) -> Outcome:
    change = _parse(raw, change_id)
    table_spec, entity_id = change.spec, change.entity_id
    before = _row(conn, table_spec, entity_id, lock=True)
    if before is not None and not _holds(
        conn, table_spec, entity_id, readable(actor, table_spec.name)
    ):
        raise Rejected(f"No such {table_spec.name} row is yours to change.")
    if before is None:
        if change.op != "insert":
            raise Rejected(f"No such {table_spec.name} row is yours to change.")
        return _insert(conn, log, actor, origin, change)
    return _update(conn, log, actor, origin, change, before)


def _outcome(
    change: _Change, status: str, message: str = "", conflict: dict | None = None
) -> Outcome:
    return Outcome(change.change_id, change.spec.name, change.entity_id, status, message, conflict)


# --- inserts ------------------------------------------------------------------------------


def _default(table_spec: TableSpec, name: str) -> Any:
    default = table_spec.table.c[name].default
    return default.arg if default is not None and default.is_scalar else None


def _insert(
    conn: Connection, log: LogWriter, actor: Actor, origin: str, change: _Change
) -> Outcome:
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
    conn.execute(insert(table_spec.table).values(row))
    if not any(_holds(conn, table_spec, change.entity_id, g.after_change) for g in candidates):
        raise Rejected(f"You may not create this {table_spec.name} row.")
    fields = [c for c in table_spec.columns if c not in ("id", "version", "updated_at")]
    log.created(table_spec.name, change.entity_id, fields, origin)
    _resend_dependents(conn, log, table_spec, None, row)
    _audit(log, actor, "create", change, sorted(change.values))
    return _outcome(change, "applied")


# --- updates and deletes ------------------------------------------------------------------


def _update(
    conn: Connection,
    log: LogWriter,
    actor: Actor,
    origin: str,
    change: _Change,
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
            return _outcome(change, "applied", "It was already deleted.")
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
        return _outcome(change, "merged" if stale else "applied")

    if change.op == "insert":  # a row the server already has: merge as an update on nothing
        change.values = {f: v for f, v in change.values.items() if f not in BOOKKEEPING}
    mine = {
        f: v for f, v in change.values.items() if not same_value(table_spec.kind(f), v, before[f])
    }
    conflicting = {f for f in mine if by_others(f)}
    review_lost = (
        name == "submissions"
        and "status" in change.values
        and by_others("status")
        and before["status"] != "pending"
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
            "Someone else decided this submission first; their decision stands."
            if review_lost
            else "Changed on the server since your copy; the server's value was kept."
        )
        return _conflict(change, kind, {f: mine[f] for f in conflicting}, before, message)
    return _outcome(change, "merged" if stale else "applied")


def _conflict(
    change: _Change,
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
    return _outcome(change, "conflict", message, conflict)


def _check_grants(
    conn: Connection,
    actor: Actor,
    change: _Change,
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
    if not any(_holds(conn, table_spec, change.entity_id, g.where) for g in fitting):
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
    change: _Change,
    before: dict[str, Any],
    apply: dict[str, Any],
    action: str,
    fitting: list[Grant],
) -> None:
    table_spec = change.spec
    audience = _audience_before(conn, table_spec, before, apply)
    version = before["version"] + 1
    conn.execute(
        update(table_spec.table)
        .where(table_spec.table.c.id == change.entity_id)
        .values(**apply, version=version, updated_at=clock.now())
    )
    if action != "delete" and not any(
        _holds(conn, table_spec, change.entity_id, g.after_change) for g in fitting
    ):
        raise Rejected(f"You may not make this {table_spec.name} row look like that.")
    after = {**before, **apply}
    log.changed(table_spec.name, change.entity_id, apply, version, origin)
    if audience is not None:
        _revoke_lost(conn, log, table_spec, before, after, audience)
        _resend_dependents(conn, log, table_spec, before, after)
    _audit(log, actor, action, change, sorted(apply))


# --- audiences: who stops or starts seeing what -------------------------------------------


def _audience_before(
    conn: Connection, table_spec: TableSpec, before: dict[str, Any], apply: dict[str, Any]
) -> dict[str, bool] | None:
    """When the change moves a row between audiences: candidate account -> could read it."""
    if not set(apply) & scope_columns(table_spec.name):
        return None
    after = {**before, **apply}
    people: set[str] = set()
    for column in table_spec.user_columns:
        people.update(v for v in (before.get(column), after.get(column)) if v)
    if table_spec.name == "users":
        people.add(before["id"])
    if table_spec.name == "mentorship_sessions":
        attendees = table_specs()["session_attendees"].table
        people.update(
            r[0]
            for r in conn.execute(
                select(attendees.c.student_id).where(attendees.c.session_id == before["id"])
            )
        )
    if people:
        mentors = conn.execute(
            select(User.mentor_id).where(User.id.in_(people), User.mentor_id.is_not(None))
        )
        people.update(r[0] for r in mentors)
    return {
        account.id: _holds(conn, table_spec, before["id"], readable(account, table_spec.name))
        for account in _actors(conn, people)
        if not account.is_admin
    }


def _actors(conn: Connection, ids: set[str]) -> list[Actor]:
    if not ids:
        return []
    rows = conn.execute(
        select(User.id, User.role, User.email, User.full_name, User.timezone).where(
            User.id.in_(ids)
        )
    )
    return [Actor(r.id, r.role, r.email, r.full_name, r.timezone) for r in rows]


def _revoke_lost(
    conn: Connection,
    log: LogWriter,
    table_spec: TableSpec,
    before: dict[str, Any],
    after: dict[str, Any],
    audience: dict[str, bool],
) -> None:
    row_id = before["id"]
    if table_spec.name == "users" and before["role"] != after["role"]:
        log.revoke(
            None, "users", row_id
        )  # everyone re-checks; those who still may see it get it again
        return
    for account in _actors(conn, {a for a, saw in audience.items() if saw}):
        if not _holds(conn, table_spec, row_id, readable(account, table_spec.name)):
            log.revoke(account.id, table_spec.name, row_id)


def _resend_dependents(
    conn: Connection,
    log: LogWriter,
    table_spec: TableSpec,
    before: dict[str, Any] | None,
    after: dict[str, Any],
) -> None:
    """Give new positions to rows whose audience this change widened, so they reach it."""
    specs = table_specs()
    name = table_spec.name
    if name == "users":
        if before is not None:
            for other in specs.values():
                for column in other.user_columns:
                    ids = conn.execute(
                        select(other.table.c.id).where(other.table.c[column] == after["id"])
                    )
                    log.touch_many(other.name, (r[0] for r in ids))
            log.touch("users", after["id"])
        new_mentor = after.get("mentor_id")
        if new_mentor and (before is None or before.get("mentor_id") != new_mentor):
            for table, column in PROFILE_ROWS.items():
                if table in specs:
                    ids = conn.execute(
                        select(specs[table].table.c.id).where(
                            specs[table].table.c[column] == new_mentor
                        )
                    )
                    log.touch_many(table, (r[0] for r in ids))
    elif name == "mentorship_sessions" and before is not None:
        attendees = specs["session_attendees"].table
        ids = conn.execute(select(attendees.c.id).where(attendees.c.session_id == after["id"]))
        log.touch_many("session_attendees", (r[0] for r in ids))
    elif name == "session_attendees":
        log.touch("mentorship_sessions", after["session_id"])
        if before is not None and before["session_id"] != after["session_id"]:
            log.touch("mentorship_sessions", before["session_id"])


def _audit(log: LogWriter, actor: Actor, action: str, change: _Change, fields: list[str]) -> None:
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


__all__ = ["Outcome", "Rejected", "push"]
