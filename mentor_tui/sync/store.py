"""The local store as sync sees it: raw SQLite, outside the app's write path on purpose.

What sync writes locally is not a local change: pulled rows, push results and removals never
enter the change journal (they would be pushed back) nor the audit log (the server audits).
Each step is one ``IMMEDIATE`` transaction with foreign keys off: a store holds the part of the
program its account may see, so a row may point at one it will never hold (a reviewer from
another team), and a page may bring a child before its parent.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, delete, select
from sqlalchemy.dialects import sqlite
from sqlalchemy.sql.elements import False_, True_

from mentor_tui.core import clock
from mentor_tui.core.access import Actor
from mentor_tui.db.models import new_id
from mentor_tui.sync.protocol import TableSpec, table_specs, wire_time
from mentor_tui.sync.scopes import readable

# Tables whose rows decide who sees what: a page bringing them may shrink this store's view.
SCOPE_TABLES = frozenset({"users", "mentorship_sessions", "session_attendees"})


# Pages of thousands of rows touch every index of a table: a bigger page cache while they are
# written keeps those indexes in memory (SQLite's default is 2 MiB); it is given back after.
APPLY_CACHE_KIB = 32 * 1024


@contextmanager
def local_transaction(
    engine: Engine, *, big: bool = False, attach: str | None = None
) -> Iterator[sqlite3.Connection]:
    """One ``IMMEDIATE`` transaction on a raw connection. ``attach`` names an empty in-memory
    database attached for the transaction (an SQLite snapshot page is loaded into it), with
    ``trusted_schema`` off while it is there."""
    raw = engine.raw_connection()
    conn = raw.driver_connection
    assert isinstance(conn, sqlite3.Connection)
    old_isolation = conn.isolation_level
    old_cache = conn.execute("PRAGMA cache_size").fetchone()[0] if big else None
    attached, trusted = False, 1
    try:
        conn.isolation_level = None
        conn.execute("PRAGMA foreign_keys=OFF")
        if big:
            conn.execute(f"PRAGMA cache_size=-{APPLY_CACHE_KIB}")
        if attach is not None:
            trusted = conn.execute("PRAGMA trusted_schema").fetchone()[0]
            conn.execute("PRAGMA trusted_schema=OFF")
            conn.execute(f"ATTACH ':memory:' AS {attach}")
            attached = True
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        finally:
            conn.execute("PRAGMA foreign_keys=ON")
            if old_cache is not None:
                conn.execute(f"PRAGMA cache_size={int(old_cache)}")
    finally:
        if attached:
            conn.execute(f"DETACH {attach}")
        if attach is not None:
            conn.execute(f"PRAGMA trusted_schema={int(trusted)}")
        conn.isolation_level = old_isolation
        raw.close()


@contextmanager
def local_read(engine: Engine) -> Iterator[sqlite3.Connection]:
    raw = engine.raw_connection()
    conn = raw.driver_connection
    assert isinstance(conn, sqlite3.Connection)
    try:
        yield conn
    finally:
        raw.rollback()
        raw.close()


# --- sync_state ---------------------------------------------------------------------------


@dataclass
class State:
    client_id: str
    server_url: str | None
    server_id: str | None
    account_id: str | None
    account_email: str | None
    position: int
    snapshot_position: int | None
    snapshot_table: str | None
    snapshot_after: str | None
    snapshot_done: bool
    adopted_at: str | None
    last_sync_at: str | None
    last_error: str | None

    @property
    def linked(self) -> bool:
        return self.server_url is not None and self.account_id is not None


_STATE_COLUMNS = tuple(State.__dataclass_fields__)


def read_state(conn: sqlite3.Connection) -> State:
    """This store's sync state; the row is created (with a fresh client id) on first use."""
    row = conn.execute(
        f"SELECT {', '.join(_STATE_COLUMNS)} FROM sync_state WHERE id = 1"
    ).fetchone()
    if row is None:
        conn.execute(
            "INSERT OR IGNORE INTO sync_state (id, client_id, position, snapshot_done) VALUES (1, ?, 0, 0)",
            (new_id(),),
        )
        row = conn.execute(
            f"SELECT {', '.join(_STATE_COLUMNS)} FROM sync_state WHERE id = 1"
        ).fetchone()
    values = dict(zip(_STATE_COLUMNS, row, strict=True))
    values["snapshot_done"] = bool(values["snapshot_done"])
    return State(**values)


def save_state(conn: sqlite3.Connection, **values: Any) -> None:
    unknown = set(values) - set(_STATE_COLUMNS)
    if unknown:
        raise ValueError(f"no sync_state column {sorted(unknown)}")
    for key, value in values.items():
        if isinstance(value, datetime):
            values[key] = wire_time(value)
    assignments = ", ".join(f"{k} = ?" for k in values)
    conn.execute(f"UPDATE sync_state SET {assignments} WHERE id = 1", tuple(values.values()))


def state_of(engine: Engine) -> State:
    with local_transaction(engine) as conn:
        return read_state(conn)


