"""A pushed change as the server reads it: checked and typed (``parse``), its row as the
database holds it now (``current_row``, ``holds``), and what became of it (``Outcome``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, bindparam, select

from mentor_tui.core.validation import what
from mentor_tui.server.schema import is_postgres
from mentor_tui.sync.protocol import BOOKKEEPING, BadValue, TableSpec, from_wire, table_specs

OPS = ("insert", "update", "delete")
# What a change may ask the server to allow (``overrides``), honoured for admins only: an
# explicit override of a mentor's capacity (``assign --force`` in the app).
OVERRIDES = frozenset({"capacity"})


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


@dataclass
class Change:
    spec: TableSpec
    change_id: str
    entity_id: str
    op: str
    base: int
    values: dict[str, Any]  # typed
    overrides: frozenset[str] = frozenset()


def parse(change: dict[str, Any], change_id: str) -> Change:
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
            raise Rejected(f"{what(entity, name)} is refused: {exc}.") from exc
    if op == "insert" and fields.get("id", entity_id) != entity_id:
        raise Rejected("The row's id does not match the change.")
    overrides = change.get("overrides") or []
    if not isinstance(overrides, list) or not set(overrides) <= OVERRIDES:
        raise Rejected(f"A change may override only {', '.join(sorted(OVERRIDES))}.")
    return Change(table_spec, change_id, entity_id, op, base, values, frozenset(overrides))


_ROW: dict[tuple[str, bool], Any] = {}
_HOLDS: dict[tuple[str, int], tuple[Any, Any]] = {}


def current_row(
    conn: Connection, table_spec: TableSpec, entity_id: str, *, lock: bool
) -> dict[str, Any] | None:
    lock = lock and is_postgres(conn.engine)
    query = _ROW.get((table_spec.name, lock))
    if query is None:
        query = select(table_spec.table).where(table_spec.table.c.id == bindparam("b_row_id"))
        _ROW[(table_spec.name, lock)] = query = query.with_for_update() if lock else query
    found = conn.execute(query, {"b_row_id": entity_id}).mappings().first()
    return dict(found) if found is not None else None


def holds(conn: Connection, table_spec: TableSpec, entity_id: str, condition: Any) -> bool:
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


def outcome_of(
    change: Change, status: str, message: str = "", conflict: dict | None = None
) -> Outcome:
    return Outcome(change.change_id, change.spec.name, change.entity_id, status, message, conflict)


__all__ = [
    "OVERRIDES",
    "Change",
    "Outcome",
    "Rejected",
    "current_row",
    "holds",
    "outcome_of",
    "parse",
]
