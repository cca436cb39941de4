"""Versioned schema migrations, tracked in SQLite's ``PRAGMA user_version``.

Each migration runs in one explicit transaction (DDL included), so a failed upgrade leaves the
database exactly as it was. Migration 1 is the frozen first schema; later ones change it in place.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from importlib import resources

from sqlalchemy import Engine

from mentor_tui.errors import UserError


def _sql_file(name: str) -> Callable[[sqlite3.Connection], None]:
    def run(conn: sqlite3.Connection) -> None:
        text = resources.files(__package__).joinpath(name).read_text(encoding="utf-8")
        pending = ""
        for line in text.splitlines(keepends=True):
            if not pending and line.lstrip().startswith("--"):
                continue
            pending += line
            if sqlite3.complete_statement(pending):
                conn.execute(pending)
                pending = ""
        if pending.strip():
            raise RuntimeError(f"migration {name} ends with an incomplete statement")

    return run


MIGRATIONS: list[tuple[int, str, Callable[[sqlite3.Connection], None]]] = [
    (1, "initial schema", _sql_file("0001_initial.sql")),
    (2, "full-text index of mentorship notes", _sql_file("0002_notes_fts.sql")),
    (3, "sync: server link, conflicts, journal by row", _sql_file("0003_sync.sql")),
    (4, "review comment bank, reminder log, queue index", _sql_file("0004_reviews.sql")),
    (5, "note search scoped to the author, in any script", _sql_file("0005_notes_search.sql")),
    (6, "student availability, session reminder log", _sql_file("0006_sessions.sql")),
    (7, "covering indexes for the students list", _sql_file("0007_list_indexes.sql")),
    (8, "covering indexes for the dashboard", _sql_file("0008_dashboard_indexes.sql")),
]

LATEST = MIGRATIONS[-1][0]


def current_version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def upgrade_connection(conn: sqlite3.Connection, target: int = LATEST) -> int:
    """Apply every migration above the database's version up to ``target``; return the version."""
    version = current_version(conn)
    if version > LATEST:
        raise UserError(
            f"This database was written by a newer mentor-tui (schema {version}, "
            f"this one knows {LATEST}); upgrade mentor-tui to open it."
        )
    for number, _title, run in MIGRATIONS:
        if version < number <= target:
            conn.execute("BEGIN IMMEDIATE")
            try:
                run(conn)
                conn.execute(f"PRAGMA user_version = {number}")
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            version = number
    return version


def upgrade(engine: Engine, target: int = LATEST) -> int:
    raw = engine.raw_connection()
    try:
        dbapi = raw.driver_connection
        assert isinstance(dbapi, sqlite3.Connection)
        old_isolation = dbapi.isolation_level
        dbapi.isolation_level = None  # we issue BEGIN/COMMIT ourselves so DDL is transactional
        try:
            return upgrade_connection(dbapi, target)
        finally:
            dbapi.isolation_level = old_isolation
    finally:
        raw.close()
