"""The bulk load's index build gives the connection back as it found it."""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path

import pytest

from mentor_tui.db.engine import make_engine
from mentor_tui.sync import bulk_load
from mentor_tui.sync.bulk_load import defer_indexes, restore_indexes


def _kept(conn: sqlite3.Connection) -> str:
    query = "SELECT value FROM settings WHERE key = ?"
    return str(conn.execute(query, (bulk_load.DEFERRED_INDEXES,)).fetchone()[0])


def _pragma(conn: sqlite3.Connection, name: str) -> int:
    return int(conn.execute(f"PRAGMA {name}").fetchone()[0])


class _Watched(sqlite3.Connection):
    """A connection that notes its memory map's size and its sort helpers as each index is
    built (with the index's table)."""

    maps: list[int]
    helpers: list[tuple[str, int]]

    def execute(self, sql: str, *args: object) -> sqlite3.Cursor:
        if sql.startswith("CREATE INDEX"):
            self.maps.append(int(super().execute("PRAGMA mmap_size").fetchone()[0]))
            table = sql.split(" ON ", 1)[1].split()[0].strip('"')
            self.helpers.append((table, int(super().execute("PRAGMA threads").fetchone()[0])))
        return super().execute(sql, *args)


def test_indexes_are_built_through_a_memory_map_given_back_after(tmp_path: Path) -> None:
    make_engine(tmp_path / "store.db").dispose()  # a new store at head, empty
    conn = sqlite3.connect(tmp_path / "store.db", isolation_level=None, factory=_Watched)
    conn.maps = seen = []
    conn.helpers = []
    conn.execute("BEGIN IMMEDIATE")
    assert defer_indexes(conn) > 0
    indexes = "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
    dropped = conn.execute(indexes).fetchone()[0]
    deferred = len(json.loads(_kept(conn))["indexes"])
    before = {name: _pragma(conn, name) for name in ("mmap_size", "cache_size", "threads")}
    assert restore_indexes(conn) > 0
    conn.execute("COMMIT")
    assert conn.execute(indexes).fetchone()[0] > dropped
    # the deferred indexes (the derived tables' own come after, from put_back)
    assert deferred > 0 and len(seen) >= deferred
    assert all(size > 0 for size in seen[:deferred]), "each table read through a map"
    assert bulk_load.SORT_MMAP_BYTES > 0
    after = {name: _pragma(conn, name) for name in ("mmap_size", "cache_size", "threads")}
    assert after == before, "the store is never left mapped (or with the sort's cache)"
    conn.close()


def test_the_last_build_sorts_with_more_helpers_than_a_build_while_pages_arrive(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A finished table's indexes are built while the server still sends (its helpers leave
    the other cores to the server and the page readers); the last build, with nothing else
    running, takes more helpers than cores so that neither core waits on the other."""
    assert bulk_load.FINAL_SORT_THREADS >= bulk_load.SORT_THREADS
    if (os.cpu_count() or 1) >= 2:
        assert bulk_load.FINAL_SORT_THREADS > bulk_load.SORT_THREADS
    monkeypatch.setattr(bulk_load, "SORT_THREADS", 1)
    monkeypatch.setattr(bulk_load, "FINAL_SORT_THREADS", 3)
    make_engine(tmp_path / "store.db").dispose()
    conn = sqlite3.connect(tmp_path / "store.db", isolation_level=None, factory=_Watched)
    conn.maps, conn.helpers = [], []
    conn.execute("BEGIN IMMEDIATE")
    assert defer_indexes(conn) > 0
    assert restore_indexes(conn, ["users", "module_progress"]) > 0  # two tables finished
    early = list(conn.helpers)
    assert {table for table, _n in early} == {"users", "module_progress"}
    assert {n for _t, n in early} == {1}
    del conn.helpers[:]
    assert restore_indexes(conn) > 0  # the last page: every other table
    conn.execute("COMMIT")
    last = [n for table, n in conn.helpers if table == "submissions"]
    assert last and set(last) == {3}, "submissions' indexes built with three helpers"
    assert _pragma(conn, "threads") == 0, "the connection's helpers given back"
    conn.close()
