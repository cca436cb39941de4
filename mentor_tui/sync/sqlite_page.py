"""Snapshot pages that come as SQLite databases (``format=sqlite``, docs/sync.md).

A first pull of a whole programme is a million rows. As JSON, every value is read into a
Python object and bound back into SQLite one by one; as an SQLite database, the page is
attached to the store's connection and its rows are copied with one ``INSERT ... SELECT`` per
table, with no value passing through Python. The page is the server's answer and is treated as
untrusted input: only plain tables with the names and columns of synced tables are read, with
``trusted_schema`` off, and anything else makes the page unreadable.
"""

from __future__ import annotations

import itertools
import json
import sqlite3
from dataclasses import dataclass
from typing import Any

from mentor_tui.sync.http import ServerUnavailable
from mentor_tui.sync.protocol import table_specs
from mentor_tui.sync.store import upsert_rows, write_all

# The schema name the page is attached under on the store's connection, and the page's own
# table of what the JSON page would say besides its rows (server id, position, next cursor).
PAGE_SCHEMA = "snapshot_page"
PAGE_META = "_page"
_COOKIES = itertools.count(1_000_000)


@dataclass(frozen=True)
class SqlitePage:
    """A snapshot page as it came: the bytes of an SQLite database; ``last`` if the server
    said there is no page after it."""

    content: bytes
    last: bool = False


def unreadable(why: str) -> ServerUnavailable:
    """A snapshot page (SQLite or JSON) that is not what the protocol says, in one sentence."""
    return ServerUnavailable(
        f"The server sent a snapshot page that cannot be read ({why}); your changes are kept "
        "here and will sync later."
    )


def open_page(conn: sqlite3.Connection, page: SqlitePage) -> dict[str, Any]:
    """Load ``page`` into the attached ``PAGE_SCHEMA`` and return its JSON part, with
    ``tables`` the names of the tables that hold rows. Raises ``ServerUnavailable`` for
    anything that is not such a page."""
    try:
        conn.deserialize(page.content, name=PAGE_SCHEMA)
        # SQLite keeps the attached schema's tables (their root pages) while the schema
        # cookie is unchanged, and two pages made the same way have the same cookie: a fresh
        # one makes it read this page's own tables.
        conn.execute(f"PRAGMA {PAGE_SCHEMA}.schema_version={next(_COOKIES)}")
        objects = conn.execute(f"SELECT type, name FROM {PAGE_SCHEMA}.sqlite_master").fetchall()
    except sqlite3.DatabaseError as exc:
        raise unreadable(str(exc)) from None
    allowed = set(table_specs()) | {PAGE_META}
    for kind, name in objects:
        if kind != "table" or name not in allowed:
            raise unreadable(f"it holds {kind} {name!r}")
    try:
        row = conn.execute(f'SELECT meta FROM {PAGE_SCHEMA}."{PAGE_META}"').fetchone()
        meta = json.loads(row[0]) if row is not None else None
    except (sqlite3.DatabaseError, TypeError, ValueError):
        meta = None
    if not isinstance(meta, dict) or not isinstance(meta.get("tables"), list):
        raise unreadable("it says nothing of itself")
    present = {name for kind, name in objects}
    if any(name not in present or name == PAGE_META for name in meta["tables"]):
        raise unreadable("it names a table it does not hold")
    return meta


def apply_sqlite_page(
    conn: sqlite3.Connection,
    meta: dict[str, Any],
    skip: set[tuple[str, str]],
    *,
    insert: bool,
) -> int:
    """Copy the rows of the opened page into the store, as ``upsert_rows`` would write them
    (rows with unpushed local changes left alone; with ``insert`` a plain ``INSERT`` first).
    Returns the number of rows written."""
    count = 0
    for name in meta["tables"]:
        count += _apply_table(conn, name, skip, insert=insert)
    return count


def _apply_table(
    conn: sqlite3.Connection, name: str, skip: set[tuple[str, str]], *, insert: bool
) -> int:
    table_spec = table_specs()[name]
    try:
        theirs = {r[1] for r in conn.execute(f'PRAGMA {PAGE_SCHEMA}.table_info("{name}")')}
    except sqlite3.DatabaseError as exc:
        raise unreadable(str(exc)) from None
    if "id" not in theirs:
        raise unreadable(f"its {name} have no id")
    names = [c for c in table_spec.columns if c in theirs]  # as this store knows them
    columns = ", ".join(f'"{c}"' for c in names)
    source = f'SELECT {columns} FROM {PAGE_SCHEMA}."{name}" AS page WHERE true'
    if any(entity == name for entity, _id in skip):
        source += (
            " AND NOT EXISTS (SELECT 1 FROM main.change_journal j WHERE j.entity = "
            f"'{name}' AND j.entity_id = page.id AND j.pushed_at IS NULL)"
        )
    count = int(conn.execute(f"SELECT count(*) FROM ({source})").fetchone()[0])
    if not count:
        return 0
    target = f'INSERT INTO main."{name}" ({columns}) {source}'
    sets = ", ".join(f'"{c}" = excluded."{c}"' for c in names if c != "id")
    upsert = (
        f"{target} ON CONFLICT(id) DO UPDATE SET {sets} "
        f'WHERE excluded.version >= main."{name}".version'
    )
    for sql in (target, upsert) if insert else (upsert,):
        try:
            if write_all(conn, sql):
                return count
        except sqlite3.DatabaseError as exc:  # the transaction rolls back as it ends
            raise unreadable(str(exc)) from None
    # a row clashes with a different local row on a unique key: row by row, as JSON rows are
    json_at = [i for i, c in enumerate(names) if table_spec.kind(c) == "json"]
    rows = [list(r) for r in conn.execute(source)]
    try:
        for row in rows:
            for index in json_at:
                if isinstance(row[index], str):
                    row[index] = json.loads(row[index])
    except ValueError:
        raise unreadable(f"its {name} hold JSON that is not") from None
    return upsert_rows(conn, name, names, rows, skip=skip)
