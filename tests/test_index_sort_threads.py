"""A table's deferred indexes (``writes.indexes_deferred``, the learning platform bridge's
first pass) are made with SQLite's sort helper threads and a small sort cache
(``engine.sorting``), and the connection is given back as it was."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlalchemy import text

from mentor_tui.core import writes
from mentor_tui.db import engine as db_engine
from mentor_tui.db.engine import make_engine, session_scope, sorting
from mentor_tui.db.models import User

INDEXES = (
    "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'users' AND sql IS NOT NULL"
)


def _pragmas(conn: sqlite3.Connection) -> tuple[int, int]:
    return (
        int(conn.execute("PRAGMA threads").fetchone()[0]),
        int(conn.execute("PRAGMA cache_size").fetchone()[0]),
    )


def test_deferred_indexes_are_sorted_with_helper_threads(tmp_path: Path) -> None:
    engine = make_engine(tmp_path / "store.db")
    statements: list[str] = []
    try:
        with session_scope(engine) as s:
            names = {r[0] for r in s.execute(text(INDEXES))}
            raw = s.connection().connection.dbapi_connection
            before = _pragmas(raw)
            raw.set_trace_callback(statements.append)
            with writes.indexes_deferred(s, User):
                assert not {r[0] for r in s.execute(text(INDEXES))}
                rows = [
                    {"id": f"u{i}", "full_name": f"Student {i}", "email": f"s{i}@example.org",
                     "role": "student"}
                    for i in range(50)
                ]  # fmt: skip
                writes.insert_many(s, None, User, rows, audit_each=False)
            raw.set_trace_callback(None)
            assert _pragmas(raw) == before, "the connection's cache and threads as they were"
        with session_scope(engine) as s:
            assert {r[0] for r in s.execute(text(INDEXES))} == names
    finally:
        engine.dispose()
    made = [i for i, sql in enumerate(statements) if sql.startswith("CREATE INDEX")]
    assert len(made) == len(names) > 0
    first = made[0]
    threads = f"PRAGMA threads={db_engine.SORT_THREADS}"
    cache = f"PRAGMA cache_size=-{db_engine.SORT_CACHE_KIB}"
    assert db_engine.SORT_THREADS >= 1
    assert threads in statements[:first] and cache in statements[:first]
    assert f"PRAGMA threads={before[0]}" in statements[made[-1] :]


def test_sorting_gives_the_pragmas_back_after_an_error(tmp_path: Path) -> None:
    conn = sqlite3.connect(tmp_path / "plain.db")
    conn.execute("PRAGMA cache_size=-12345")
    try:
        with sorting(conn):
            assert _pragmas(conn) == (db_engine.SORT_THREADS, -db_engine.SORT_CACHE_KIB)
            raise RuntimeError("stopped")
    except RuntimeError:
        pass
    assert _pragmas(conn) == (0, -12345)
    conn.close()
