"""The local store's schema, changed by Alembic revisions only (``versions/``, run by
``runner.py`` with ``env.py``; no alembic.ini: the runner configures Alembic in code).

Revisions 0001..0008 run the SQL files beside this module, which stores took in turn under
``PRAGMA user_version`` before Alembic; a store made then (no ``alembic_version`` table) is
stamped at its user_version's revision and upgraded from there. Revision ids are the numbers
0001, 0002, ... and every upgrade also sets ``PRAGMA user_version`` to the number reached, so
a mentor-tui from before Alembic refuses a store with revisions it does not know.

Opening a store already at ``HEAD`` costs one query, and imports neither Alembic nor the
runner: this module loads nothing but ``sqlite3`` (the app's first-frame peek reads ``HEAD``).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

if TYPE_CHECKING:
    from sqlalchemy import Engine

# The newest revision in versions/ (tests/test_migrations.py checks it against Alembic's head).
HEAD = "0026"


def revision_number(revision: str) -> int:
    """A revision's number (its leading digits: ``0015`` is 15), as ``PRAGMA user_version``
    keeps it."""
    digits = len(revision) - len(revision.lstrip("0123456789"))
    return int(revision[:digits])


def store_revision(conn: sqlite3.Connection) -> str | None:
    """The store's Alembic revision, or ``None`` when Alembic has never run on it."""
    try:
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.OperationalError:  # no such table: empty, or made before Alembic
        return None
    return None if row is None else row[0]


def at_head(path: Path) -> bool:
    """Whether the store at ``path`` exists and is at ``HEAD`` (read-only; False on any
    SQLite error): where a raw read may start before the ORM opens (and migrates) it."""
    if not path.is_file():
        return False
    try:
        conn = sqlite3.connect(f"file:{quote(str(path))}?mode=ro", uri=True)
        try:
            return store_revision(conn) == HEAD
        finally:
            conn.close()
    except sqlite3.Error:
        return False


def upgrade(engine: Engine, target: str = HEAD) -> str:
    """Bring the store to ``target`` (a store at HEAD: one query); return its revision."""
    if target == HEAD:
        raw = engine.raw_connection()
        try:
            dbapi = raw.driver_connection
            assert isinstance(dbapi, sqlite3.Connection)
            if store_revision(dbapi) == HEAD:
                return HEAD
        finally:
            raw.close()
    from mentor_tui.db.migrations.runner import upgrade_store

    return upgrade_store(engine, target)
