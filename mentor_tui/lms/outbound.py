"""The pass out: what was decided or written in mentor-tui goes to the platform's tables.

- review decisions (status, feedback, reviewer, decided time) to ``submissions``, with a
  "feedback available" notification to the student;
- assignments to ``users.mentor_id``, with a "new student" notification to the mentor;
- notes and sessions: changed ones updated, new ones (between platform users) inserted under
  mentor-tui's id.

Each row is one platform transaction (the row locked, checked unchanged since the pass in read
it, written with its notification) and then one local transaction (its bookkeeping). A pass
stopped between the two finds the platform already holding the same values next time: the pass
in then records them without a conflict, and the notification's id (derived from the decision)
keeps it from being sent twice.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from sqlalchemy import select, text

from mentor_tui.db.models import Assignment, SessionAttendee
from mentor_tui.lms import bookkeeping as book
from mentor_tui.lms.bookkeeping import STUDENT, Link, norm
from mentor_tui.lms.inbound import NAMESPACE
from mentor_tui.lms.mapping import BY_TABLE, NOTIFICATIONS, Entity, Ids, digest
from mentor_tui.lms.platform import Tables
from mentor_tui.lms.stats import PassStats
from mentor_tui.lms.store import Store
from mentor_tui.lms.store import table as named

USER_FIELDS = {"mentor_id", "reviewer_id"}


class _Out:
    def __init__(self, pg: Any, store: Store, tables: Tables, stats: PassStats, ids: Ids) -> None:
        self.pg, self.store, self.tables, self.stats, self.ids = pg, store, tables, stats, ids
        self.known: dict[str, bool] = {}

    def user(self, session: Any, local_id: str | None) -> str | None:
        """The platform's id of a local user, None for a user the platform does not have."""
        if local_id is None:
            return None
        if local_id not in self.known:
            self.known[local_id] = (
                session.execute(
                    text(
                        f"SELECT 1 FROM {named(session, 'lms_rows')} WHERE entity = 'users' "
                        "AND local_id = :l AND local_id != ''"
                    ),
                    {"l": local_id},
                ).first()
                is not None
            )
        return self.ids.to_platform(local_id) if self.known[local_id] else None

    def value(self, session: Any, name: str, value: Any) -> Any:
        return self.user(session, value) if name in USER_FIELDS else value

    # -- rows taken in before and changed here since ------------------------------------------

    def changed(self, entity: Entity) -> None:
        table = entity.model.__tablename__
        with self.store.scope() as session:
            # a row never changed here is at version 1: only the others are looked up (CROSS
            # JOIN keeps SQLite to that order)
            found = session.execute(
                text(
                    f"SELECT l.platform_id FROM {table} t CROSS JOIN {named(session, 'lms_rows')} l "
                    "WHERE t.version > 1 AND t.deleted_at IS NULL AND l.entity = :e "
                    "AND l.local_id = t.id AND t.version > l.local_version"
                ),
                {"e": entity.table},
            ).all()
        for (pid,) in found:
            with self.store.scope() as session:
                self._send(session, entity, pid)

    def _send(self, session: Any, entity: Entity, pid: str) -> None:
        link = book.links_of(session, entity.table, pid)
        row = session.get(entity.model, link.local_id) if link else None
        if link is None or row is None or link.base is None:
            return
        changes = {
            f: getattr(row, f) for f in entity.out if norm(getattr(row, f)) != link.base.get(f)
        }
        if not changes:
            book.save_link(
                session, entity.table, pid, Link(row.id, link.digest, row.version, link.base)
            )
            return
        name = self.tables.table(entity.table)
        id_column = self.tables.column(entity.table, "id")
        select_list = self.tables.select_list(entity)
        pg = self.pg
        try:
            current = pg.execute(
                f"SELECT {select_list} FROM {name} WHERE {id_column} = %s FOR UPDATE", (pid,)
            ).fetchone()
            if current is None or digest(current) != link.digest:
                pg.rollback()  # changed or deleted there meanwhile: the next pass in decides
                return
            sets = [f"{self.tables.column(entity.table, entity.out[f])} = %s" for f in changes]
            params = [self.value(session, f, v) for f, v in changes.items()]
            if entity.cursor:
                sets.append(f"{self.tables.column(entity.table, 'updated_at')} = now()")
            new = pg.execute(
                f"UPDATE {name} SET {', '.join(sets)} WHERE {id_column} = %s RETURNING {select_list}",
                (*params, pid),
            ).fetchone()
            self._notify_change(session, entity, row, pid, changes)
            pg.commit()
        except BaseException:
            pg.rollback()
            raise
        self.stats.sent(entity.table)
        base = dict(link.base) | {f: norm(v) for f, v in changes.items()}
        book.save_link(session, entity.table, pid, Link(row.id, digest(new), row.version, base))

    # -- notifications in the platform's own table --------------------------------------------

    def _notification(self, key: str, user: str | None, kind: str, title: str, message: str,
                      metadata: dict[str, Any]) -> None:  # fmt: skip
        if user is None:
            return
        t = self.tables
        columns = ["id", "user_id", "type", "title", "message"]
        values: list[Any] = [str(uuid.uuid5(NAMESPACE, key)), user, kind, title, message]
        if t.has(NOTIFICATIONS, "metadata"):
            columns.append("metadata")
            values.append(json.dumps(metadata))
        names = ", ".join(t.column(NOTIFICATIONS, c) for c in columns)
        marks = ", ".join("%s::jsonb" if c == "metadata" else "%s" for c in columns)
        self.pg.execute(
            f"INSERT INTO {t.table(NOTIFICATIONS)} ({names}) VALUES ({marks}) ON CONFLICT DO NOTHING",
            values,
        )
        self.stats.sent(NOTIFICATIONS)

    def _notify_change(self, session: Any, entity: Entity, row: Any, pid: str,
                       changes: dict[str, Any]) -> None:  # fmt: skip
        if entity.table == "submissions" and "status" in changes and row.status != "pending":
            assignment = session.get(Assignment, row.assignment_id)
            title = assignment.title if assignment is not None else "your assignment"
            words = row.status.replace("_", " ")
            self._notification(
                f"feedback:{pid}:{norm(row.reviewed_at)}:{row.status}",
                self.user(session, row.student_id),
                "feedback_available",
                "Feedback available",
                f"Your submission for {title} was reviewed: {words}.",
                {
                    "submission_id": pid,
                    "status": row.status,
                    "reviewer_id": self.user(session, row.reviewer_id),
                },
            )
        if entity.table == "users" and "mentor_id" in changes and row.mentor_id is not None:
            self._notification(
                f"new_student:{pid}:{row.mentor_id}:{row.version}",
                self.user(session, row.mentor_id),
                "new_student",
                "New student",
                f"{row.full_name} is now your student.",
                {"student_id": pid},
            )

    # -- rows made here -----------------------------------------------------------------------

    def made_here(self, entity: Entity) -> None:
        table = entity.model.__tablename__
        with self.store.scope() as session:
            found = [
                r[0]
                for r in session.execute(
                    text(
                        f"SELECT t.id FROM {table} t WHERE t.deleted_at IS NULL AND NOT EXISTS "
                        f"(SELECT 1 FROM {named(session, 'lms_rows')} l "
                        "WHERE l.entity = :e AND l.local_id = t.id)"
                    ),
                    {"e": entity.table},
                )
            ]
        for local_id in found:
            with self.store.scope() as session:
                self._insert(session, entity, local_id)

    def _insert(self, session: Any, entity: Entity, local_id: str) -> None:
        row = session.get(entity.model, local_id)
        if row is None:
            return
        mentor = self.user(session, row.mentor_id)
        if entity.table == "mentorship_notes":
            student = self.user(session, row.student_id)
            if mentor is None or student is None:
                return  # a note about someone the platform does not have stays here
            values = {"id": row.id, "mentor_id": mentor, "student_id": student, "note": row.note,
                      "added_at": row.added_at}  # fmt: skip
        else:
            attendee = session.execute(
                select(SessionAttendee)
                .where(SessionAttendee.session_id == row.id, SessionAttendee.deleted_at.is_(None))
                .order_by(SessionAttendee.created_at, SessionAttendee.id)
                .limit(1)
            ).scalar_one_or_none()
            student = self.user(session, attendee.student_id) if attendee is not None else None
            if mentor is None or (attendee is not None and student is None):
                return
            values = {"id": row.id, "mentor_id": mentor, "student_id": student,
                      "scheduled_time": row.starts_at, "duration_minutes": row.duration_minutes,
                      "meeting_url": row.meeting_link, "status": row.status}  # fmt: skip
        base = {f: norm(getattr(row, f)) for f in entity.out}
        if entity.table == "mentorship_sessions":
            base[STUDENT] = attendee.student_id if attendee is not None else None
        self._write_new(session, entity, row, row.id, values, base)

    def _write_new(self, session: Any, entity: Entity, row: Any, platform_id: str,
                   values: dict[str, Any], base: dict[str, Any]) -> None:  # fmt: skip
        """Insert a platform row for ``row`` (under ``platform_id``) and link it."""
        t = self.tables
        values = {c: v for c, v in values.items() if t.has(entity.table, c)}
        names = ", ".join(t.column(entity.table, c) for c in values)
        marks = ", ".join("%s" for _ in values)
        name, select_list = t.table(entity.table), t.select_list(entity)
        id_column = t.column(entity.table, "id")
        try:
            self.pg.execute(
                f"INSERT INTO {name} ({names}) VALUES ({marks}) ON CONFLICT DO NOTHING",
                list(values.values()),
            )
            new = self.pg.execute(
                f"SELECT {select_list} FROM {name} WHERE {id_column} = %s", (platform_id,)
            ).fetchone()
            self.pg.commit()
        except BaseException:
            self.pg.rollback()
            raise
        self.stats.sent(entity.table)
        link = Link(row.id, digest(new), row.version, base)
        book.save_link(session, entity.table, platform_id, link)

    # -- a group session: one platform row per student ------------------------------------------

    def group_sessions(self) -> None:
        """A session's students beyond the first each get a platform row of their own (the
        platform's sessions have one ``student_id``); a student no longer attending loses
        theirs. The first student's row is the session's own (its id)."""
        entity = BY_TABLE["mentorship_sessions"]
        with self.store.scope() as session:
            rows = named(session, "lms_rows")
            links: dict[str, dict[str, str | None]] = {}  # session -> platform id -> student
            attending: dict[str, list[str]] = {}
            for session_id, student in session.execute(
                text(
                    "SELECT a.session_id, a.student_id FROM session_attendees a JOIN "
                    f"{rows} l ON l.entity = :e AND l.platform_id = a.session_id "
                    "AND l.local_id = a.session_id WHERE a.deleted_at IS NULL "
                    "ORDER BY a.session_id, a.created_at, a.id"
                ),
                {"e": entity.table},
            ):
                attending.setdefault(session_id, []).append(student)
            for pid, local_id, base in session.execute(
                text(
                    f"SELECT l.platform_id, l.local_id, l.base FROM {rows} l JOIN "
                    "mentorship_sessions t ON t.id = l.local_id WHERE l.entity = :e "
                    "AND t.deleted_at IS NULL"
                ),
                {"e": entity.table},
            ):
                fields = json.loads(base) if base else {}
                # a link from before group sessions went out: the first student's row
                first = attending.get(local_id, [None])[0] if pid == local_id else None
                links.setdefault(local_id, {})[pid] = fields.get(STUDENT, first)
        for session_id, linked in links.items():
            students = set(attending.get(session_id, []))
            have = {student for student in linked.values() if student}
            for student in sorted(students - have):
                with self.store.scope() as session:
                    self._add_student(session, entity, session_id, student)
            for pid, student in linked.items():
                if pid != session_id and student not in students:
                    with self.store.scope() as session:
                        self._delete(session, entity, pid, check=False)

    def _add_student(self, session: Any, entity: Entity, session_id: str, student: str) -> None:
        row = session.get(entity.model, session_id)
        if row is None:
            return
        mentor, pupil = self.user(session, row.mentor_id), self.user(session, student)
        if mentor is None or pupil is None:
            return
        platform_id = group_row_id(session_id, student)
        values = {"id": platform_id, "mentor_id": mentor, "student_id": pupil,
                  "scheduled_time": row.starts_at, "duration_minutes": row.duration_minutes,
                  "meeting_url": row.meeting_link, "status": row.status}  # fmt: skip
        base = {f: norm(getattr(row, f)) for f in entity.out} | {STUDENT: student}
        self._write_new(session, entity, row, platform_id, values, base)

    # -- rows deleted here ----------------------------------------------------------------------

    def deleted_here(self, entity: Entity) -> None:
        """Notes and sessions deleted here (tombstones) are deleted in the platform, each of a
        session's rows. One the platform changed since the last pass in waits: the pass in
        takes the platform's values first, and the delete goes out on the pass after."""
        table = entity.model.__tablename__
        with self.store.scope() as session:
            found = session.execute(
                text(
                    f"SELECT l.platform_id FROM {named(session, 'lms_rows')} l JOIN {table} t "
                    "ON t.id = l.local_id WHERE l.entity = :e AND t.deleted_at IS NOT NULL"
                ),
                {"e": entity.table},
            ).all()
        for (pid,) in found:
            with self.store.scope() as session:
                self._delete(session, entity, pid, check=True)

    def _delete(self, session: Any, entity: Entity, pid: str, *, check: bool) -> None:
        link = book.links_of(session, entity.table, pid)
        if link is None:
            return
        name, select_list = self.tables.table(entity.table), self.tables.select_list(entity)
        id_column = self.tables.column(entity.table, "id")
        try:
            current = self.pg.execute(
                f"SELECT {select_list} FROM {name} WHERE {id_column} = %s FOR UPDATE", (pid,)
            ).fetchone()
            if current is not None and check and digest(current) != link.digest:
                self.pg.rollback()  # changed there meanwhile: the next pass in takes it first
                return
            if current is not None:
                self.pg.execute(f"DELETE FROM {name} WHERE {id_column} = %s", (pid,))
                self.stats.sent(entity.table)
            self.pg.commit()
        except BaseException:
            self.pg.rollback()
            raise
        book.drop_link(session, entity.table, pid)


def group_row_id(session_id: str, student_id: str) -> str:
    """The platform id of a group session's row for one of its students (not the first)."""
    return str(uuid.uuid5(NAMESPACE, f"session:{session_id}:{student_id}"))


def send_out(pg: Any, store: Store, tables: Tables, stats: PassStats, ids: Ids) -> None:
    out = _Out(pg, store, tables, stats, ids)
    for table in ("users", "submissions", "mentorship_notes", "mentorship_sessions"):
        out.changed(BY_TABLE[table])
    for table in ("mentorship_notes", "mentorship_sessions"):
        out.made_here(BY_TABLE[table])
        out.deleted_here(BY_TABLE[table])
    out.group_sessions()
