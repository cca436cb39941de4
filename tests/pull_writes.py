"""Writes to a store made the way a sync's pull makes them (plain sqlite3 and the sync store's
functions, not the core's write path), for the tests of what the store's triggers keep."""

from __future__ import annotations

import sqlite3
from datetime import datetime
from pathlib import Path

from mentor_tui.sync import store as sync_store

FORMAT = "%Y-%m-%d %H:%M:%S.%f"
"""A stored time's text."""


def pull_or_purge(
    db_path: Path, table: str, row_id: str, changes: dict[str, object] | None
) -> None:
    """The server's newer version of a row (its values with ``changes``) as the pull applies
    it, or, with ``changes`` None, the row removed as out of this store's scope (the server
    keeps it). Every local change counts as pushed first: a pull leaves alone a row with a
    local change waiting."""
    conn = sqlite3.connect(db_path, isolation_level=None)
    try:
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("UPDATE change_journal SET pushed_at = '2026-11-01' WHERE pushed_at IS NULL")
        if changes is None:
            assert sync_store.delete_rows(conn, table, [row_id]) == 1
        else:
            values = sync_store.row_values(conn, table, row_id)
            assert values is not None
            values |= changes
            names = list(values)
            sync_store.upsert_rows(conn, table, names, [[values[n] for n in names]])
        conn.execute("COMMIT")
    finally:
        conn.close()


def from_server(
    db_path: Path,
    table: str,
    row_id: str,
    version: int,
    fields: dict[str, object] | None,
    deleted: datetime | None = None,
) -> None:
    """A hypothesis step's last part: with ``fields``, the server's next version of the row
    (``version`` + 1, ``fields``, deleted at ``deleted`` or live) as the pull applies it; with
    ``fields`` None, the row removed as out of this store's scope (kept by the server)."""
    if fields is None:
        pull_or_purge(db_path, table, row_id, None)
    else:
        deleted_at = deleted.strftime(FORMAT) if deleted else None
        changes = {"version": version + 1, **fields, "deleted_at": deleted_at}
        pull_or_purge(db_path, table, row_id, changes)
