"""Local stores as mentor-tui made them before Alembic: the SQL files 0001_*.sql ... applied in
turn, each in one transaction with ``PRAGMA user_version`` set to its number (as
``mentor_tui/db/migrations/__init__.py`` did on main at 8f22ba9), and no ``alembic_version``."""

from __future__ import annotations

import sqlite3
from importlib import resources
from pathlib import Path

from mentor_tui.db.migrations.runner import sql_statements

FIXTURES = Path(__file__).parent / "fixtures"
# A store main made (user_version 8), kept as SQL text: see the file's first lines.
STORE_BEFORE_ALEMBIC = FIXTURES / "store_before_alembic.sql"


def sql_files() -> list[str]:
    folder = resources.files("mentor_tui.db.migrations")
    return sorted(
        p.name for p in folder.iterdir() if p.name[:4].isdigit() and p.name.endswith(".sql")
    )


def legacy_store(path: Path, version: int) -> Path:
    """A store at ``PRAGMA user_version = version`` (1..8), made the way main made it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        for name in sql_files()[:version]:
            conn.execute("BEGIN IMMEDIATE")
            for statement in sql_statements(name):
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {int(name[:4])}")
            conn.execute("COMMIT")
    finally:
        conn.close()
    return path


def load_dump(dump: Path, path: Path) -> Path:
    """A store file made from an SQL text dump (``sqlite3 FILE .dump``)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.executescript(dump.read_text(encoding="utf-8"))
    finally:
        conn.close()
    return path


def table_rows(path: Path, *, skip: tuple[str, ...] = ()) -> dict[str, list[tuple]]:
    """Every row of every table (virtual ones included), in a stable order."""
    conn = sqlite3.connect(path)
    try:
        names = [
            row[0]
            for row in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
            )
            if row[0] not in skip
        ]
        return {
            name: sorted(conn.execute(f'SELECT * FROM "{name}"').fetchall(), key=repr)
            for name in names
        }
    finally:
        conn.close()


def schema_of(path: Path, *, skip: tuple[str, ...] = ()) -> set[tuple]:
    """The store's schema objects as SQLite keeps them: (type, name, table, SQL)."""
    conn = sqlite3.connect(path)
    try:
        return {
            row
            for row in conn.execute("SELECT type, name, tbl_name, sql FROM sqlite_master")
            if row[1] not in skip and row[2] not in skip
        }
    finally:
        conn.close()
