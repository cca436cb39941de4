"""What the running app holds: the store, the config and who is signed in. No textual here.

The store may be opened late: ``Services(None, path, ...)`` opens it (engine, migrations) on
first use, from whichever worker needs it first, so that the app paints its first frame before
SQLAlchemy is even imported. When that first frame was painted from a read-only peek at the
store (``core/sign_in_peek.py``), opening it also makes the real sign-in, which remembers the
user as the last one signed in.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlmodel import Session

    from mentor_tui.config import Config
    from mentor_tui.core.actor import Actor

T = TypeVar("T")


class Services:
    def __init__(
        self,
        engine: Engine | None,
        db_path: Path,
        config: Config,
        actor: Actor | None = None,
        # the app's reminder loop (app_reminders); on when `mentor-tui` opens the app, off for
        # tests and benchmarks unless they are about reminders
        reminders: bool = False,
        *,
        sign_in_on_open: bool = False,
        file_config: Config | None = None,
    ) -> None:
        self._engine = engine
        self._owns_engine = engine is None
        self.db_path = db_path
        self.config = config
        # this machine's config file alone; the program's synced settings go over it
        self.file_config = file_config if file_config is not None else config
        self.actor = actor
        self.reminders = reminders
        self._sign_in_on_open = sign_in_on_open
        self._opening = threading.Lock()

    @property
    def engine(self) -> Engine:
        """The store's engine, opened (and the sign-in confirmed) on first use."""
        if self._engine is None:
            with self._opening:
                if self._engine is None:
                    self._engine = self._open()
        return self._engine

    @property
    def is_open(self) -> bool:
        return self._engine is not None

    def _open(self) -> Engine:
        from mentor_tui.db.engine import make_engine, session_scope

        engine = make_engine(self.db_path)
        if self._sign_in_on_open and self.actor is not None:
            from mentor_tui.core.people.settings import sign_in

            try:
                with session_scope(engine) as session:
                    self.actor = sign_in(session, self.actor.email)
            except BaseException:
                engine.dispose()
                raise
        from mentor_tui.core.people.risk_keys import count_if_due

        try:  # a store with students and no kept at-risk scores (the upgrade to 0023): counted
            with session_scope(engine) as session:
                count_if_due(session, self.config)
        except BaseException:
            engine.dispose()
            raise
        return engine

    def run(self, job: Callable[[Session], T]) -> T:
        """Run ``job`` in one transaction (commit on success, roll back on error)."""
        from mentor_tui.db.engine import session_scope

        with session_scope(self.engine) as session:
            return job(session)

    def refresh_program_settings(self) -> list[tuple[str, Any, Any]]:
        """Read the program's settings again (after a pull brought rows in) and use them from
        now on; the (key, old, new) of each program key that changed (none: nothing to do).
        Called from a worker thread; the swap of ``config`` is one assignment."""
        from mentor_tui.config import with_settings
        from mentor_tui.core.people.program_settings import changed_settings, program_values

        fresh = with_settings(self.file_config, self.run(program_values))
        changes = changed_settings(self.config, fresh)
        if changes:
            self.config = fresh
        return changes

    def pending_changes(self) -> int:
        """Local writes not yet pushed to a server (the change journal's outbox)."""
        from sqlalchemy import func, select

        from mentor_tui.db.models import JournalEntry

        def count(session: Session) -> int:
            query = (
                select(func.count())
                .select_from(JournalEntry)
                .where(JournalEntry.pushed_at.is_(None))
            )
            return int(session.execute(query).scalar_one())

        return self.run(count)

    def close(self) -> None:
        """Dispose of the engine if this object opened it (the caller owns one it passed in)."""
        if self._engine is not None and self._owns_engine:
            self._engine.dispose()
