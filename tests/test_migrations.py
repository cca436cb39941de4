"""Versioned migrations: a fresh store matches the models, and an old store upgrades in place."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlmodel import SQLModel

import mentor_tui.db.models  # noqa: F401 - registers the tables
from mentor_tui.errors import UserError
from mentor_tui.db.engine import make_engine
from mentor_tui.db.migrations import LATEST, upgrade_connection


def _columns(conn: sqlite3.Connection, table: str) -> set[str]:
    return {row[1] for row in conn.execute(f"PRAGMA table_info({table})")}


def test_fresh_store_has_every_model_column_and_index(db_path: Path) -> None:
    make_engine(db_path).dispose()
    conn = sqlite3.connect(db_path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == LATEST
    for table in SQLModel.metadata.sorted_tables:
        assert _columns(conn, table.name) == {c.name for c in table.columns}, table.name
        have = {row[1] for row in conn.execute(f"PRAGMA index_list({table.name})")}
        for index in table.indexes:
            assert index.name in have, f"{table.name} lacks {index.name}"


def test_store_built_by_the_first_schema_upgrades_in_place(db_path: Path) -> None:
    db_path.parent.mkdir(parents=True)
    conn = sqlite3.connect(db_path, isolation_level=None)
    assert upgrade_connection(conn, target=1) == 1
    conn.execute(
        "INSERT INTO users (id, created_at, updated_at, version, full_name, email, role, status,"
        " timezone) VALUES ('m1', '2025-01-01 00:00:00', '2025-01-01 00:00:00', 1, 'Mia',"
        " 'mia@example.org', 'mentor', 'Active', 'UTC'),"
        " ('s1', '2025-01-01 00:00:00', '2025-01-01 00:00:00', 1, 'Sam', 'sam@example.org',"
        " 'student', 'Active', 'UTC')"
    )
    conn.execute(
        "INSERT INTO mentorship_notes (id, created_at, updated_at, version, mentor_id, student_id,"
        " kind, note, added_at, done) VALUES ('n1', '2025-01-01 00:00:00', '2025-01-01 00:00:00',"
        " 1, 'm1', 's1', 'note', 'discussed recursion and memoisation', '2025-01-01 00:00:00', 0)"
    )
    conn.close()

    make_engine(db_path).dispose()  # opening runs the pending migrations

    conn = sqlite3.connect(db_path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == LATEST
    assert conn.execute("SELECT full_name FROM users WHERE id='s1'").fetchone() == ("Sam",)
    hits = conn.execute("SELECT rowid FROM notes_fts WHERE notes_fts MATCH 'memo*'").fetchall()
    assert len(hits) == 1, "notes written under schema 1 are searchable after the upgrade"


def test_failed_migration_leaves_the_store_untouched(db_path: Path, monkeypatch) -> None:
    from mentor_tui.db import migrations

    db_path.parent.mkdir(parents=True)
    conn = sqlite3.connect(db_path, isolation_level=None)
    upgrade_connection(conn, target=1)

    def broken(c: sqlite3.Connection) -> None:
        c.execute("CREATE TABLE half_done (x)")
        raise RuntimeError("boom")

    monkeypatch.setattr(migrations, "MIGRATIONS", [migrations.MIGRATIONS[0], (2, "x", broken)])
    with pytest.raises(RuntimeError):
        migrations.upgrade_connection(conn, target=2)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
    assert conn.execute("SELECT name FROM sqlite_master WHERE name='half_done'").fetchone() is None


def test_newer_store_is_refused_with_a_sentence(db_path: Path) -> None:
    db_path.parent.mkdir(parents=True)
    conn = sqlite3.connect(db_path, isolation_level=None)
    conn.execute(f"PRAGMA user_version = {LATEST + 1}")
    with pytest.raises(UserError, match="newer mentor-tui"):
        upgrade_connection(conn)


def test_migrations_are_numbered_one_by_one() -> None:
    from mentor_tui.db.migrations import MIGRATIONS

    assert [number for number, _title, _run in MIGRATIONS] == list(range(1, LATEST + 1))
