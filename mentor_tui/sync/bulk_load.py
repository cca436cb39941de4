"""Filling an empty store fast on its first snapshot: without its secondary indexes, its
note-search triggers and the triggers that keep its derived tables (built once, sorted, when
each table is complete; the search and derived tables filled once at the end), and with a
rollback journal instead of WAL while it fills (``db/engine.rollback_journal``)."""

from __future__ import annotations

import json
import os
import sqlite3

from mentor_tui.core.people.sort_keys import refill_statements
from mentor_tui.db.derived_tables import (
    keeping_triggers,
    put_back,
    refill_program_totals_sql,
    set_aside,
)
from mentor_tui.db.engine import SORT_THREADS, sorting
from mentor_tui.sync.protocol import table_specs

DEFERRED_INDEXES = "sync_deferred_indexes"

# The triggers that keep note search (core/note_search.py) in step with mentorship_notes, row by
# row; a bulk load goes without them and the search tables are rebuilt once at the end.
SEARCH_TRIGGERS = ("notes_fts_%", "notes_grams_%")
REBUILD_SEARCH = (
    "INSERT INTO notes_fts(notes_fts) VALUES ('rebuild')",
    "INSERT INTO notes_grams(notes_grams) VALUES ('delete-all')",
    "INSERT INTO notes_grams(rowid, note, owner) SELECT rid, note, owner FROM notes_grams_source",
)

# Tables are read through a memory map while their indexes are built: each CREATE INDEX reads
# its whole table, and without one every page is copied out of the OS cache by a read() of
# its own (twelve times over for submissions' twelve indexes). SQLite caps it (2 GiB by
# default); it is given back after, so the store is never mapped outside a bulk load.
SORT_MMAP_BYTES = 2**31
# The indexes are built with ``db/engine.sorting``: a page cache of a few MiB (sorted runs of
# that size sort faster than one big run) and SQLite's helper threads (a fifth off the 7
# indexes of a million submissions on two cores): ``SORT_THREADS`` of them while the snapshot
# still arrives (a finished table's indexes), when the server and the page readers want the
# other cores.
# The last build (submissions' eight indexes, then the search and derived tables) has the
# machine to itself. SQLite's own thread scans the table, makes each key, merges the sorted
# runs and writes the index; with one helper that is 6.1 of the 11.3 s of CPU on submissions
# (50,000 students), so one core waits on the other. More helpers than cores let each core
# take a share (own thread 4.3-4.8 s, the same CPU in all); SQLite caps them at its
# SQLITE_MAX_WORKER_THREADS.
FINAL_SORT_THREADS = max(1, min(8, 2 * (os.cpu_count() or 1) - 1))


def defer_indexes(conn: sqlite3.Connection) -> int:
    """Before the first snapshot into an empty store: drop the secondary indexes of the synced
    tables and the note-search triggers, keeping their SQL in ``settings``, so a million rows
    go in without a random index write (or a tokenised note) each; ``restore_indexes`` builds
    them once, sorted, in the transaction of the last page, the one that marks the snapshot
    done. Keys and unique constraints stay. An interrupted snapshot leaves them dropped (the
    store does not claim to be synced) until it completes."""
    if conn.execute("SELECT 1 FROM users LIMIT 1").fetchone() is not None:
        return 0
    if conn.execute("SELECT 1 FROM settings WHERE key = ?", (DEFERRED_INDEXES,)).fetchone():
        return 0
    names = tuple(table_specs())
    marks = ", ".join("?" for _ in names)
    indexes = conn.execute(
        f"SELECT name, sql, tbl_name FROM sqlite_master WHERE type = 'index' "
        f"AND sql IS NOT NULL AND tbl_name IN ({marks})",
        names,
    ).fetchall()
    triggers = _triggers(conn, SEARCH_TRIGGERS)
    # the store is empty: no at-risk scores to mark stale either (the pull counts them all)
    keeping = keeping_triggers(conn, marks=True)
    if not indexes and not triggers and not keeping:
        return 0
    kept = {
        "indexes": [[table, sql] for _n, sql, table in indexes],
        "triggers": [sql for _n, sql in triggers],
        "derived": [sql for _n, sql in keeping],
    }
    # the write first: Python's sqlite3 opens the transaction at it, not at DDL
    conn.execute(
        "INSERT INTO settings (key, value) VALUES (?, ?)", (DEFERRED_INDEXES, json.dumps(kept))
    )
    for name, _sql, _table in indexes:
        conn.execute(f'DROP INDEX "{name}"')
    for name, _sql in triggers:
        conn.execute(f'DROP TRIGGER "{name}"')
    set_aside(conn, marks=True)
    return len(indexes) + len(triggers) + len(keeping)


