"""Purging what a store no longer may hold (issue 15): when a pull removes rows that left the
account's scope (a student moved to another mentor), the bytes about them go too.

Removing the rows is ``store.prune``'s and ``store.delete_rows``' work; this module handles
what would otherwise survive them, on the removal path only (never per pulled row):

- ``secure_delete`` is on while rows are removed, so SQLite overwrites the deleted content with
  zeros instead of leaving it in free space;
- pushed journal entries and local audit entries about rows the store no longer holds are
  deleted (they carry the full note text and the student's id). Unpushed entries are never
  touched: they are the account's own pending work, the rows they concern are kept until they
  are pushed (``prune`` skips them), the server refuses them, and the refusal removes the row
  and shows the change in the conflicts list, where its author can discard it;
- drafts of feedback on submissions the store no longer holds (``editor_drafts``, keyed by
  the submissions' ids) go with them;
- the at-risk order's kept scores and stale marks of students it no longer holds
  (``student_risk``, ``student_risk_stale``: a name and an id) go too;
- the note-search indexes (``notes_fts``, ``notes_grams``) are merged (``optimize``), since
  FTS5 keeps a deleted note's tokens until its segments are merged;
- after the transaction, the WAL is checkpointed and truncated (``checkpoint``), so no old
  frame keeps a copy of a removed row.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine

from mentor_tui.sync.protocol import table_specs

# Local tables whose rows are about a synced row (``entity``, ``entity_id``), and which of
# their rows may go: never an unpushed journal entry.
_ABOUT_ROWS = {"change_journal": "pushed_at IS NOT NULL AND ", "audit_log": ""}
_SEARCH_INDEXES = ("notes_fts", "notes_grams")
# Local derived tables (revision 0023, the at-risk order) that keep a student's name or id
# beside a score: their rows about students the store no longer holds go (the sort keys' and
# totals' rows go with their student by trigger; these are marked stale instead).
_ABOUT_STUDENTS = ("student_risk", "student_risk_stale")
# draft kinds keyed by the ids (comma-separated) of the synced rows they are about
_DRAFTS_ABOUT = {"feedback": "submissions"}


@contextmanager
def secure_delete(conn: sqlite3.Connection) -> Iterator[None]:
    """Deleted content is overwritten with zeros while inside."""
    old = conn.execute("PRAGMA secure_delete").fetchone()[0]
    conn.execute("PRAGMA secure_delete=ON")
    try:
        yield
    finally:
        conn.execute(f"PRAGMA secure_delete={int(old)}")


def purge_left_scope(conn: sqlite3.Connection) -> int:
    """After rows were removed from the store: delete the pushed journal entries and audit
    entries about rows it no longer holds, and merge the note-search indexes. Call inside
    ``secure_delete``. Returns the number of entries deleted."""
    purged = 0
    for name in table_specs():
        for table, only in _ABOUT_ROWS.items():
            purged += conn.execute(
                f"DELETE FROM {table} WHERE {only}entity = ? AND NOT EXISTS "
                f'(SELECT 1 FROM "{name}" r WHERE r.id = {table}.entity_id)',
                (name,),
            ).rowcount
    purged += _purge_drafts(conn)
    for table in _ABOUT_STUDENTS:
        purged += conn.execute(
            f"DELETE FROM {table} WHERE NOT EXISTS "
            f"(SELECT 1 FROM users u WHERE u.id = {table}.user_id)"
        ).rowcount
    present = {
        row[0]
        for row in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name IN (?, ?)",
            _SEARCH_INDEXES,
        )
    }
    for index in _SEARCH_INDEXES:
        if index in present:
            conn.execute(f"INSERT INTO {index}({index}) VALUES ('optimize')")
    return purged


def _purge_drafts(conn: sqlite3.Connection) -> int:
    """Delete drafts about rows the store no longer holds (any of a bulk draft's rows)."""
    gone = 0
    for kind, table in _DRAFTS_ABOUT.items():
        drafts = conn.execute(
            "SELECT owner_id, key FROM editor_drafts WHERE kind = ?", (kind,)
        ).fetchall()
        for owner, key in drafts:
            ids = [part for part in key.split(",") if part]
            held = conn.execute(
                f'SELECT COUNT(*) FROM "{table}" WHERE id IN ({", ".join("?" * len(ids))})', ids
            ).fetchone()[0]
            if held < len(ids):
                gone += conn.execute(
                    "DELETE FROM editor_drafts WHERE owner_id = ? AND kind = ? AND key = ?",
                    (owner, kind, key),
                ).rowcount
    return gone


def checkpoint(engine: Engine) -> None:
    """Copy the WAL into the database and truncate it to nothing. Best effort: a reader in
    another connection holding an old snapshot makes SQLite leave the WAL as it is (it is
    then truncated by a later purge or when the last connection closes)."""
    raw = engine.raw_connection()
    try:
        conn = raw.driver_connection
        assert isinstance(conn, sqlite3.Connection)
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
    finally:
        raw.close()


__all__ = ["checkpoint", "purge_left_scope", "secure_delete"]
