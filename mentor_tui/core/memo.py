"""Costly figures kept until the store changes, shared by every connection of the process.

``memo(session, key, compute)`` returns ``compute()``, or the value it gave last time if no
one has committed to the store since. "Since" is told by a sentinel: one extra, idle SQLite
connection per store file whose ``PRAGMA data_version`` moves whenever any other connection,
of this process or another one, commits. The sentinel never reads a table nor writes, so its
own snapshot never matters. A value is kept under the file and the key, stamped with the
sentinel and its data_version read before computing: a commit during the computation leaves
an old stamp, so the next call computes again.

Why not per connection: the app reads through a pool of connections, and a screen whose job
lands on a connection that has not computed a figure yet would pay for it again (the program's
average completion takes a quarter of a second at 100,000 students).

While the session holds uncommitted writes, or on a database other than an SQLite file,
nothing is kept. Keys must name everything the value depends on besides the store's content.
Two threads asking for the same key at once compute it once: the second waits for the first
(a screen opened while the dashboard is still reading asks for the same program average).
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar, cast

from sqlmodel import Session

T = TypeVar("T")

KEPT_VALUES = 32
SENTINELS = 4  # store files watched at once; an evicted one is closed

_lock = threading.Lock()
_sentinels: OrderedDict[str, tuple[sqlite3.Connection, int, tuple[int, int]]] = OrderedDict()
_computing: dict[tuple[str, Hashable], list[Any]] = {}  # slot -> [its lock, askers]
_generation = 0  # numbers each sentinel opened, so a new one never matches an old stamp
_kept: OrderedDict[tuple[str, Hashable], tuple[tuple[int, int], Any]] = OrderedDict()


def _main_file(dbapi: sqlite3.Connection) -> str:
    for _seq, name, file in dbapi.execute("PRAGMA database_list"):
        if name == "main":
            return file or ""
    return ""


def _stamp(path: str) -> tuple[int, int]:
    """(which sentinel, its data_version): equal stamps mean no commit in between. A store
    file replaced by another (deleted and built again) gets a new sentinel."""
    global _generation
    try:
        stat = os.stat(path)
        identity = (stat.st_dev, stat.st_ino)
    except OSError:
        identity = (0, 0)
    with _lock:
        watched = _sentinels.get(path)
        if watched is not None and watched[2] != identity:
            watched[0].close()
            del _sentinels[path]
            watched = None
        if watched is None:
            _generation += 1
            conn = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
            watched = _sentinels[path] = (conn, _generation, identity)
            while len(_sentinels) > SENTINELS:
                _path, (old, _, _) = _sentinels.popitem(last=False)
                old.close()
        else:
            _sentinels.move_to_end(path)
        conn, generation, _ = watched
        return generation, int(conn.execute("PRAGMA data_version").fetchone()[0])


def memo(session: Session, key: Hashable, compute: Callable[[], T]) -> T:
    """``compute()``, or the value it gave last time if the store has not changed since."""
    session.flush()
    dbapi = session.connection().connection.driver_connection
    if not isinstance(dbapi, sqlite3.Connection) or dbapi.in_transaction:
        return compute()
    path = _main_file(dbapi)
    if not path:  # an in-memory or temporary database: nothing to watch
        return compute()
    slot = (path, key)
    with _lock:  # one computation of a slot at a time: a second asker waits for its value
        entry = _computing.setdefault(slot, [threading.Lock(), 0])
        entry[1] += 1
    try:
        with entry[0]:
            stamp = _stamp(path)
            with _lock:
                hit = _kept.get(slot)
            if hit is not None and hit[0] == stamp:
                return cast(T, hit[1])  # kept under this key, from a compute() of this key
            value = compute()
            with _lock:
                _kept[slot] = (stamp, value)
                _kept.move_to_end(slot)
                while len(_kept) > KEPT_VALUES:
                    _kept.popitem(last=False)
            return value
    finally:
        with _lock:
            entry[1] -= 1
            if entry[1] == 0:
                del _computing[slot]


def session_stamp(session: Session) -> tuple[str, tuple[int, int]] | None:
    """The session's store file and its stamp now, for ``changed_since``; None on a database
    not watched (not an SQLite file)."""
    dbapi = session.connection().connection.driver_connection
    path = _main_file(dbapi) if isinstance(dbapi, sqlite3.Connection) else ""
    return (path, _stamp(path)) if path else None


def changed_since(stamped: tuple[str, tuple[int, int]] | None) -> bool:
    """Whether anyone has committed to the store since ``session_stamp`` gave ``stamped``
    (one PRAGMA on an idle connection: cheap enough for the UI thread)."""
    return stamped is None or _stamp(stamped[0]) != stamped[1]


def forget() -> None:
    """Drop every kept value and close the sentinels (tests, and a process about to fork)."""
    with _lock:
        _kept.clear()
        while _sentinels:
            _path, (conn, _, _) = _sentinels.popitem()
            conn.close()
