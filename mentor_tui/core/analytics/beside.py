"""Figures read on a second connection while the caller's session reads others.

The program report and the per-mentor table are several independent grouped queries; SQLite
lets go of the GIL while it steps a query, so two connections in two threads use two cores
and the figures are ready sooner (the time to ready, not the work, is what the user waits
for). ``beside(session, read)`` starts ``read`` on a session of its own in a thread and gives
a handle whose ``result()`` waits for it; where a second connection would not see what
``session`` sees, ``read`` runs on ``session`` itself when asked for, and the figures are the
same either way:

- the store is not a file (an in-memory database is a different one on each connection), or
  not SQLite;
- ``session`` has written in its open transaction (another connection does not see that yet).

Each connection reads its own snapshot of the store; two snapshots differ only when a sync
writes between the two starting, as two reports made a moment apart would.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from typing import Generic, TypeVar

from sqlalchemy import Engine
from sqlmodel import Session

T = TypeVar("T")


class Beside(Generic[T]):
    """The result of a read started beside the caller's work (or run on request)."""

    def __init__(self, session: Session, read: Callable[[Session], T], future: Future[T] | None):
        self._session = session
        self._read = read
        self._future = future
        self._ran: list[T] = []  # the read's result once it ran on ``session`` (read once)

    def result(self) -> T:
        if self._future is not None:
            return self._future.result()
        if not self._ran:
            self._ran.append(self._read(self._session))
        return self._ran[0]


def second_engine(session: Session) -> Engine | None:
    """The engine to open a second connection on, or None where it would not see what
    ``session`` sees (see the module's docstring)."""
    bind = session.get_bind()
    if not isinstance(bind, Engine) or bind.dialect.name != "sqlite":
        return None
    database = bind.url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    raw = session.connection().connection.driver_connection
    if not isinstance(raw, sqlite3.Connection) or raw.in_transaction:
        return None  # a write of this session's is not committed: only it sees the write
    return bind


def _on_own_session(engine: Engine, read: Callable[[Session], T]) -> T:
    with Session(engine) as own:
        try:
            return read(own)
        finally:
            own.rollback()  # read only: nothing to keep


@contextmanager
def beside(session: Session, read: Callable[[Session], T]) -> Iterator[Beside[T]]:
    """``read`` started on a second connection in a thread (or left to run on ``session``
    when its result is asked for); on the way out the thread is waited for, so no read
    outlives the caller's."""
    engine = second_engine(session)
    if engine is None:
        yield Beside(session, read, None)
        return
    with ThreadPoolExecutor(1, thread_name_prefix="analytics-beside") as pool:
        yield Beside(session, read, pool.submit(_on_own_session, engine, read))


__all__ = ["Beside", "beside", "second_engine"]
