"""What client and server agree on: which tables sync, their columns, and how values travel.

Rows travel as JSON arrays under a ``columns`` list, one converter per column kind:

- times: ``"YYYY-MM-DD HH:MM:SS.ffffff"`` in UTC, the exact text the local SQLite store keeps
  (so a pulled time is inserted as it comes); pushed times may also be ISO 8601 with an offset;
- dates: ``"YYYY-MM-DD"``; JSON columns: JSON values; booleans: ``true``/``false``.
"""

from __future__ import annotations

import importlib
import json
import pkgutil
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from typing import Any

from sqlalchemy import JSON, Boolean, Date, DateTime, Float, Integer, Table, TypeDecorator

import mentor_tui.db
from mentor_tui.core.validation import parse_iso_date
from mentor_tui.db.models import SYNCED_TABLES, SQLModel, Synced, User
from mentor_tui.errors import UserError

PROTOCOL_VERSION = 1
BOOKKEEPING = frozenset({"id", "created_at", "updated_at", "version", "deleted_at"})
# Fields a person types: when both sides changed one, both versions are kept.
TEXT_FIELDS: dict[str, frozenset[str]] = {
    "mentorship_notes": frozenset({"note"}),
    "submissions": frozenset({"content", "feedback"}),
    "mentorship_sessions": frozenset({"summary", "agenda"}),
    "session_templates": frozenset({"agenda"}),
    "messages": frozenset({"body"}),
    "student_profiles": frozenset({"goals"}),
    "mentor_profiles": frozenset({"bio"}),
    "comment_snippets": frozenset({"body"}),
}
# A review decision travels as one unit: if someone else decided first, all of it loses.
REVIEW_FIELDS = frozenset({"status", "feedback", "reviewer_id", "reviewed_at"})

PUSH_BATCH = 500
PULL_PAGE = 5000
SNAPSHOT_PAGE = 10000
# A snapshot page's "next" cursor (JSON, "null" on the last page) also sent as a header, so a
# client can ask for the next page before it has read this one's rows.
SNAPSHOT_NEXT_HEADER = "Snapshot-Next"
# The media type of a snapshot page asked for with ``format=sqlite``: an SQLite database.
SQLITE_PAGE_TYPE = "application/vnd.sqlite3"
LONG_POLL_MAX_SECONDS = 30.0


@cache
def _load_model_modules() -> None:
    """Import every ``mentor_tui.db.*models`` module: each may register more synced tables."""
    for info in pkgutil.iter_modules(mentor_tui.db.__path__):
        if info.name.endswith("models"):
            importlib.import_module(f"mentor_tui.db.{info.name}")


@dataclass(frozen=True)
class TableSpec:
    name: str
    model: type[Synced]
    table: Table
    columns: tuple[str, ...]
    kinds: tuple[str, ...]
    user_columns: tuple[str, ...]  # foreign keys to users.id
    ref_columns: tuple[tuple[str, str], ...]  # (column, referenced table) for every foreign key

    def kind(self, column: str) -> str:
        return self.kinds[self.columns.index(column)]


def _kind(column: Any) -> str:
    kind = column.type
    impl = kind.impl_instance if isinstance(kind, TypeDecorator) else kind
    for sa_type, name in (
        (DateTime, "datetime"),
        (Date, "date"),
        (JSON, "json"),
        (Boolean, "bool"),
        (Integer, "int"),
        (Float, "float"),
    ):
        if isinstance(kind, sa_type) or isinstance(impl, sa_type):
            return name
    return "str"


@cache
def table_specs() -> dict[str, TableSpec]:
    """Every synced table, parents before children (foreign key order)."""
    _load_model_modules()
    order = [t.name for t in SQLModel.metadata.sorted_tables if t.name in SYNCED_TABLES]
    specs: dict[str, TableSpec] = {}
    for name in order:
        model = SYNCED_TABLES[name]
        table: Table = model.__table__  # type: ignore[attr-defined]
        cols = tuple(c.name for c in table.columns)
        refs = []
        users = []
        for column in table.columns:
            for fk in column.foreign_keys:
                refs.append((column.name, fk.column.table.name))
                if fk.column.table.name == User.__tablename__ and fk.column.name == "id":
                    users.append(column.name)
        specs[name] = TableSpec(
            name=name,
            model=model,
            table=table,
            columns=cols,
            kinds=tuple(_kind(c) for c in table.columns),
            user_columns=tuple(users),
            ref_columns=tuple(refs),
        )
    return specs


