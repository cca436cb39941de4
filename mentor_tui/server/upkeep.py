"""The server's upkeep (issue 18): mentors' absences start and end on their days in a program
with a server even when no admin opens anything. `mentor-tui serve` runs it at start and every
``UPKEEP_SECONDS``.

How, with the one write path a server has for domain rows (a push): in a transaction that is
always rolled back, the core's ``run_due`` runs on the server's database as the program's first
active admin (oldest account, as the learning platform bridge acts), its writes journaled into
a temporary ``change_journal`` (the server keeps none); the journaled changes are then pushed
through the server's own ``push`` as that admin from the client id ``server-upkeep``, so they
get what any admin's push gets: the checks, the field-by-field merge, the audit entries, the
new audiences and revocations (a student's old mentor loses the student, the substitute gets
them) and positions in the change log every client pulls. On PostgreSQL a session advisory
lock keeps two server processes from doing it at once (the second skips its turn).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, select, text
from sqlalchemy.schema import CreateTable
from sqlmodel import Session

from mentor_tui.config import Config
from mentor_tui.core.access import Actor
from mentor_tui.core.matching.substitution import any_open_absence, run_due
from mentor_tui.core.people.program_settings import program_config
from mentor_tui.db.models import JournalEntry, User
from mentor_tui.server.push import push
from mentor_tui.server.schema import is_postgres

UPKEEP_CLIENT = "server-upkeep"
UPKEEP_SECONDS = 600.0
_LOCK_KEY = 0x6D656E746F72  # pg_try_advisory_lock key of the upkeep ("mentor")


def _temporary_journal(engine: Engine) -> str:
    ddl = str(CreateTable(JournalEntry.__table__).compile(dialect=engine.dialect))  # type: ignore[arg-type]
    return re.sub(r"^\s*CREATE TABLE", "CREATE TEMPORARY TABLE", ddl, count=1)


def upkeep_actor(session: Session) -> Actor | None:
    """The program's first active admin (oldest account, then id), whom the upkeep acts as."""
    admin = session.execute(
        select(User)
        .where(User.role == "admin", User.status == "Active", User.deleted_at.is_(None))
        .order_by(User.created_at, User.id)
        .limit(1)
    ).scalar_one_or_none()
    return None if admin is None else Actor.of(admin)


def due_changes(
    engine: Engine, config: Config, now: datetime | None = None
) -> tuple[Actor | None, list[dict[str, Any]]]:
    """What starting and ending the due absences would change, as pushed changes (nothing is
    written: the transaction is rolled back), and the admin they are made as."""
    with Session(engine) as session:
        try:
            if not any_open_absence(session):
                return None, []
            actor = upkeep_actor(session)
            if actor is None:
                return None, []
            session.connection().exec_driver_sql(_temporary_journal(engine))
            run_due(session, actor, config=program_config(session, config), now=now)
            session.flush()
            journal = session.execute(select(JournalEntry).order_by(JournalEntry.seq)).scalars()
            entries = [
                (j.change_id, j.entity, j.entity_id, j.op, j.base_version, dict(j.fields),
                 list(j.overrides or ()))
                for j in journal
            ]  # fmt: skip
        finally:
            session.rollback()
    # a row changed more than once: every change carries the version its chain started from
    first_base: dict[tuple[str, str], int] = {}
    for _id, entity, entity_id, _op, base, _fields, _overrides in entries:
        first_base.setdefault((entity, entity_id), base)
    changes = []
    for change_id, entity, entity_id, op, _base, fields, overrides in entries:
        change: dict[str, Any] = {
            "change_id": change_id,
            "entity": entity,
            "entity_id": entity_id,
            "op": op,
            "base_version": first_base[(entity, entity_id)],
            "fields": fields,
        }
        if overrides:
            change["overrides"] = overrides
        changes.append(change)
    return actor, changes


def run_upkeep(engine: Engine, config: Config | None = None, now: datetime | None = None) -> int:
    """Start and end the absences due at ``now``; the number of changes pushed (0: nothing
    was due, or another server process is doing it)."""
    config = config or Config()
    if not is_postgres(engine):
        return _run(engine, config, now)
    with engine.connect() as lock:
        if not lock.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": _LOCK_KEY}).scalar():
            return 0
        try:
            return _run(engine, config, now)
        finally:
            lock.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": _LOCK_KEY})
            lock.commit()


def _run(engine: Engine, config: Config, now: datetime | None) -> int:
    actor, changes = due_changes(engine, config, now)
    if actor is None or not changes:
        return 0
    push(engine, actor, UPKEEP_CLIENT, changes)
    return len(changes)


class UpkeepLoop:
    """``run_upkeep`` at once and then every ``interval`` seconds, in a daemon thread; an error
    is reported through ``report`` and the loop goes on."""

    def __init__(
        self,
        engine: Engine,
        config: Config,
        report: Callable[[str], object],
        interval: float = UPKEEP_SECONDS,
    ) -> None:
        self.engine = engine
        self.config = config
        self.report = report
        self.interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="upkeep", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                pushed = run_upkeep(self.engine, self.config)
                if pushed:
                    self.report(f"upkeep: mentor substitutions started or ended ({pushed} changes)")
            except Exception as exc:  # the database is away: try again next time
                self.report(f"upkeep failed: {type(exc).__name__}: {exc}")
            self._stop.wait(self.interval)


__all__ = ["UPKEEP_CLIENT", "UpkeepLoop", "due_changes", "run_upkeep", "upkeep_actor"]
