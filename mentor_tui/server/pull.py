"""Reading the change log for one account: pages after a position, and initial snapshots.

A pull page is read in one snapshot (REPEATABLE READ on PostgreSQL, one SQLite read
transaction). In that snapshot the counter's value ``top`` is committed, and positions commit
in order (``server/log.py``), so every position up to ``top`` is visible: a page that ends at
``top`` or below can never be missing a change that commits later with an earlier position.

Rows are sent as they are now (latest state), filtered by what the account may read; rows it
could read before but not now come as revocations.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from functools import partial
from typing import Any

from sqlalchemy import (
    Connection,
    Engine,
    LargeBinary,
    and_,
    case,
    cast,
    func,
    literal_column,
    null,
    select,
)
from sqlalchemy.sql.elements import ColumnElement, False_

from mentor_tui.core.access import Actor
from mentor_tui.server.log import current_position
from mentor_tui.server.schema import log_revokes, log_rows, snapshot_options
from mentor_tui.sync.protocol import TableSpec, table_specs, to_wire
from mentor_tui.sync.scopes import readable


def _encode(table_spec: TableSpec, rows: list[Any]) -> list[list[Any]]:
    kinds = table_spec.kinds
    plain = [k in ("str", "int", "float") for k in kinds]
    out = []
    for row in rows:
        out.append(
            [
                v if p or v is None else to_wire(k, v)
                for v, k, p in zip(row, kinds, plain, strict=False)
            ]
        )
    return out


def _row_columns(conn: Connection, table_spec: TableSpec) -> list[Any]:
    """What to select for a row: its JSON text on SQLite, else its columns (typed values,
    encoded by ``_encode``)."""
    if conn.dialect.name == "sqlite":
        return [_row_json(table_spec)]
    return list(table_spec.table.c)


def _fetch(conn: Connection, query: Any) -> list[Any]:
    """All rows of ``query``; on SQLite straight from the driver's cursor (plain tuples: a
    page's rows are only passed on)."""
    result = conn.execute(query)
    if conn.dialect.name != "sqlite":
        return list(result.all())
    try:
        return result.cursor.fetchall()
    finally:
        result.close()


def _block(conn: Connection, table_spec: TableSpec, rows: list[Any]) -> dict[str, Any]:
    """One table's rows of a page, selected with ``_row_columns`` (and maybe more columns
    after those, which are left out)."""
    if conn.dialect.name == "sqlite":
        encoded: list[Any] = _rows_json([row[0] for row in rows])
    else:
        encoded = _encode(table_spec, rows)
    return {"table": table_spec.name, "columns": list(table_spec.columns), "rows": encoded}


def _readable(actor: Actor, name: str) -> Any:
    condition = readable(actor, name)
    return None if isinstance(condition, False_) else condition


class RowsJson(bytes):
    """The UTF-8 JSON text of a list of rows, made by the database: sent as it is."""


def _sqlite_value(column: Any, kind: str) -> Any:
    if kind == "bool":
        return case(
            (column.is_(None), null()),
            (column != 0, literal_column("json('true')")),
            else_=literal_column("json('false')"),
        )
    if kind == "json":
        return func.json(column)
    if kind == "float":
        # exact: 17 significant digits (SQLite's JSON writes 15); an infinity as 9e999, which
        # JSON readers take back as infinity
        return func.json(
            case(
                (column.is_(None), null()),
                (column > 1.7976931348623157e308, "9e999"),
                (column < -1.7976931348623157e308, "-9e999"),
                else_=func.printf("%!.17g", column),
            )
        )
    return column  # text, whole numbers, and times and dates as the text they are stored as


def _row_json(table_spec: TableSpec) -> ColumnElement[Any]:
    """On SQLite, one row's wire form (a JSON array of its values in column order) built by
    the database, as UTF-8 bytes: a page is then its rows' texts joined, with no Python object
    per value and no decoding and encoding of the text on the way through."""
    table = table_spec.table
    values = (_sqlite_value(c, k) for c, k in zip(table.c, table_spec.kinds, strict=True))
    return cast(func.json_array(*values), LargeBinary).label("row_json")


def _rows_json(texts: list[bytes]) -> RowsJson:
    return RowsJson(b"[" + b",".join(texts) + b"]")