def spec(name: str) -> TableSpec:
    found = table_specs().get(name)
    if found is None:
        raise KeyError(name)
    return found


# --- values -------------------------------------------------------------------------------

WIRE_TIME = "%Y-%m-%d %H:%M:%S.%f"


def wire_time(moment: datetime) -> str:
    """``YYYY-MM-DD HH:MM:SS.ffffff`` in UTC (the format of ``WIRE_TIME``, built directly:
    this runs for every time of every pulled row)."""
    m = moment.astimezone(UTC) if moment.tzinfo is not None else moment
    return (
        f"{m.year:04d}-{m.month:02d}-{m.day:02d} "
        f"{m.hour:02d}:{m.minute:02d}:{m.second:02d}.{m.microsecond:06d}"
    )


def to_wire(kind: str, value: Any) -> Any:
    """A database value (typed, or SQLite's raw text) as it travels."""
    if value is None:
        return None
    if kind == "datetime":
        return value if isinstance(value, str) else wire_time(value)
    if kind == "date":
        return value if isinstance(value, str) else value.isoformat()
    if kind == "json":
        return json.loads(value) if isinstance(value, str | bytes) else value
    if kind == "bool":
        return bool(value)
    return value


class BadValue(ValueError):
    """A pushed value that does not fit its column."""


def parse_time(value: Any) -> datetime:
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value)
        except ValueError as exc:
            raise BadValue(f"{value!r} is not a time") from exc
    else:
        raise BadValue(f"{value!r} is not a time")
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def from_wire(kind: str, value: Any) -> Any:
    """A travelled value as the typed Python value its column takes (server writes)."""
    if value is None:
        return None
    if kind == "datetime":
        return parse_time(value)
    if kind == "date":
        try:
            return parse_iso_date(value)  # strictly YYYY-MM-DD: nothing is cut away
        except UserError as exc:
            raise BadValue(f"{value!r} is not a date like 2026-01-31") from exc
    if kind == "json":
        if not isinstance(value, list | dict):
            raise BadValue(f"{value!r} is not a JSON list or object")
        return value
    if kind == "bool":
        if isinstance(value, bool):
            return value
        if value in (0, 1):
            return bool(value)
        raise BadValue(f"{value!r} is not true or false")
    if kind == "int":
        if isinstance(value, bool) or not isinstance(value, int):
            raise BadValue(f"{value!r} is not a whole number")
        return value
    if kind == "float":
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise BadValue(f"{value!r} is not a number")
        return float(value)
    if not isinstance(value, str):
        raise BadValue(f"{value!r} is not text")
    # PostgreSQL text cannot hold NUL; it is a control character every display replaces anyway.
    return value.replace("\x00", "\N{REPLACEMENT CHARACTER}")


def to_local(kind: str, value: Any) -> Any:
    """A travelled value as the local SQLite store keeps it (raw inserts)."""
    if value is None:
        return None
    if kind == "datetime":
        return wire_time(parse_time(value))
    if kind == "json":
        return json.dumps(value, ensure_ascii=False)
    if kind == "bool":
        return 1 if value else 0
    return value


def wire_row(table: TableSpec, values: dict[str, Any]) -> list[Any]:
    return [to_wire(k, values.get(c)) for c, k in zip(table.columns, table.kinds, strict=True)]


def same_value(kind: str, a: Any, b: Any) -> bool:
    """Equal as stored, whatever the spelling (ISO vs store format, 1 vs true)."""
    if a is None or b is None:
        return a is None and b is None
    try:
        return from_wire(kind, to_wire(kind, a)) == from_wire(kind, to_wire(kind, b))
    except BadValue:
        return a == b
