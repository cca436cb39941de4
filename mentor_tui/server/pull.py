"""Reading the change log for one account: pages after a position, and initial snapshots.

A pull page is read in one snapshot (REPEATABLE READ on PostgreSQL, one SQLite read
transaction). In that snapshot the counter's value ``top`` is committed, and positions commit
in order (``server/log.py``), so every position up to ``top`` is visible: a page that ends at
``top`` or below can never be missing a change that commits later with an earlier position.

Rows are sent as they are now (latest state), filtered by what the account may read; rows it
could read before but not now come as revocations.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Engine, String, and_, select, type_coerce
from sqlalchemy.sql.elements import False_

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


def _columns(conn: Connection, table_spec: TableSpec) -> list[Any]:
    """The table's columns for reading rows to send. On SQLite the stored text of times,
    dates and JSON is already (or nearly) their wire form: read it raw, skipping a parse and a
    format per value."""
    table = table_spec.table
    if conn.dialect.name != "sqlite":
        return list(table.c)
    return [
        type_coerce(c, String).label(c.name) if k in ("datetime", "date", "json") else c
        for c, k in zip(table.c, table_spec.kinds, strict=True)
    ]


def _readable(actor: Actor, name: str) -> Any:
    condition = readable(actor, name)
    return None if isinstance(condition, False_) else condition


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
                select(*_columns(conn, table_spec), log_rows.c.position)
                .join(log_rows, and_(log_rows.c.entity == name, log_rows.c.entity_id == table.c.id))
                .where(log_rows.c.position > after, log_rows.c.position <= bound, condition)
                .order_by(log_rows.c.position)
                .limit(limit)
            )
            rows = conn.execute(query).all()
            if len(rows) == limit:
                bound = min(bound, rows[-1][-1])
            if rows:
                fetched.append((table_spec, rows))
        tables = []
        for table_spec, rows in fetched:
            kept = [row[:-1] for row in rows if row[-1] <= bound]
            if kept:
                tables.append(
                    {
                        "table": table_spec.name,
                        "columns": list(table_spec.columns),
                        "rows": _encode(table_spec, kept),
                    }
                )
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


def snapshot_page(
    engine: Engine, actor: Actor, table: str | None, after: str | None, limit: int
) -> dict[str, Any]:
    """Live rows the account may read, table by table in key order, from (``table``,
    ``after``). Starting (``table`` None) also returns the log position to continue from."""
    specs = table_specs()
    names = list(specs)
    if table is not None and table not in specs:
        raise KeyError(table)
    start = 0 if table is None else names.index(table)
    with engine.connect().execution_options(**snapshot_options(engine)) as conn, conn.begin():
        position_now = current_position(conn) if table is None else None
        tables: list[dict[str, Any]] = []
        room = limit
        next_cursor: dict[str, str] | None = None
        for name in names[start:]:
            condition = _readable(actor, name)
            if condition is None:
                after = None
                continue
            table_spec = specs[name]
            t = table_spec.table
            query = select(*_columns(conn, table_spec)).where(t.c.deleted_at.is_(None), condition)
            if after is not None:
                query = query.where(t.c.id > after)
            rows = conn.execute(query.order_by(t.c.id).limit(room)).all()
            after = None
            if rows:
                tables.append(
                    {
                        "table": name,
                        "columns": list(table_spec.columns),
                        "rows": _encode(table_spec, rows),
                    }
                )
                room -= len(rows)
            if room <= 0:
                next_cursor = {"table": name, "after": rows[-1][0]}
                break
        return {"position": position_now, "tables": tables, "next": next_cursor}
