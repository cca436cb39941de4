"""Many rows written with one statement, cheaply on SQLite.

SQLAlchemy's ``conn.execute(insert(table), rows)`` builds a parameter dict per row and runs
every value through its column type's bind processor, which on SQLite costs more CPU than the
insert itself for a batch of small rows (the xAPI ingest spent about a fifth of its time there).
On SQLite these helpers write the statement once, run each column's own bind processor (so the
stored values are exactly what SQLAlchemy stores) once per distinct value, and hand plain tuples
to the driver's ``executemany``. Other databases take the usual SQLAlchemy path, whose
``insertmanyvalues`` is already batched.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from datetime import datetime
from typing import Any

import msgspec
from sqlalchemy import (
    ColumnElement,
    Connection,
    Table,
    and_,
    bindparam,
    func,
    insert,
    select,
    update,
)

Processor = Callable[[Any], Any]
_PLAIN = frozenset({str, int, float, bool, type(None), datetime})  # hashable, checked at once


_ENCODE = msgspec.json.Encoder().encode


def among(conn: Connection, column: Any, values: Sequence[str]) -> ColumnElement[bool]:
    """``column IN values``. On SQLite the values are one JSON parameter that ``json_each``
    reads: one statement, compiled once and cached, whatever the values (an expanding IN is
    rendered again for each list: 0.83 ms against 0.56 ms for a lookup of 500 ids). Elsewhere
    SQLAlchemy's expanding IN."""
    if conn.dialect.name != "sqlite":
        return column.in_(list(values))  # type: ignore[no-any-return]
    each = func.json_each(_ENCODE(list(values)).decode()).table_valued("value")
    return column.in_(select(each.c.value))  # type: ignore[no-any-return]


def _processors(conn: Connection, table: Table, names: Sequence[str]) -> list[Processor | None]:
    dialect = conn.dialect
    return [table.c[name].type.dialect_impl(dialect).bind_processor(dialect) for name in names]


def _tuples(
    rows: Sequence[dict[str, Any]], names: Sequence[str], processors: list[Processor | None]
) -> list[tuple[Any, ...]]:
    """The rows as tuples in ``names`` order, each value processed once per distinct value."""
    columns: list[list[Any]] = []
    for name, process in zip(names, processors, strict=True):
        values = [row[name] for row in rows]
        if process is not None:
            seen: dict[tuple[type, Hashable], Any] = {}  # keyed by type too: True == 1 == 1.0
            out = []
            for value in values:  # None too, as SQLAlchemy does (JSON makes it 'null')
                kind = type(value)  # the common kinds first: the ABC check below is slow
                if kind is not dict and (kind in _PLAIN or isinstance(value, Hashable)):
                    key = (kind, value)
                    try:
                        out.append(seen[key])
                    except KeyError:
                        out.append(seen.setdefault(key, process(value)))
                else:
                    out.append(process(value))  # a dict or list (JSON): processed every time
            values = out
        columns.append(values)
    return list(zip(*columns, strict=True))


def _same_keys(rows: Sequence[dict[str, Any]]) -> list[str]:
    names = list(rows[0])
    wanted = set(names)
    if any(row.keys() != wanted for row in rows):
        raise ValueError("every row of a bulk write names the same columns")
    return names


def insert_many(conn: Connection, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """INSERT ``rows`` (dicts naming the same columns, every column given a value)."""
    if not rows:
        return
    if conn.dialect.name != "sqlite":
        conn.execute(insert(table), list(rows))
        return
    names = _same_keys(rows)
    prepare = conn.dialect.identifier_preparer
    columns = ", ".join(prepare.quote(n) for n in names)
    marks = ", ".join("?" for _ in names)
    sql = f"INSERT INTO {prepare.format_table(table)} ({columns}) VALUES ({marks})"
    conn.exec_driver_sql(sql, _tuples(rows, names, _processors(conn, table, names)))


def update_many(
    conn: Connection,
    table: Table,
    keys: Sequence[str],
    rows: Sequence[dict[str, Any]],
    fixed: dict[str, Any] | None = None,
) -> None:
    """UPDATE each row found by its values of the ``keys`` columns, setting its other values
    (and the same ``fixed`` values on every row). Rows name the same columns."""
    if not rows:
        return
    fixed = fixed or {}
    names = _same_keys(rows)
    setting = [n for n in names if n not in keys]
    if conn.dialect.name != "sqlite":
        stmt = (
            update(table)
            .where(and_(*(table.c[k] == bindparam(f"b_{k}") for k in keys)))
            .values({**{n: bindparam(f"b_{n}") for n in setting}, **fixed})
        )
        conn.execute(stmt, [{f"b_{k}": v for k, v in row.items()} for row in rows])
        return
    quote = conn.dialect.identifier_preparer.quote
    order = [*setting, *fixed, *keys]
    assignments = ", ".join(f"{quote(n)} = ?" for n in [*setting, *fixed])
    where = " AND ".join(f"{quote(k)} = ?" for k in keys)
    sql = (
        f"UPDATE {conn.dialect.identifier_preparer.format_table(table)} "
        f"SET {assignments} WHERE {where}"
    )
    full = [{**row, **fixed} for row in rows] if fixed else rows
    conn.exec_driver_sql(sql, _tuples(full, order, _processors(conn, table, order)))
