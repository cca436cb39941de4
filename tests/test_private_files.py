"""Stores hold private notes: the store, its -wal and -shm, and the server's database are 0600
in a 0700 folder, whatever the umask; an old 0644 store is tightened when opened."""

from __future__ import annotations

import os
import sqlite3
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from mentor_tui.db.engine import default_db_path, make_engine, session_scope
from mentor_tui.paths import data_dir
from mentor_tui.server.schema import ensure_schema, make_server_engine
from tests import factory

pytestmark = pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def side(path: Path, suffix: str) -> Path:
    return path.with_name(path.name + suffix)


@pytest.fixture(params=[0o022, 0o000], ids=["umask-022", "umask-000"])
def umask(request: pytest.FixtureRequest) -> Iterator[int]:
    old = os.umask(request.param)
    try:
        yield request.param
    finally:
        os.umask(old)


def test_a_new_store_its_wal_and_shm_are_0600_in_a_new_0700_folder(
    tmp_path: Path, umask: int
) -> None:
    path = tmp_path / "new" / "folder" / "mentor.db"
    engine = make_engine(path)
    try:
        with session_scope(engine) as s:
            factory.admin(s)  # a write: the -wal and -shm are there while the engine is open
        assert side(path, "-wal").exists() and side(path, "-shm").exists()
        assert mode(path) == 0o600
        assert mode(side(path, "-wal")) == 0o600
        assert mode(side(path, "-shm")) == 0o600
        assert mode(path.parent) == 0o700
    finally:
        engine.dispose()


def test_an_old_0644_store_and_its_wal_and_shm_are_tightened_when_opened(
    tmp_path: Path,
) -> None:
    path = tmp_path / "old.db"
    make_engine(path).dispose()
    # as an older mentor-tui left it: 0644, its -wal and -shm still there (another process
    # had it open)
    keeper = sqlite3.connect(path)
    keeper.execute("CREATE TABLE scratch (x)")
    keeper.commit()
    for file in (path, side(path, "-wal"), side(path, "-shm")):
        os.chmod(file, 0o644)
    try:
        engine = make_engine(path)
        with session_scope(engine) as s:
            factory.admin(s)
        assert mode(path) == 0o600
        assert mode(side(path, "-wal")) == 0o600
        assert mode(side(path, "-shm")) == 0o600
        engine.dispose()
    finally:
        keeper.close()


def test_a_users_existing_folder_keeps_its_mode_but_the_store_is_0600(tmp_path: Path) -> None:
    folder = tmp_path / "shared"
    folder.mkdir()
    os.chmod(folder, 0o755)
    make_engine(folder / "mine.db").dispose()
    assert mode(folder) == 0o755
    assert mode(folder / "mine.db") == 0o600


def test_mentor_tuis_own_data_folder_is_tightened_to_0700(umask: int) -> None:
    data_dir().mkdir(parents=True, exist_ok=True)
    os.chmod(data_dir(), 0o755)  # as an older mentor-tui made it
    make_engine(default_db_path()).dispose()
    assert mode(data_dir()) == 0o700
    assert mode(default_db_path()) == 0o600


def test_the_servers_sqlite_database_is_0600_in_a_0700_folder(tmp_path: Path, umask: int) -> None:
    path = tmp_path / "server" / "server.db"
    engine = make_server_engine(str(path))
    try:
        ensure_schema(engine)
        assert mode(path) == 0o600
        assert mode(side(path, "-wal")) == 0o600
        assert mode(path.parent) == 0o700
    finally:
        engine.dispose()
