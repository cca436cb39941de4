"""The learning platform bridge on a sync server's database (`mentor-tui lms sync --database`,
`mentor-tui serve --lms`): every row the pass writes is recorded in the server's change log,
as a pushed change is, so every client whose account may read it pulls it as usual.

``ServerStore`` is the bridge's ``Store`` (``lms/store.py``) for a server's database: each
transaction is a server write transaction (SQLite: ``BEGIN IMMEDIATE``), whose changes
``ServerLog`` (the core's ``ChangeLog``, installed with ``writes.use_change_log``) records in a
``LogWriter`` and stamps with positions as its last step. Field versions carry the origin
``server/lms``. A change that moves a row between audiences (a student given another mentor)
is revoked for everyone and sent again to whoever may read it, with what hangs off it.

A change made through the server (a mentor's pushed decision) that loses to the platform is kept
in ``server_lms_conflicts`` and told to the admins and the row's mentor as a notification
("lms_conflict"), with the value that was lost.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, insert, select, text
from sqlmodel import Session

from mentor_tui.core import clock, writes
from mentor_tui.core.notifications.notify import notify
from mentor_tui.db.models import Synced, User, new_id
from mentor_tui.lms.store import CONFLICT_MESSAGE, PREFIX_KEY
from mentor_tui.server.log import LogWriter
from mentor_tui.server.push_audience import resend_dependents
from mentor_tui.server.schema import is_postgres, lms_conflicts, write_options
from mentor_tui.sync.protocol import table_specs
from mentor_tui.sync.scopes import scope_columns

ORIGIN = "server/lms"
LOST_VALUE_CHARS = 300


class ServerLog:
    """One server write transaction's changes, for the change log (``writes.ChangeLog``)."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.log: LogWriter | None = None
        self.moved: list[tuple[str, dict[str, Any], dict[str, Any]]] = []
        self.new_mentors: set[str] = set()
        self.new_attendees: list[dict[str, Any]] = []

    def _log(self) -> LogWriter:
        if self.log is None:
            self.log = LogWriter(self.session.connection())
        return self.log

    def record(
        self,
        session: Session,
        actor_id: str | None,
        row: Synced,
        op: str,
        base_version: int,
        fields: dict[str, Any],
        overrides: list[str] | None,
        previous: dict[str, Any],
    ) -> None:
        entity = row.__tablename__
        specs = table_specs()
        if entity not in specs:
            return
        log = self._log()
        if op == "insert":
            self._created(log, entity, fields)
        elif op == "delete":
            log.changed(entity, row.id, ["deleted_at"], base_version + 1, ORIGIN)
        else:
            log.changed(entity, row.id, fields, base_version + 1, ORIGIN)
            if set(fields) & scope_columns(entity):
                after = {c: getattr(row, c) for c in specs[entity].columns}
                self.moved.append((entity, after | previous, after))

    def record_many(
        self, session: Session, actor_id: str | None, table: Any, rows: list[dict[str, Any]]
    ) -> None:
        if table.name not in table_specs():
            return
        log = self._log()
        for row in rows:
            self._created(log, table.name, row)

    def _created(self, log: LogWriter, entity: str, fields: dict[str, Any]) -> None:
        """A new row (``insert`` or ``insert_many``), with all of its fields: each at version 1,
        and what its audience needs with it."""
        log.created(entity, fields["id"], [f for f in fields if f != "id"], ORIGIN)
        if entity == "users" and fields.get("mentor_id"):
            self.new_mentors.add(fields["mentor_id"])  # their profile reaches the student
        elif entity == "session_attendees":
            self.new_attendees.append(fields)  # the session reaches the student

    def finish(self) -> None:
        """Stamp positions: the last step of the transaction (after the session's flush)."""
        if self.log is None:
            return
        conn, log, specs = self.session.connection(), self.log, table_specs()
        for mentor in sorted(self.new_mentors):
            resend_dependents(conn, log, specs["users"], None, {"id": None, "mentor_id": mentor})
        for attendee in self.new_attendees:
            resend_dependents(conn, log, specs["session_attendees"], None, attendee)
        for entity, before, after in self.moved:
            # everyone re-checks; whoever may still (or now) read it gets it again
            log.revoke(None, entity, after["id"])
            log.touch(entity, after["id"])
            resend_dependents(conn, log, specs[entity], before, after)
        log.finish()


class ServerStore:
    """A sync server's database (SQLite or PostgreSQL) as the bridge's ``Store``."""

    prefix = "server_"

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @contextmanager
    def scope(self) -> Iterator[Session]:
        with self.engine.connect().execution_options(**write_options(self.engine)) as conn:
            session = Session(bind=conn, expire_on_commit=False)
            session.info[PREFIX_KEY] = self.prefix
            log = ServerLog(session)
            writes.use_change_log(session, log)
            try:
                if not is_postgres(self.engine):
                    session.execute(text("PRAGMA defer_foreign_keys = ON"))
                yield session
                session.flush()
                log.finish()
                session.commit()
            except BaseException:
                session.rollback()
                raise
            finally:
                session.close()

    def conflict(
        self, session: Session, entity: str, row: Synced, kind: str, fields: dict[str, Any]
    ) -> None:
        session.execute(
            insert(lms_conflicts).values(
                id=new_id(),
                entity=entity,
                entity_id=row.id,
                kind=kind,
                fields=fields,
                message=CONFLICT_MESSAGE,
                created_at=clock.now(),
            )
        )
        lost = "; ".join(
            f"{name}: {_short(value['mine'])}" for name, value in sorted(fields.items())
        )
        readers = set(
            session.execute(
                select(User.id).where(
                    User.role == "admin", User.status == "Active", User.deleted_at.is_(None)
                )
            ).scalars()
        )
        readers |= {m for m in _mentors(session, entity, row) if m}
        for user_id in sorted(readers):
            notify(
                session,
                None,
                user_id=user_id,
                type="lms_conflict",
                title="Learning platform conflict",
                message=f"A {entity.replace('_', ' ')} row was changed in the learning platform "
                f"while it was changed in mentor-tui; the platform's version is kept. The "
                f"mentor-tui version was {lost}.",
                data={"entity": entity, "entity_id": row.id, "fields": fields},
            )


def _short(value: Any) -> str:
    shown = value if isinstance(value, str) else json.dumps(value, default=str)
    return shown if len(shown) <= LOST_VALUE_CHARS else shown[: LOST_VALUE_CHARS - 1] + "…"


def _mentors(session: Session, entity: str, row: Any) -> list[str | None]:
    """The mentor a conflict on ``row`` concerns (the reviewer, the student's mentor)."""
    if entity == "submissions":
        student = session.get(User, row.student_id)
        return [row.reviewer_id, student.mentor_id if student is not None else None]
    if entity == "users":
        return [row.mentor_id]
    return [getattr(row, "mentor_id", None)]
