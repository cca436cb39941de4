"""The SQLite engine: WAL, foreign keys, a busy timeout, and migrations on open."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlmodel import Session

from mentor_tui.db.private_files import private_database
from mentor_tui.paths import data_dir

BUSY_TIMEOUT_MS = 5000
PAGE_SIZE = 16384
# While indexes are made from whole tables (``sorting``): SQLite sorts in memory up to its page
# cache and merges sorted runs beyond it. With a cache of a few MiB the runs are many, and its
# helper threads sort them on another core while the main thread reads the table on (with a
# cache that holds the whole sort it is one run, sorted by the main thread alone).
SORT_CACHE_KIB = 2000
SORT_THREADS = max(1, min(4, (os.cpu_count() or 1) - 1))


def default_db_path() -> Path:
    return data_dir() / "mentor.db"


def _on_connect(dbapi_conn: sqlite3.Connection, _record: object) -> None:
    cur = dbapi_conn.cursor()
    # A new store only (an existing file keeps its size): 16 KiB pages take a quarter of the
    # reads and writes of SQLite's 4 KiB ones to load and index a synced program of a million
    # rows. Set before WAL, which fixes the page size.
    cur.execute(f"PRAGMA page_size={PAGE_SIZE}")
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


def make_engine(path: Path | str, *, migrate: bool = True) -> Engine:
    """Open (creating if need be) the store at ``path`` and bring its schema up to date."""
    path = Path(path)
    private_database(path)  # 0600 (its -wal and -shm too) in a 0700 folder: see private_files
    engine = create_engine(
        f"sqlite:///{path}",
        connect_args={"check_same_thread": False, "timeout": BUSY_TIMEOUT_MS / 1000},
        # the most recently used connection first: its page cache and the figures ``memo``
        # keeps in it are warm, so a query after a quiet moment does not start cold
        pool_use_lifo=True,
    )
    event.listen(engine, "connect", _on_connect)
    if migrate:
        from mentor_tui.db.migrations import upgrade

        upgrade(engine)
    return engine


@contextmanager
def sorting(conn: sqlite3.Connection, threads: int = SORT_THREADS) -> Iterator[None]:
    """Around ``CREATE INDEX`` statements on a table of many rows: a small page cache and
    helper threads for the sorts (``SORT_CACHE_KIB``, ``threads``), as they were after.
    On two cores the main thread's share of the learning platform bridge's deferred indexes
    is about half (50,000 students: 2.0 s -> 1.1 s of its CPU time), their total the same."""
    cache = int(conn.execute("PRAGMA cache_size").fetchone()[0])
    before = int(conn.execute("PRAGMA threads").fetchone()[0])
    conn.execute(f"PRAGMA cache_size=-{SORT_CACHE_KIB}")
    conn.execute(f"PRAGMA threads={threads}")
    try:
        yield
    finally:
        conn.execute(f"PRAGMA cache_size={cache}")
        conn.execute(f"PRAGMA threads={before}")


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """A session that commits on success and rolls back on any error (no half-writes)."""
    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


@contextmanager
def rollback_journal(engine: Engine, wanted: bool, *, unsynced: bool = False) -> Iterator[None]:
    """While a store fills from empty (a first sync's snapshot, the learning platform
    bridge's first pass), write it with a rollback journal instead of WAL. In WAL
    every page of a million rows and their indexes is written twice (to the WAL, then copied
    into the database by a checkpoint); with a rollback journal, pages added at the end of the
    file are written once and only the few pages that change are journaled. A crash leaves a
    journal that the next open rolls back, as it does a WAL. WAL comes back at the end, and
    every new connection asks for it anyway (``db/engine.py``). Leaving WAL needs the only
    connection to the file: the engine's idle pooled connections are closed first, and when
    another connection (another process) holds it, the filling carries on in WAL.

    With ``unsynced`` (a first snapshot, which holds nothing of the person's own) its commits
    also go without an fsync (``synchronous=OFF``): a process killed at any point leaves a
    store whose journal rolls the last transaction back (the OS keeps what was written), and
    only a power cut or an OS crash mid-fill could leave a store to be made afresh. The
    switch back to WAL is made by a new connection, which syncs: its fsync writes the whole
    file out."""
    switched = False
    if wanted:
        engine.dispose()
        switched = _journal_mode(engine, "DELETE") == "delete"
    fast = switched and unsynced
    if fast:
        event.listen(engine, "checkout", _unsynced)
    try:
        yield
    finally:
        if fast:
            event.remove(engine, "checkout", _unsynced)
            engine.dispose()  # the connections that were told OFF; new ones are NORMAL
        if switched:
            _journal_mode(engine, "WAL")


def _unsynced(dbapi_conn: sqlite3.Connection, _record: object, _proxy: object) -> None:
    dbapi_conn.execute("PRAGMA synchronous=OFF")


def _journal_mode(engine: Engine, mode: str) -> str:
    raw = engine.raw_connection()
    try:
        conn = raw.driver_connection
        assert isinstance(conn, sqlite3.Connection)
        try:
            return str(conn.execute(f"PRAGMA journal_mode={mode}").fetchone()[0]).lower()
        except sqlite3.OperationalError:  # locked by another connection
            return ""
    finally:
        raw.close()