def page_json(payload: dict[str, Any]) -> bytes:
    """A page as compact UTF-8 JSON; ``RowsJson`` values go in as they are."""

    def encode(value: Any) -> bytes:
        if isinstance(value, RowsJson):
            return value
        if isinstance(value, dict):
            items = (encode(str(k)) + b":" + encode(v) for k, v in value.items())
            return b"{" + b",".join(items) + b"}"
        if isinstance(value, list) and any(isinstance(v, dict) for v in value):
            return b"[" + b",".join(encode(v) for v in value) + b"]"
        return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")

    return encode(payload)


def pull_page(engine: Engine, actor: Actor, after: int, limit: int) -> dict[str, Any]:
    """Changes the account may see after position ``after``: at most ``limit`` rows of any one
    table, and everything up to the returned ``position``."""
    with engine.connect().execution_options(**snapshot_options(engine)) as conn, conn.begin():
        top = current_position(conn)
        if top <= after:
            return {"position": top, "more": False, "tables": [], "revoked": []}
        bound = top
        fetched: list[tuple[TableSpec, list[Any]]] = []
        for name, table_spec in table_specs().items():
            condition = _readable(actor, name)
            if condition is None:
                continue
            table = table_spec.table
            query = (
                select(*_row_columns(conn, table_spec), log_rows.c.position)
                .join(log_rows, and_(log_rows.c.entity == name, log_rows.c.entity_id == table.c.id))
                .where(log_rows.c.position > after, log_rows.c.position <= bound, condition)
                .order_by(log_rows.c.position)
                .limit(limit)
            )
            rows = _fetch(conn, query)
            if len(rows) == limit:
                bound = min(bound, rows[-1][-1])
            if rows:
                fetched.append((table_spec, rows))
        tables = []
        for table_spec, rows in fetched:
            kept = rows if rows[-1][-1] <= bound else [row for row in rows if row[-1] <= bound]
            if kept:
                tables.append(_block(conn, table_spec, kept))
        revoked = [
            {"entity": r.entity, "id": r.entity_id}
            for r in conn.execute(
                select(log_revokes.c.entity, log_revokes.c.entity_id)
                .where(
                    log_revokes.c.position > after,
                    log_revokes.c.position <= bound,
                    (log_revokes.c.account_id == actor.id) | log_revokes.c.account_id.is_(None),
                )
                .order_by(log_revokes.c.position)
            )
        ]
        return {"position": bound, "more": bound < top, "tables": tables, "revoked": revoked}


def position(engine: Engine) -> int:
    with engine.connect() as conn, conn.begin():
        return current_position(conn)


PAGE_SCHEMA = "page"
PAGE_META = "_page"


def snapshot_page_sqlite(
    engine: Engine, actor: Actor, table: str | None, after: str | None, limit: int, server_id: str
) -> tuple[bytes, dict[str, Any]]:
    """The same page as ``snapshot_page``, as an SQLite database (docs/sync.md): a table per
    synced table with rows in it, its columns in protocol order and values as the server's
    SQLite holds them (on PostgreSQL, their wire form), and ``_page`` with one row, the page's
    JSON without its rows. A client copies it into its store with ``INSERT ... SELECT``, no
    value passing through Python. Returns the bytes and the page's JSON."""
    if engine.dialect.name == "sqlite":
        with engine.connect() as conn:
            raw = conn.connection.driver_connection
            raw.execute(f"ATTACH ':memory:' AS {PAGE_SCHEMA}")
            try:
                with conn.begin():
                    page = _snapshot_walk(conn, actor, table, after, limit, _copy_sqlite)
                meta = {"server_id": server_id, **page}
                _write_meta(raw, meta, PAGE_SCHEMA)
                return raw.serialize(name=PAGE_SCHEMA), meta
            finally:
                raw.execute(f"DETACH {PAGE_SCHEMA}")
    builder = sqlite3.connect(":memory:", isolation_level=None)
    try:
        options = snapshot_options(engine)
        with engine.connect().execution_options(**options) as conn, conn.begin():
            page = _snapshot_walk(conn, actor, table, after, limit, partial(_copy_rows, builder))
        meta = {"server_id": server_id, **page}
        _write_meta(builder, meta, "main")
        return builder.serialize(), meta
    finally:
        builder.close()


