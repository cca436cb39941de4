"""The WAL checkpoint of a big write, run beside the next request instead of inside the commit.

On SQLite, the connection that commits past ``wal_autocheckpoint`` pages copies the WAL into the
database before its ``COMMIT`` returns: for an xAPI batch of 500 statements, thousands of pages,
about a third of the batch's time, spent while the sender waits for the answer. A batch's
connection turns that off for itself (``deferred_checkpoint``) and asks this module to
checkpoint once the transaction is committed: a thread of the server's own runs
``wal_checkpoint(PASSIVE)`` on a connection of its own while the next batch is received and
checked, so the machine's second core does the copy.

Nothing durable depends on it: a committed transaction is in the WAL already, and a
checkpoint that is killed half-way is finished by the next one. The WAL stays bounded: every
deferred commit asks for a checkpoint, requests that come while one runs are folded into one
more run, and every other connection keeps SQLite's automatic checkpoint. The thread ends when
no request has come for a while and starts again with the next.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, Engine

IDLE_SECONDS = 5.0  # a thread with nothing to do for this long ends
BUSY_MS = 15_000


class _Checkpointer:
    def __init__(self, path: str) -> None:
        self.path = path
        self.wanted = threading.Event()
        self.lock = threading.Lock()
        self.thread: threading.Thread | None = None
        self.runs = 0  # checkpoints done, for tests

    def request(self) -> None:
        with self.lock:
            self.wanted.set()
            if self.thread is None or not self.thread.is_alive():
                self.thread = threading.Thread(
                    target=self._run, name="mentor-tui-checkpoint", daemon=True
                )
                self.thread.start()

    def _run(self) -> None:
        conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        try:
            conn.execute(f"PRAGMA busy_timeout={BUSY_MS}")
            while True:
                if not self.wanted.wait(IDLE_SECONDS):
                    with self.lock:
                        if not self.wanted.is_set():
                            self.thread = None
                            return
                self.wanted.clear()
                conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
                self.runs += 1
        finally:
            conn.close()


_BY_PATH: dict[str, _Checkpointer] = {}
_BY_PATH_LOCK = threading.Lock()


def checkpointer(engine: Engine) -> _Checkpointer | None:
    """The background checkpoint of a file SQLite ``engine``; None for any other database."""
    path = engine.url.database
    if engine.dialect.name != "sqlite" or not path or path == ":memory:":
        return None
    with _BY_PATH_LOCK:
        found = _BY_PATH.get(path)
        if found is None:
            found = _BY_PATH[path] = _Checkpointer(path)
        return found


@contextmanager
def deferred_checkpoint(engine: Engine, conn: Connection) -> Iterator[None]:
    """Within: ``conn``'s commits leave the WAL as it is. After: a checkpoint is asked of the
    background thread (only when the block ended without an error; a rolled back batch wrote
    nothing to copy)."""
    found = checkpointer(engine)
    if found is None:
        yield
        return
    raw = conn.connection.dbapi_connection
    assert raw is not None
    kept = int(raw.execute("PRAGMA wal_autocheckpoint").fetchone()[0])
    raw.execute("PRAGMA wal_autocheckpoint = 0")
    try:
        yield
    finally:
        raw.execute(f"PRAGMA wal_autocheckpoint = {kept}")
    found.request()
