"""The local store's schema by Alembic: a fresh store matches the models, a store made before
Alembic (any PRAGMA user_version 1..8) is stamped and upgraded with nothing lost, a failed
upgrade changes nothing, a newer store is refused, and a current store opens without Alembic."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from legacy_store import (
    STORE_BEFORE_ALEMBIC,
    legacy_store,
    load_dump,
    schema_of,
    sql_files,
    table_rows,
)
from sqlmodel import SQLModel

import mentor_tui.db.models  # noqa: F401 - registers the tables
from mentor_tui.core.analytics.dashboard import dashboard
from mentor_tui.core.notes import notes
from mentor_tui.core.people import settings
from mentor_tui.core.people.sign_in_peek import peek_actor
from mentor_tui.core.people.students import count_students
from mentor_tui.core.reviews.queue import count_queue
from mentor_tui.db.engine import make_engine, session_scope
from mentor_tui.db.migrations import HEAD, revision_number, runner, upgrade
from mentor_tui.errors import UserError

VERSION_TABLE = ("alembic_version",)


def _columns(conn: sqlite3.Connection, table: str) -> set[str]:
    return {row[1] for row in conn.execute(f"PRAGMA table_info({table})")}


def _versions(path: Path) -> tuple[int, list[tuple[str]] | None]:
    """(PRAGMA user_version, the alembic_version rows or None when there is no such table)."""
    conn = sqlite3.connect(path)
    try:
        user_version = conn.execute("PRAGMA user_version").fetchone()[0]
        try:
            rows = conn.execute("SELECT version_num FROM alembic_version").fetchall()
        except sqlite3.OperationalError:
            rows = None
        return user_version, rows
    finally:
        conn.close()


def _open(path: Path) -> None:
    make_engine(path).dispose()


def test_fresh_store_has_every_model_column_and_index(db_path: Path) -> None:
    _open(db_path)
    assert _versions(db_path) == (revision_number(HEAD), [(HEAD,)])
    conn = sqlite3.connect(db_path)
    for table in SQLModel.metadata.sorted_tables:
        assert _columns(conn, table.name) == {c.name for c in table.columns}, table.name
        have = {row[1] for row in conn.execute(f"PRAGMA index_list({table.name})")}
        for index in table.indexes:
            assert index.name in have, f"{table.name} lacks {index.name}"
    conn.close()


def test_head_is_alembics_head_and_revisions_are_numbered_one_by_one() -> None:
    from alembic.script import ScriptDirectory

    scripts = ScriptDirectory(str(runner.STORE_SCRIPTS))
    assert scripts.get_heads() == [HEAD]
    chain = [script.revision for script in scripts.walk_revisions()][::-1]
    assert chain == [f"{n:04d}" for n in range(1, revision_number(HEAD))] + [HEAD]
    # the SQL files before Alembic are revisions 0001..0008 under the same numbers
    legacy = runner.LEGACY_LAST
    assert [name[:4] for name in sql_files()][:legacy] == chain[:legacy]


@pytest.mark.parametrize("version", range(1, runner.LEGACY_LAST + 1))
def test_a_store_made_before_alembic_upgrades_to_the_fresh_schema(
    tmp_path: Path, version: int
) -> None:
    fresh = tmp_path / "fresh.db"
    _open(fresh)
    old = legacy_store(tmp_path / "old.db", version)
    assert _versions(old) == (version, None)
    _open(old)
    assert _versions(old) == (revision_number(HEAD), [(HEAD,)])
    assert schema_of(old) == schema_of(fresh)


def _rows_as_before(path: Path, before: dict[str, list[tuple]]) -> dict[str, list[tuple]]:
    """The rows of the tables of ``before``, read with the columns each had before (a later
    revision may add a column or a table, never take one away)."""
    conn = sqlite3.connect(path)
    try:
        rows = {}
        for table in before:
            names = [r[1] for r in conn.execute(f'PRAGMA table_info("{table}")')]
            old = names
            if before[table]:
                old = names[: len(before[table][0])]
            columns = ", ".join(f'"{c}"' for c in old) or "*"
            found = conn.execute(f'SELECT {columns} FROM "{table}"').fetchall()
            rows[table] = sorted(found, key=repr)
        return rows
    finally:
        conn.close()


def test_a_store_made_by_main_before_alembic_opens_with_nothing_lost(tmp_path: Path) -> None:
    store = load_dump(STORE_BEFORE_ALEMBIC, tmp_path / "main.db")
    assert _versions(store) == (8, None)
    # the planner's statistics (ANALYZE) are no data: a revision that adds or rebuilds an
    # index gathers that index's anew
    before_rows = table_rows(store, skip=("sqlite_stat1",))
    before_schema = schema_of(store)
    assert sum(len(rows) for rows in before_rows.values()) > 500

    engine = make_engine(store)
    try:
        assert _versions(store) == (revision_number(HEAD), [(HEAD,)])
        # stamped at 0008, not rebuilt; later revisions only add to it (but for the indexes
        # 0026 drops, which no query needs): every table, column and row of before is still
        # there, as it was
        assert _rows_as_before(store, before_rows) == before_rows
        after_schema = schema_of(store)
        dropped = {
            ("index", statement.split()[-1].rstrip(";"))
            for statement in runner.sql_statements("0026_submission_indexes.sql")
        }
        assert {(kind, name) for kind, name, _, _ in before_schema} - dropped <= {
            (kind, name) for kind, name, _, _ in after_schema
        }
        with session_scope(engine) as session:
            mentor = settings.sign_in(session, None)  # the user the store remembers
            assert mentor.email == "mentor@example.org"
            hits = notes.search_notes(session, mentor, "memo")
            assert [hit.snippet for hit in hits if "memoisation" in hit.snippet]
            assert notes.search_notes(session, mentor, "学习")  # the trigram index too
            admin = settings.sign_in(session, "admin@example.org")
            assert count_students(session, admin) == 6
            assert count_queue(session, admin) > 0
            assert dashboard(session, mentor).role == "mentor"
    finally:
        engine.dispose()
    assert peek_actor(store, None) is not None  # and the next start paints at once


def test_opening_a_current_store_does_not_import_alembic(db_path: Path) -> None:
    _open(db_path)
    probe = (
        "import json, sys\n"
        "from mentor_tui.db.engine import make_engine\n"
        f"make_engine({str(db_path)!r}).dispose()\n"
        "print(json.dumps([n for n in ('alembic', 'mentor_tui.db.migrations.runner')"
        " if n in sys.modules]))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, check=True
    )
    assert json.loads(done.stdout.splitlines()[-1]) == []


def test_an_older_alembic_store_upgrades(db_path: Path) -> None:
    engine = make_engine(db_path, migrate=False)
    try:
        assert upgrade(engine, "0003") == "0003"
        assert _versions(db_path) == (3, [("0003",)])
        assert upgrade(engine) == HEAD
    finally:
        engine.dispose()
    assert _versions(db_path) == (revision_number(HEAD), [(HEAD,)])


def _fail_at(monkeypatch: pytest.MonkeyPatch, failing: str) -> None:
    """Make the revision that runs ``failing`` (an SQL file) do its work, then fail."""
    real = runner.run_sql_file

    def run(name: str) -> None:
        real(name)
        if name == failing:
            raise RuntimeError("boom")

    monkeypatch.setattr(runner, "run_sql_file", run)


def test_a_failed_upgrade_leaves_a_store_made_before_alembic_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    old = legacy_store(tmp_path / "old.db", 6)
    conn = sqlite3.connect(old)
    with conn:
        conn.execute(
            "INSERT INTO users (id, created_at, updated_at, version, full_name, email, role,"
            " status, timezone) VALUES ('m1', '2025-01-01 00:00:00', '2025-01-01 00:00:00', 1,"
            " 'Mia', 'mia@example.org', 'mentor', 'Active', 'UTC')"
        )
    conn.close()
    before = (schema_of(old), table_rows(old))
    _fail_at(monkeypatch, sql_files()[7])  # 0008: after 0007 ran in the same transaction
    with pytest.raises(RuntimeError, match="boom"):
        _open(old)
    assert _versions(old) == (6, None)  # not stamped either
    assert (schema_of(old), table_rows(old)) == before


def test_a_failed_upgrade_leaves_an_alembic_store_at_its_revision(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = make_engine(db_path, migrate=False)
    try:
        upgrade(engine, "0005")
        before = schema_of(db_path)
        _fail_at(monkeypatch, sql_files()[6])  # 0007, after 0006
        with pytest.raises(RuntimeError, match="boom"):
            upgrade(engine)
    finally:
        engine.dispose()
    assert _versions(db_path) == (5, [("0005",)])
    assert schema_of(db_path) == before


def test_a_store_from_a_newer_mentor_tui_is_refused_with_a_sentence(db_path: Path) -> None:
    _open(db_path)
    conn = sqlite3.connect(db_path)
    with conn:
        conn.execute("UPDATE alembic_version SET version_num = '0999'")
    conn.close()
    with pytest.raises(UserError, match=r"newer mentor-tui \(schema 0999, this one knows up to"):
        _open(db_path)
    assert _versions(db_path) == (revision_number(HEAD), [("0999",)])


def test_a_user_version_from_beyond_the_pre_alembic_ones_is_refused(db_path: Path) -> None:
    db_path.parent.mkdir(parents=True)
    conn = sqlite3.connect(db_path)
    conn.execute(f"PRAGMA user_version = {runner.LEGACY_LAST + 1}")
    conn.close()
    with pytest.raises(UserError, match="newer mentor-tui"):
        _open(db_path)
