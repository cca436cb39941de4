"""Which mentor-tui database a pass writes: a local store (the default) or, given by the
caller, a sync server's database (``server/lms_store.py``).

A ``Store`` opens the pass's transactions (``scope``), names its bookkeeping tables
(``prefix``), and keeps a conflict: a local store in its conflicts centre (``sync_conflicts``),
a server for its admins. The writes themselves go through ``core/writes.py``, which records
them where the store's scope said (``writes.use_change_log``).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Any, Protocol

from sqlalchemy import text
from sqlmodel import Session

from mentor_tui.core import clock
from mentor_tui.db.engine import session_scope
from mentor_tui.db.models import Synced
from mentor_tui.db.sync_models import SyncConflict

PREFIX_KEY = "mentor_tui.lms_prefix"
CACHE_KIB = -65536  # SQLite's cache_size: a negative number is KiB (64 MiB)
CONFLICT_MESSAGE = (
    "Changed in the learning platform while it was changed here; the platform's version is "
    "kept and yours is here."
)


class Store(Protocol):
    engine: Any
    prefix: str  # of the bookkeeping tables: "" (lms_rows) or "server_" (server_lms_rows)

    def scope(self) -> AbstractContextManager[Session]:
        """One transaction: commits on success, rolls back on any error."""

    def conflict(
        self, session: Session, entity: str, row: Synced, kind: str, fields: dict[str, Any]
    ) -> None:
        """Keep what was changed here and lost to the platform (``fields``: field ->
        {"mine", "theirs"} in the sync protocol's forms)."""


class LocalStore:
    """A mentor-tui store (SQLite): changes in its journal, conflicts in its centre."""

    prefix = ""

    def __init__(self, engine: Any) -> None:
        self.engine = engine

    @contextmanager
    def scope(self) -> Iterator[Session]:
        with session_scope(self.engine) as session:
            session.info[PREFIX_KEY] = self.prefix
            # rows of one table may name each other (a student before their mentor)
            session.execute(text("PRAGMA defer_foreign_keys = ON"))
            # a table taken in writes its rows, their journal entries and their links across
            # the store's indexes: a page cache that holds them (the connection's own is
            # given back after)
            raw = session.connection().connection.dbapi_connection
            assert raw is not None
            kept = int(raw.execute("PRAGMA cache_size").fetchone()[0])
            raw.execute(f"PRAGMA cache_size = {CACHE_KIB}")
            try:
                yield session
            finally:  # on the driver's connection: whatever the session's state
                raw.execute(f"PRAGMA cache_size = {kept}")

    def conflict(
        self, session: Session, entity: str, row: Synced, kind: str, fields: dict[str, Any]
    ) -> None:
        session.add(
            SyncConflict(
                entity=entity,
                entity_id=row.id,
                kind=kind,
                fields={"fields": fields, "theirs_deleted": False, "mine_deleted": False},
                message=CONFLICT_MESSAGE,
                created_at=clock.now(),
            )
        )


def store_of(target: Any) -> Store:
    """A ``Store`` as given, or a local store's engine wrapped as one."""
    return target if hasattr(target, "scope") else LocalStore(target)


def table(session: Session, name: str) -> str:
    """A bookkeeping table's name in the session's store (``lms_rows``, ``lms_cursors``)."""
    return str(session.info.get(PREFIX_KEY, "")) + name
