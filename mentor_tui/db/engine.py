"""The SQLite engine: WAL, foreign keys, a busy timeout, and migrations on open."""

from __future__ import annotations

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
def session_scope(engine: Engine) -> Iterator[Session]:
    """A session that commits on success and rolls back on any error (no half-writes)."""
    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
