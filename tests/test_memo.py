"""The process-wide memo: kept across pooled connections, dropped by any commit (this process,
another connection, another process) and by a store file replaced by another."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from sqlmodel import Session

from mentor_tui.core import memo as memo_module
from mentor_tui.core.memo import memo
from mentor_tui.db.engine import make_engine


@pytest.fixture(autouse=True)
def fresh_memo():
    memo_module.forget()
    yield
    memo_module.forget()


def _counting():
    """A computation that returns how many times it has run."""
    calls = []

    def compute():
        calls.append(1)
        return len(calls)

    return compute


def test_kept_across_connections_until_a_commit(tmp_path: Path) -> None:
    engine = make_engine(tmp_path / "m.db")
    compute = _counting()
    with Session(engine) as a, Session(engine) as b:
        assert memo(a, "k", compute) == 1
        assert memo(b, "k", compute) == 1  # another pooled connection: still kept
        assert a.connection().connection.driver_connection is not (
            b.connection().connection.driver_connection
        )
    with Session(engine) as c:
        with sqlite3.connect(tmp_path / "m.db") as raw:
            raw.execute("CREATE TABLE z(a)")  # a commit by anyone
            raw.execute("INSERT INTO z VALUES (1)")
        assert memo(c, "k", compute) == 2
        assert memo(c, "k", compute) == 2
        assert memo(c, "other", compute) == 3  # keys are apart
    engine.dispose()


def test_a_commit_from_another_process_is_seen(tmp_path: Path) -> None:
    path = tmp_path / "m.db"
    engine = make_engine(path)
    compute = _counting()
    with Session(engine) as s:
        memo(s, "k", compute)
    script = f"import sqlite3; c = sqlite3.connect({str(path)!r}); c.execute('CREATE TABLE x(a)'); c.commit()"
    subprocess.run([sys.executable, "-c", script], check=True)
    with Session(engine) as s:
        assert memo(s, "k", compute) == 2
    engine.dispose()


def test_uncommitted_writes_are_not_kept(tmp_path: Path) -> None:
    engine = make_engine(tmp_path / "m.db")
    compute = _counting()
    with Session(engine) as s:
        s.connection().exec_driver_sql("CREATE TABLE IF NOT EXISTS y(a)")
        s.connection().exec_driver_sql("INSERT INTO y VALUES (1)")
        assert memo(s, "k", compute) == 1
        assert memo(s, "k", compute) == 2  # inside a write transaction: computed each time
        s.rollback()
    engine.dispose()


def test_a_replaced_store_file_is_not_mistaken_for_the_old(tmp_path: Path) -> None:
    path = tmp_path / "m.db"
    engine = make_engine(path)
    compute = _counting()
    with Session(engine) as s:
        memo(s, "k", compute)
    engine.dispose()
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    shutil.copy(_fresh_store(tmp_path), path)
    engine = make_engine(path)
    with Session(engine) as s:
        assert memo(s, "k", compute) == 2
    engine.dispose()


def _fresh_store(tmp_path: Path) -> Path:
    other = tmp_path / "other" / "o.db"
    engine = make_engine(other)
    engine.dispose()
    return other


def test_two_threads_asking_at_once_compute_once(tmp_path: Path) -> None:
    import threading
    import time

    engine = make_engine(tmp_path / "m.db")
    runs = []

    def slow():
        runs.append(1)
        time.sleep(0.3)
        return "value"

    results = []

    def ask():
        with Session(engine) as s:
            results.append(memo(s, "slow", slow))

    threads = [threading.Thread(target=ask) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert results == ["value"] * 3
    assert len(runs) == 1
    assert not memo_module._computing  # nothing left behind
    engine.dispose()
