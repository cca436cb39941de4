"""What the running app holds: the store, the config and who is signed in. No textual here."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from sqlalchemy import Engine, func, select
from sqlmodel import Session

from mentor_tui.config import Config
from mentor_tui.core.access import Actor
from mentor_tui.db.engine import session_scope
from mentor_tui.db.models import JournalEntry

T = TypeVar("T")


@dataclass
class Services:
    engine: Engine
    db_path: Path
    config: Config
    actor: Actor | None = None

    def run(self, job: Callable[[Session], T]) -> T:
        """Run ``job`` in one transaction (commit on success, roll back on error)."""
        with session_scope(self.engine) as session:
            return job(session)

    def pending_changes(self) -> int:
        """Local writes not yet pushed to a server (the change journal's outbox)."""
        with session_scope(self.engine) as session:
            query = select(func.count()).select_from(JournalEntry).where(
                JournalEntry.pushed_at.is_(None)
            )
            return int(session.execute(query).scalar_one())
