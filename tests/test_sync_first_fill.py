"""A first snapshot into an empty store (the CLI's login, ``bulk``) commits without an fsync
while it fills (``db/engine.rollback_journal(unsynced=True)``): a client process killed with
SIGKILL mid-fill, in the middle of a transaction, leaves a store that the next sync completes
exactly as the server holds it, with every index and a sound file."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from mentor_tui.db.engine import make_engine
from mentor_tui.sync import sync_once, sync_status
from tests import sync_helpers
from tests.sync_helpers import ProcessServer, Program, server_view, store_view

program_template = sync_helpers.program_template  # a fixture
program = sync_helpers.program  # a fixture

# The CLI's first pull in a process of its own, in pages of 3 rows, each page its own
# transaction; after its fourth page is written (still inside that page's transaction) it
# notes the store's journal and sync modes in MARK and waits to be killed.
CLIENT = """
import sys, time
from pathlib import Path
from mentor_tui.db.engine import make_engine
from mentor_tui.sync import login, pull
store, url, email, password, mark = sys.argv[1:6]
pull.SNAPSHOT_PAGE, pull.BATCH_ROWS = 3, 1
real, pages = pull.apply_sqlite_page, []
def apply(conn, *args, **kw):
    count = real(conn, *args, **kw)
    pages.append(count)
    if len(pages) == 4:
        modes = [conn.execute(f"PRAGMA {name}").fetchone()[0] for name in ("journal_mode", "synchronous")]
        Path(mark).write_text(" ".join(str(m) for m in modes))
        time.sleep(600)
    return count
pull.apply_sqlite_page = apply
login(make_engine(store), url, email, password, bulk=True)
"""


def _indexes(path: Path) -> set[str]:
    engine = make_engine(path)
    try:
        with engine.connect() as conn:
            return set(
                conn.exec_driver_sql(
                    "SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
                ).scalars()
            )
    finally:
        engine.dispose()


def test_a_first_pull_killed_mid_fill_without_fsyncs_is_completed_by_the_next_sync(
    program: Program, tmp_path: Path
) -> None:
    h = program.harness
    server = ProcessServer(h.url).start()
    path, mark = tmp_path / "desk.db", tmp_path / "mark"
    make_engine(path).dispose()  # migrated, empty
    args = [str(path), server.url, "admin@example.org", sync_helpers.PASSWORD, str(mark)]
    client = subprocess.Popen([sys.executable, "-c", CLIENT, *args])
    try:
        deadline = time.monotonic() + 2 * sync_helpers.START_CEILING  # start, then 4 pages
        while not mark.exists() or not mark.read_text():
            assert client.poll() is None, "the client ended before its fourth page"
            assert time.monotonic() < deadline, "the client never reached its fourth page"
            time.sleep(0.02)
        os.kill(client.pid, signal.SIGKILL)
        client.wait(10)
    finally:
        if client.poll() is None:
            client.kill()
        server.stop()
    assert mark.read_text() == "delete 0", "the fill ran with a rollback journal and no fsync"
    assert Path(f"{path}-journal").exists(), "killed inside a transaction: its journal is hot"

    store = make_engine(path)  # the next run: the hot journal rolls the last page back
    try:
        status = sync_status(store)
        assert not status.snapshot_done and status.snapshot_table is not None
        sync_once(store, client=h.client, bulk=True)
        assert sync_status(store).snapshot_done
        assert store_view(store) == server_view(h.engine, store, "admin@example.org")
        with store.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 1  # NORMAL again
    finally:
        store.dispose()
    assert _indexes(path) == _indexes(tmp_path / "never-synced.db"), "every index is back"