def now_text() -> str:
    return wire_time(clock.now())


# --- the journal --------------------------------------------------------------------------


def pending_keys(conn: sqlite3.Connection) -> set[tuple[str, str]]:
    return {
        (e, i)
        for e, i in conn.execute(
            "SELECT DISTINCT entity, entity_id FROM change_journal WHERE pushed_at IS NULL"
        )
    }


def pending_count(conn: sqlite3.Connection) -> int:
    return int(
        conn.execute("SELECT count(*) FROM change_journal WHERE pushed_at IS NULL").fetchone()[0]
    )


@dataclass(frozen=True)
class PendingChange:
    seq: int
    change_id: str
    entity: str
    entity_id: str
    op: str
    base_version: int  # the server version the row's unpushed changes started from
    fields: dict[str, Any]
    overrides: tuple[str, ...] = ()  # what the change overrides on purpose ("capacity")

    def wire(self) -> dict[str, Any]:
        wire = {
            "change_id": self.change_id,
            "entity": self.entity,
            "entity_id": self.entity_id,
            "op": self.op,
            "base_version": self.base_version,
            "fields": self.fields,
        }
        if self.overrides:
            wire["overrides"] = list(self.overrides)
        return wire


def pending_batch(conn: sqlite3.Connection, limit: int) -> list[PendingChange]:
    """The oldest unpushed changes. Each carries the version its row's chain of unpushed
    changes started from: the first of them was made on a version the server gave us; the later
    ones count on from it locally, numbers the server never had."""
    rows = conn.execute(
        """
        SELECT j.seq, j.change_id, j.entity, j.entity_id, j.op, j.fields,
               (SELECT min(k.base_version) FROM change_journal k
                 WHERE k.entity = j.entity AND k.entity_id = j.entity_id AND k.pushed_at IS NULL),
               j.overrides
        FROM change_journal j
        WHERE j.pushed_at IS NULL
        ORDER BY j.seq
        LIMIT ?
        """,
        (limit,),
    ).fetchall()
    return [
        PendingChange(
            seq,
            change_id,
            entity,
            entity_id,
            op,
            int(base),
            json.loads(fields),
            tuple(json.loads(overrides) or ()) if overrides else (),
        )
        for seq, change_id, entity, entity_id, op, fields, base, overrides in rows
    ]


# --- rows ---------------------------------------------------------------------------------


def _upsert_sql(table_spec: TableSpec, columns: list[str], *, guard: bool) -> str:
    sets = ", ".join(f'"{c}" = excluded."{c}"' for c in columns if c != "id")
    where = f' WHERE excluded.version >= "{table_spec.name}".version' if guard else ""
    return f"{_insert_sql(table_spec, columns)} ON CONFLICT(id) DO UPDATE SET {sets}{where}"


def _insert_sql(table_spec: TableSpec, columns: list[str]) -> str:
    names = ", ".join(f'"{c}"' for c in columns)
    marks = ", ".join("?" for _ in columns)
    return f'INSERT INTO "{table_spec.name}" ({names}) VALUES ({marks})'


def _local_values(
    table_spec: TableSpec, columns: list[str], rows: Iterable[list[Any]]
) -> list[list[Any]]:
    """Rows as this store keeps them: JSON values as their text, booleans as 0 and 1. A
    million rows pass here on a first pull, so ``True`` and ``False`` (which bind as 1 and 0)
    are left as they are and no converter is called per value."""
    json_at = tuple(i for i, name in enumerate(columns) if table_spec.kind(name) == "json")
    bool_at = tuple(i for i, name in enumerate(columns) if table_spec.kind(name) == "bool")
    if not json_at and not bool_at:
        return list(rows)
    dumps = json.dumps
    out = []
    for row in rows:
        row = list(row)
        for index in json_at:
            value = row[index]
            if value is not None:
                row[index] = dumps(value, ensure_ascii=False)
        for index in bool_at:
            value = row[index]
            if value is not None and value is not True and value is not False:
                row[index] = 1 if value else 0
        out.append(row)
    return out


def upsert_rows(
    conn: sqlite3.Connection,
    table: str,
    columns: list[str],
    rows: list[list[Any]],
    *,
    skip: set[tuple[str, str]] | frozenset[tuple[str, str]] = frozenset(),
    guard: bool = True,
    insert: bool = False,
) -> int:
    """Write server rows as they are (no journal). Rows with unpushed local changes are left
    alone: the next push settles them by the conflict rules. With ``guard`` a row never goes
    back to an older version. With ``insert`` (rows expected to be new: a first snapshot into
    an empty store) they go in with a plain ``INSERT``, a fifth cheaper than the upsert for a
    million rows; if any of them is already there, the upsert writes them instead."""
    table_spec = table_specs().get(table)
    if table_spec is None or not rows:
        return 0
    known = [i for i, c in enumerate(columns) if c in table_spec.columns]
    names = [columns[i] for i in known]
    id_at = columns.index("id")
    picked: list[list[Any]] | list[Any] = rows
    if skip:
        picked = [row for row in rows if (table, row[id_at]) not in skip]
    if len(known) != len(columns):  # a server with columns this store does not have
        picked = [[row[i] for i in known] for row in picked]
    if not picked:
        return 0
    values = _local_values(table_spec, names, picked)
    sql = _upsert_sql(table_spec, names, guard=guard)
    if insert and write_all(conn, _insert_sql(table_spec, names), values):
        return len(values)
    if not write_all(conn, sql, values):
        for row in values:
            _upsert_one(conn, table_spec, names, row, sql)
    return len(values)