def _write_meta(conn: sqlite3.Connection, meta: dict[str, Any], schema: str) -> None:
    conn.execute(f'CREATE TABLE {schema}."{PAGE_META}" (meta TEXT NOT NULL)')
    conn.execute(f'INSERT INTO {schema}."{PAGE_META}" VALUES (?)', (json.dumps(meta),))


def _copy_sqlite(conn: Connection, table_spec: TableSpec, query: Any) -> tuple[int, str | None]:
    """Rows of ``query`` into the attached page database, inside SQLite: (count, last key)."""
    name = table_spec.name
    compiled = query.compile(dialect=conn.dialect, compile_kwargs={"render_postcompile": True})
    params = compiled.construct_params()
    positional = tuple(params[key] for key in compiled.positiontup or ())
    conn.exec_driver_sql(f'CREATE TABLE {PAGE_SCHEMA}."{name}" AS {compiled}', positional)
    count, last = conn.exec_driver_sql(
        f'SELECT count(*), max(id) FROM {PAGE_SCHEMA}."{name}"'
    ).one()
    if not count:
        conn.exec_driver_sql(f'DROP TABLE {PAGE_SCHEMA}."{name}"')
    return int(count), last


def _copy_rows(
    builder: sqlite3.Connection, conn: Connection, table_spec: TableSpec, query: Any
) -> tuple[int, str | None]:
    """Rows of ``query`` (PostgreSQL) in their wire form into the page database."""
    rows = _encode(table_spec, list(conn.execute(query).all()))
    if not rows:
        return 0, None
    json_at = [i for i, kind in enumerate(table_spec.kinds) if kind == "json"]
    for row in rows:
        for index in json_at:
            if row[index] is not None:
                row[index] = json.dumps(row[index], ensure_ascii=False)
    names = ", ".join(f'"{c}"' for c in table_spec.columns)
    builder.execute(f'CREATE TABLE "{table_spec.name}" ({names})')
    marks = ", ".join("?" for _ in table_spec.columns)
    builder.executemany(f'INSERT INTO "{table_spec.name}" VALUES ({marks})', rows)
    return len(rows), rows[-1][table_spec.columns.index("id")]


def _snapshot_walk(
    conn: Connection,
    actor: Actor,
    table: str | None,
    after: str | None,
    limit: int,
    copy: Callable[[Connection, TableSpec, Any], tuple[int, str | None]],
) -> dict[str, Any]:
    """The walk of ``snapshot_page`` with each table's rows handed to ``copy``."""
    specs = table_specs()
    names = list(specs)
    if table is not None and table not in specs:
        raise KeyError(table)
    start = 0 if table is None else names.index(table)
    position_now = current_position(conn) if table is None else None
    tables: list[str] = []
    room = limit
    next_cursor: dict[str, str] | None = None
    for name in names[start:]:
        condition = _readable(actor, name)
        if condition is None:
            after = None
            continue
        t = specs[name].table
        query = select(*t.c).where(t.c.deleted_at.is_(None), condition)
        if after is not None:
            query = query.where(t.c.id > after)
        count, last = copy(conn, specs[name], query.order_by(t.c.id).limit(room))
        after = None
        if count:
            tables.append(name)
            room -= count
        if room <= 0:
            next_cursor = {"table": name, "after": last}
            break
    return {"position": position_now, "tables": tables, "next": next_cursor}


def snapshot_page(
    engine: Engine, actor: Actor, table: str | None, after: str | None, limit: int
) -> dict[str, Any]:
    """Live rows the account may read, table by table in key order, from (``table``,
    ``after``). Starting (``table`` None) also returns the log position to continue from."""
    blocks: list[dict[str, Any]] = []

    def copy(conn: Connection, table_spec: TableSpec, query: Any) -> tuple[int, str | None]:
        columns = [*_row_columns(conn, table_spec), table_spec.table.c.id.label("key")]
        rows = _fetch(conn, query.with_only_columns(*columns))
        if not rows:
            return 0, None
        blocks.append(_block(conn, table_spec, rows))
        return len(rows), rows[-1][-1]

    with engine.connect().execution_options(**snapshot_options(engine)) as conn, conn.begin():
        page = _snapshot_walk(conn, actor, table, after, limit, copy)
    return {**page, "tables": blocks}
