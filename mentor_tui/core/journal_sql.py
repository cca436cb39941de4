"""The change journal's entries for many new rows of one table (``writes.insert_many``), made
by SQLite: one ``INSERT ... SELECT`` per batch reads the rows just written and builds each
entry's fields with ``json_object``, so no row's JSON text is made, nor bound, in Python (the
learning platform bridge's first pass journals hundreds of thousands of rows).

An entry holds what a journaled insert always held: every field written, the row as it was
when it was written (a later change is an entry of its own). The values are the ones the sync
protocol carries, spelled as Python's JSON spells them: times in ISO 8601 UTC
(``isoformat()``: ``YYYY-MM-DDTHH:MM:SS[.ffffff]+00:00``), booleans ``true``/``false``, numbers
of a float column with 17 significant digits (so they come back exactly; SQLite's own JSON
keeps 15), JSON columns as JSON values. The server reads them into the very values a
Python-made entry gives it, and a refusal kept in the conflicts centre shows the same text.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, DateTime, Float, TypeDecorator

# the entries' change ids: time-ordered UUIDs (version 7, RFC 9562: the batch's time in
# milliseconds, bound as the first 14 characters, then the row's place in the batch as a
# counter and 62 random bits), so that a batch's ids go in at one end of the journal's unique
# index on them; random ones (version 4) land all over it, a page rewritten for each
CHANGE_ID = (
    "?1 || printf('%03x', j.key & 4095) || '-' || lower(substr('89ab', 1 + (random() & 3), 1)"
    " || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6)))"
)


def change_id_prefix(moment: datetime) -> str:
    """The first 14 characters of a batch's change ids: its time in milliseconds, version 7."""
    digits = f"{int(moment.timestamp() * 1000) & 0xFFFFFFFFFFFF:012x}"
    return f"{digits[:8]}-{digits[8:]}-7"


def _kind(column: Any) -> type | None:
    kind = column.type
    impl = kind.impl_instance if isinstance(kind, TypeDecorator) else kind
    for sa_type in (JSON, Boolean, Float, DateTime):
        if isinstance(kind, sa_type) or isinstance(impl, sa_type):
            return sa_type
    return None


def _value(column: Any, quoted: str) -> str:
    kind = _kind(column)
    if kind is JSON:
        return f"json(t.{quoted})"
    if kind is Boolean:
        return (
            f"CASE WHEN t.{quoted} IS NULL THEN NULL WHEN t.{quoted} THEN json('true') "
            "ELSE json('false') END"
        )
    if kind is Float:
        return f"CASE WHEN t.{quoted} IS NULL THEN NULL ELSE json(printf('%!.17g', t.{quoted})) END"
    if kind is DateTime:  # stored as YYYY-MM-DD HH:MM:SS.ffffff UTC; isoformat() leaves out
        # a fraction of zero
        column_of = f"t.{quoted}"
        return (
            f"CASE WHEN {column_of} IS NULL THEN NULL ELSE substr({column_of}, 1, 10) || 'T' || "
            f"CASE WHEN substr({column_of}, 20) IN ('', '.000000') THEN substr({column_of}, 12, 8) "
            f"ELSE substr({column_of}, 12) END || '+00:00' END"
        )
    return f"t.{quoted}"


def fields_json(table: Any, names: list[str], quote: Any) -> str:
    """``json_object`` of the fields ``names`` of ``table``'s row ``t``, in that order."""
    parts = []
    for name in names:
        key = name.replace("'", "''")
        parts.append(f"'{key}', {_value(table.columns[name], quote(name))}")
    return f"json_object({', '.join(parts)})"


def journal_insert_sql(table: Any, names: list[str], quote: Any) -> str:
    """The statement that journals, as inserts, the rows of ``table`` whose ids are a JSON
    array, in that array's order; parameters: the change ids' prefix (``change_id_prefix``),
    the entity, the actor's id, the time made (as the store keeps it), the ids."""
    return (
        "INSERT INTO change_journal (change_id, entity, entity_id, op, base_version, fields, "
        f"actor_id, made_at, pushed_at) SELECT {CHANGE_ID}, ?2, t.id, 'insert', 0, "
        f"{fields_json(table, names, quote)}, ?3, ?4, NULL "
        f"FROM json_each(?5) AS j CROSS JOIN {quote(table.name)} AS t ON t.id = j.value "
        "ORDER BY j.key"
    )