def write_all(conn: sqlite3.Connection, sql: str, values: list[list[Any]] | None = None) -> bool:
    """``sql`` for every row of ``values`` (or once, with none), or for none of them (False)
    if one breaks a key or constraint; other errors are raised."""
    conn.execute("SAVEPOINT upsert")
    try:
        if values is None:
            conn.execute(sql)
        else:
            conn.executemany(sql, values)
    except sqlite3.IntegrityError:
        conn.execute("ROLLBACK TO upsert")
        conn.execute("RELEASE upsert")
        return False
    conn.execute("RELEASE upsert")
    return True


def _upsert_one(
    conn: sqlite3.Connection, table_spec: TableSpec, names: list[str], row: list[Any], sql: str
) -> None:
    """A row that collides with a different local row on a unique key (two stores made the
    same progress row offline): the server's row wins, the local one goes unless unpushed."""
    try:
        conn.execute(sql, row)
        return
    except sqlite3.IntegrityError:
        pass
    values = dict(zip(names, row, strict=True))
    for unique in _unique_columns(table_spec):
        if all(c in values for c in unique):
            where = " AND ".join(f'"{c}" = ?' for c in unique)
            clash = conn.execute(
                f'SELECT id FROM "{table_spec.name}" WHERE {where} AND id != ?',
                (*[values[c] for c in unique], values["id"]),
            ).fetchall()
            for (other_id,) in clash:
                if not _is_pending(conn, table_spec.name, other_id):
                    conn.execute(f'DELETE FROM "{table_spec.name}" WHERE id = ?', (other_id,))
    try:
        conn.execute(sql, row)
    except sqlite3.IntegrityError:
        pass  # the clashing local row has unpushed changes: its push settles it


def _unique_columns(table_spec: TableSpec) -> list[tuple[str, ...]]:
    from sqlalchemy import UniqueConstraint

    found = [
        tuple(c.name for c in con.columns)
        for con in table_spec.table.constraints
        if isinstance(con, UniqueConstraint)
    ]
    found += [(c.name,) for c in table_spec.table.columns if c.unique]
    return found


def _is_pending(conn: sqlite3.Connection, entity: str, entity_id: str) -> bool:
    return (
        conn.execute(
            "SELECT 1 FROM change_journal WHERE entity = ? AND entity_id = ? AND pushed_at IS NULL LIMIT 1",
            (entity, entity_id),
        ).fetchone()
        is not None
    )


def delete_rows(conn: sqlite3.Connection, table: str, ids: Iterable[str]) -> int:
    """Remove rows from this store (not a deletion: the server keeps them)."""
    if table not in table_specs():
        return 0
    removed = 0
    for row_id in ids:
        if not _is_pending(conn, table, row_id):
            removed += conn.execute(f'DELETE FROM "{table}" WHERE id = ?', (row_id,)).rowcount
    return removed


def _compile(statement: Any) -> str:
    return str(statement.compile(dialect=sqlite.dialect(), compile_kwargs={"literal_binds": True}))


def prune(conn: sqlite3.Connection, actor: Actor) -> int:
    """Remove every row ``actor`` may no longer read (and has not changed unpushed)."""
    removed = 0
    for name, table_spec in table_specs().items():
        condition = readable(actor, name)
        if isinstance(condition, True_):
            continue
        table = table_spec.table
        statement = delete(table)
        if not isinstance(condition, False_):
            statement = statement.where(table.c.id.not_in(select(table.c.id).where(condition)))
        sql = _compile(statement)
        sql += (" AND " if " WHERE " in sql else " WHERE ") + (
            f"NOT EXISTS (SELECT 1 FROM change_journal j WHERE j.entity = '{name}' "
            f'AND j.entity_id = "{name}".id AND j.pushed_at IS NULL)'
        )
        removed += conn.execute(sql).rowcount
    return removed


def local_actor(conn: sqlite3.Connection, state: State) -> Actor | None:
    if state.account_id is None:
        return None
    row = conn.execute(
        "SELECT id, role, email, full_name, timezone FROM users WHERE id = ?", (state.account_id,)
    ).fetchone()
    return Actor(*row) if row is not None else None


def row_values(conn: sqlite3.Connection, table: str, row_id: str) -> dict[str, Any] | None:
    cursor = conn.execute(f'SELECT * FROM "{table}" WHERE id = ?', (row_id,))
    found = cursor.fetchone()
    if found is None:
        return None
    return dict(zip([d[0] for d in cursor.description], found, strict=True))