def _triggers(conn: sqlite3.Connection, patterns: tuple[str, ...]) -> list[tuple[str, str]]:
    """The name and SQL of each trigger whose name is like one of ``patterns``."""
    likes = " OR ".join("name LIKE ?" for _ in patterns)
    return conn.execute(
        f"SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND ({likes})",
        patterns,
    ).fetchall()


def is_deferred(conn: sqlite3.Connection) -> bool:
    """Whether this store's first snapshot began into an empty store and has not finished."""
    found = conn.execute("SELECT 1 FROM settings WHERE key = ?", (DEFERRED_INDEXES,))
    return found.fetchone() is not None


def restore_indexes(conn: sqlite3.Connection, tables: list[str] | None = None) -> int:
    """Build what ``defer_indexes`` dropped: the indexes, the note-search tables from every
    note now in the store, then the triggers that keep them from here on. With ``tables``
    (tables the snapshot has finished) only those tables' indexes are built, and the rest stay
    recorded, in the same transaction, for a later call: a client killed after this builds
    only what is still missing."""
    row = conn.execute("SELECT value FROM settings WHERE key = ?", (DEFERRED_INDEXES,)).fetchone()
    if row is None:
        return 0
    kept = json.loads(row[0])
    if isinstance(kept, list):  # kept by a version that deferred only indexes
        kept = {"indexes": kept, "triggers": []}
    # An entry is [table, sql], or the bare sql of an older version (built only at the end).
    wanted = None if tables is None else set(tables)
    build, rest = [], []
    for entry in kept["indexes"]:
        table = entry[0] if isinstance(entry, list) else None
        if wanted is None or table in wanted:
            build.append(entry[1] if isinstance(entry, list) else entry)
        else:
            rest.append(entry)
    if wanted is not None and not build:
        return 0
    old_mmap = conn.execute("PRAGMA mmap_size").fetchone()[0]
    conn.execute(f"PRAGMA mmap_size={SORT_MMAP_BYTES}")
    try:
        with sorting(conn, SORT_THREADS if wanted is not None else FINAL_SORT_THREADS):
            for sql in build:
                conn.execute(sql)
    finally:
        conn.execute(f"PRAGMA mmap_size={int(old_mmap)}")
    if wanted is not None:
        kept["indexes"] = rest
        conn.execute(
            "UPDATE settings SET value = ? WHERE key = ?", (json.dumps(kept), DEFERRED_INDEXES)
        )
        return len(build)
    if kept["triggers"]:
        for sql in REBUILD_SEARCH:
            conn.execute(sql)
        for sql in kept["triggers"]:
            conn.execute(sql)
    derived = kept.get("derived", [])  # none kept by a version that left them in place
    if derived:
        put_back(conn, derived, [*refill_statements(), *refill_program_totals_sql()])
    conn.execute("DELETE FROM settings WHERE key = ?", (DEFERRED_INDEXES,))
    return len(build) + len(kept["triggers"]) + len(derived)


__all__ = [
    "DEFERRED_INDEXES",
    "defer_indexes",
    "is_deferred",
    "restore_indexes",
]
