"""The pass in: platform rows become mentor-tui rows through the write path.

One local transaction per platform table holds its rows, its bookkeeping and its cursor: a pass
stopped anywhere leaves every table either taken in whole or not at all, and the next pass does
the rest once (a row whose digest is already recorded writes nothing). A first pass into a
local store without users is one transaction for every table, the derived tables counted once
at its end: stopped anywhere, the store is as it was (empty) and the next pass does it all.
In a store never logged in to a server the tables filled in bulk write no change journal
entries: its first login queues every row it holds (``bookkeeping.never_joined``).

A platform table with ``updated_at`` is read from its cursor (minus ``SLACK``, for writers that
committed late; rows read again cost nothing, their digest is known); one without is read in
full. Every pass also lists the table's ids when their count differs from what is recorded: an
id gone is a row deleted in the platform (a tombstone here), an id not yet seen is read.

When the platform changed a row that was also changed here since the last pass, the platform
wins and the change made here is kept in the conflicts centre (``sync_conflicts``): a review
decision, a note's text, or any field. Changes here to fields the platform did not touch stay
and go out with the pass out.

A first pass into a local store without users writes it with a rollback journal instead of WAL
(``db/engine.rollback_journal``): each page of its rows once, not twice.
"""

from __future__ import annotations

import gc
import uuid
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from datetime import timedelta
from typing import Any

from sqlalchemy import select, text
from sqlmodel import Session

from mentor_tui.config import Config
from mentor_tui.core import writes
from mentor_tui.core.access import Actor
from mentor_tui.core.matching.auto import auto_assign_new_students
from mentor_tui.core.notifications.milestones import Completion, notify_modules_completed
from mentor_tui.core.notifications.notify import notify_new_submission
from mentor_tui.core.people import risk_keys
from mentor_tui.core.people.sort_keys import FEEDERS, refill_statements
from mentor_tui.db import derived_tables
from mentor_tui.db.engine import rollback_journal
from mentor_tui.db.models import SessionAttendee, Synced, User
from mentor_tui.lms import bookkeeping as book
from mentor_tui.lms.bookkeeping import STUDENT, Link, norm, wire
from mentor_tui.lms.mapping import ENTITIES, Entity, Ids, digester, text_uuids, utc
from mentor_tui.lms.platform import Tables, batches
from mentor_tui.lms.stats import PassStats
from mentor_tui.lms.store import Store

SLACK = timedelta(seconds=10)
BATCH = 2000
ACTION = "lms sync"
NAMESPACE = uuid.UUID("5d3f4a52-6c1e-4f59-9a5e-0c8a3e1b7d21")
EMPTY = "SELECT 1 FROM users LIMIT 1"
CONFLICT_KINDS = {"submissions": "review", "mentorship_notes": "note"}


def attendee_id(session_id: str) -> str:
    """The one attendee row of a platform session (its ``student_id``)."""
    return str(uuid.uuid5(NAMESPACE, f"attendee:{session_id}"))


def take_in(pg: Any, store: Store, tables: Tables, config: Config, stats: PassStats) -> Ids:
    """The pass in, table by table; returns the user ids as they now map."""
    with store.scope() as session:
        ids = Ids(book.user_links(session))
        # a local store without users yet: filled from empty, with a rollback journal
        empty = not store.prefix and session.execute(text(EMPTY)).first() is None
    filled = False  # a table filled in bulk (the first pass)
    with rollback_journal(store.engine, empty):
        if empty:  # every table in one transaction, the derived tables counted once at its end
            with store.scope() as session, collector_paused(), all_counted_after(session):
                for entity in ENTITIES:
                    table = _Table(pg, session, store, tables, entity, ids, config, stats)
                    table.counted = True
                    table.run()
                    filled = filled or table.fresh
                    pg.commit()  # end the read transaction: the next table, a fresh snapshot
        for entity in ENTITIES if not empty else ():
            with store.scope() as session, collector_paused():
                table = _Table(pg, session, store, tables, entity, ids, config, stats)
                table.run()
                filled = filled or table.fresh
            pg.commit()  # end the read transaction: the next table sees a fresh snapshot
    # every at-risk score counted here, not by the students list's first read; a local store
    # only (a server's database keeps no derived tables: its clients count their own)
    if filled and not store.prefix:
        with store.scope() as session:
            risk_keys.count_if_moved(session, config)
    if config.auto_assignment and stats.new_students:
        with store.scope() as session:
            auto_assign(session, config, stats)
    return ids


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector off while a table is taken in: the rows, their
    journal entries and links are many new objects and no cycles, and each of the collector's
    full passes would walk every object the process holds. On again after (as it was)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def counted_after(session: Session, table: str) -> AbstractContextManager[None]:
    """Around filling the empty ``table`` with many rows: the store's derived tables that it
    feeds (totals, sort keys) counted once after, instead of by a trigger per row written
    (``derived_tables.counted_after``, in the table's transaction). A local store only: a
    server's database keeps no derived tables."""
    conn = session.connection()
    if table not in FEEDERS or conn.dialect.name != "sqlite":
        return nullcontext()
    writes.begin_for_ddl(conn)
    raw = conn.connection.dbapi_connection
    refill = refill_statements(table)
    if table == "submissions":  # the work sent back and its next attempts (local revision 0025)
        refill += derived_tables.refill_sql(
            derived_tables.FEEDBACK_PAIRS, derived_tables.FEEDBACK_PAIRS_COUNT
        )
    return derived_tables.counted_after(raw, refill)


def all_counted_after(session: Session) -> AbstractContextManager[None]:
    """Around a first pass into a local store without users, all in one transaction: every
    derived table (the totals, the sort keys, the program totals) counted once at its end
    instead of after each table that feeds them (the sort keys three times, each with its six
    indexes). A pass stopped before the end leaves the store as it was, empty."""
    conn = session.connection()
    writes.begin_for_ddl(conn)
    raw = conn.connection.dbapi_connection
    refill = refill_statements(None) + derived_tables.refill_program_totals_sql()
    return derived_tables.counted_after(raw, refill)


def bridge_actor(session: Session) -> Actor | None:
    """Who the bridge acts as where the core needs an admin (auto-assignment): the store's
    first active admin (oldest account, then id). The bridge has no user of its own."""
    admin = session.execute(
        select(User)
        .where(User.role == "admin", User.status == "Active", User.deleted_at.is_(None))
        .order_by(User.created_at, User.id)
        .limit(1)
    ).scalar_one_or_none()
    return None if admin is None else Actor.of(admin)


def auto_assign(session: Session, config: Config, stats: PassStats) -> None:
    """``auto_assignment`` on: the students this pass brought in without a mentor are assigned
    by the matching, as ``users add`` does, in one local transaction after every table is in
    (the mentors' specializations too). The audit log says the bridge acted and as whom; the
    pass out then writes the assignments to the platform's ``users.mentor_id``."""
    actor = bridge_actor(session)
    if actor is None:
        for student_id in stats.new_students:
            writes.audit(session, None, "auto_assign_unplaced", "users", student_id,
                         {"reason": "no active admin in this store for the learning platform "
                          "bridge to act as", "by": ACTION})  # fmt: skip
        return
    done = auto_assign_new_students(session, actor, stats.new_students, config=config)
    writes.audit(session, actor.id, "lms_auto_assign", "users", "",
                 {"by": ACTION, "acting_as": actor.email, "students": len(stats.new_students),
                  "assigned": done.assigned, "unplaced": done.unplaced})  # fmt: skip
    stats.auto_assigned += done.assigned


class _Table:
    def __init__(
        self,
        pg: Any,
        session: Session,
        store: Store,
        tables: Tables,
        entity: Entity,
        ids: Ids,
        config: Config,
        stats: PassStats,
    ) -> None:
        self.pg, self.session, self.tables, self.entity = pg, session, tables, entity
        self.store = store
        self.ids, self.config, self.stats = ids, config, stats
        # links of the rows read so far (a batch's looked up at once), or all once needed
        self.links: dict[str, Link] = {}
        self.recorded = book.link_count(session, entity.table)
        self.name = tables.table(entity.table)
        self.select = f"SELECT {tables.select_list(entity)} FROM {self.name}"
        # in the order of their ids: the store's indexes on them (the row's, its journal
        # entry's, its link's) grow at one end instead of all over; users: those who name no
        # mentor first, so a mentor is in before their students (a server's PostgreSQL checks
        # each row's foreign keys as it is written)
        self.order = f" ORDER BY {tables.column(entity.table, 'id')}"
        if entity.table == "users" and tables.has("users", "mentor_id"):
            mentor = tables.column("users", "mentor_id")
            self.order = f" ORDER BY {mentor} IS NOT NULL, {tables.column('users', 'id')}"
        self.unsaved: dict[str, Link] = {}  # links not yet written to lms_rows
        self.fresh_rows: list[dict[str, Any]] = []  # new rows waiting for insert_many
        self.bulk = 0  # rows written by insert_many: one audit entry for them all
        self.completions: list[Completion] = []  # milestones not yet told (told at a flush)
        self.journaled = True  # rows written in bulk get change journal entries
        self.counted = False  # the derived tables it feeds counted by the caller (one transaction)

    def run(self) -> None:
        entity = self.entity
        # an empty table here takes its rows many at a time (sessions one by one: each has
        # an attendee; submissions after the first pass one by one: each tells a mentor)
        empty = (
            self.session.execute(
                text(f"SELECT 1 FROM {entity.model.__tablename__} LIMIT 1")
            ).first()
            is None
        )
        since = book.cursor(self.session, entity.table) if entity.cursor else None
        self.first = entity.cursor and since is None and not self.recorded
        self.fresh = (
            empty
            and entity.table != "mentorship_sessions"
            and (entity.table != "submissions" or self.first)
        )
        with self.session.no_autoflush:
            if self.fresh:  # its indexes made once, after the rows are in; then what it feeds
                counting = (
                    nullcontext()
                    if self.counted
                    else counted_after(self.session, entity.model.__tablename__)
                )
                with (
                    counting,
                    writes.indexes_deferred(self.session, entity.model),
                ):
                    # a store never joined to a server: its first login journals what it holds
                    self.journaled = not book.never_joined(self.session, entity.table)
                    self._run(since)
            else:
                self._run(since)

    def _run(self, since: Any) -> None:
        entity = self.entity
        newest = since
        if entity.cursor:
            updated = self.tables.column(entity.table, "updated_at")
            query = f"SELECT {self.tables.select_list(entity)}, {updated} FROM {self.name}"
            params: tuple[Any, ...] = ()
            if since is not None:
                query += f" WHERE {updated} >= %s"
                params = (since - SLACK,)
            latest = None  # compared as read (one column: all aware, or all naive), made UTC once
            for row, seal in self._rows(query + self.order, params):
                self._row(row[:-1], seal)
                stamp = row[-1]
                if stamp is not None and (latest is None or stamp > latest):
                    latest = stamp
            stamp = utc(latest)
            if stamp is not None and (newest is None or stamp > newest):
                newest = stamp
        else:
            for row, seal in self._rows(self.select + self.order, ()):
                self._row(row, seal)
        self._flush()
        self._deleted_and_unseen()
        self._flush()
        if self.bulk:
            # a table taken in whole into an empty one: one audit entry with the count, in
            # the same transaction (each row is in the change journal with its fields, or in a
            # store never joined to a server queued by its first login)
            table = entity.model.__tablename__
            writes.audit(self.session, None, ACTION, table, "", {"rows": self.bulk, "bulk": True})
        if newest is not None and newest != since:
            book.save_cursor(self.session, entity.table, newest)

    def _rows(self, query: str, params: tuple[Any, ...]) -> Any:
        """(row, its digest) of each row the query reads, a batch's digests made at once.
        Streamed (``platform.batches``): the platform is not asked anything else meanwhile."""
        with self.pg.cursor() as cur:
            text_uuids(cur)
            seals = None
            for batch in batches(cur, query, params, BATCH):
                seals = seals or digester(cur.description, len(self.entity.columns))
                if self.recorded:
                    wanted = [str(row[0]) for row in batch if str(row[0]) not in self.links]
                    self.links.update(book.links(self.session, self.entity.table, wanted))
                yield from zip(batch, seals(batch), strict=True)

    def _deleted_and_unseen(self) -> None:
        count = self.pg.execute(f"SELECT count(*) FROM {self.name}").fetchone()[0]
        total = book.link_count(self.session, self.entity.table)  # every link saved by now
        if count == total:
            return
        self.links.update(book.links(self.session, self.entity.table))
        id_column = self.tables.column(self.entity.table, "id")
        present = {str(r[0]) for r in self.pg.execute(f"SELECT {id_column} FROM {self.name}")}
        for pid in [pid for pid in self.links if pid not in present]:
            link = self.links.pop(pid)
            row = self.session.get(self.entity.model, link.local_id) if link.local_id else None
            if row is not None and pid != row.id:  # a group session's row for one student
                self._leave(row.id, (link.base or {}).get(STUDENT))
            elif row is not None and row.deleted_at is None:
                writes.tombstone(self.session, None, row, action=ACTION)
                self.stats.wrote(self.entity.table)
                self._attendee(row.id, None, pid)
            self.unsaved.pop(pid, None)
            book.drop_link(self.session, self.entity.table, pid)
        unseen = [pid for pid in present if pid not in self.links]
        for start in range(0, len(unseen), 1000):
            chunk = unseen[start : start + 1000]
            query = f"{self.select} WHERE {id_column}::text = ANY (%s){self.order}"
            for row, seal in self._rows(query, (chunk,)):
                self._row(row, seal)

    def _row(self, values: tuple[Any, ...], seal: str) -> None:
        entity = self.entity
        prow = dict(zip(entity.columns, values, strict=True))
        pid = str(prow["id"])
        link = self.links.get(pid)
        if link is not None and link.digest == seal:
            return
        fields = entity.to_local(prow, self.ids)
        if fields is None:  # nothing here can hold it (a note without a student, ...)
            self._keep(pid, Link("", seal, 0, None))
            return
        if self.fresh and (link is None or not link.local_id):
            created = utc(prow.get(entity.created)) if entity.created else None
            self.fresh_rows.append({"id": pid, **fields, "created_at": created})
            base = {f: norm(fields[f]) for f in entity.out} if entity.out else None
            if base is not None and entity.table == "mentorship_sessions":
                base[STUDENT] = self.ids.to_local(prow.get("student_id"))
            self._keep(pid, Link(pid, seal, 1, base))  # counted in stats when written
            self._new_student(pid, fields)
            if len(self.fresh_rows) >= BATCH:
                self._flush()
            return
        local_id = link.local_id if link and link.local_id else self.ids.to_local(pid) or pid
        if entity.table != "users":  # a group session's other rows are linked to it
            local_id = link.local_id if link and link.local_id else pid
        row = self.session.get(entity.model, local_id)
        if row is None and entity.table == "users":
            row = self.session.execute(
                select(User).where(User.email == fields["email"])
            ).scalar_one_or_none()
            if row is not None:
                self.ids.link(pid, row.id)
        if row is None:
            created = utc(prow.get(entity.created)) if entity.created else None
            row = entity.model(id=local_id, **fields, created_at=created)
            writes.insert(self.session, None, row, action=ACTION)
            self.stats.wrote(entity.table)
            self._new(row)
            self._new_student(row.id, fields)
            pending = False
        else:
            pending = row.deleted_at is None and self._update(row, fields, link)
        student = prow.get("student_id") if entity.table == "mentorship_sessions" else None
        self._attendee(row.id, student, pid)
        # base: the platform's values of the fields written back, as last read
        base = {f: norm(fields[f]) for f in entity.out} if entity.out else None
        if base is not None and entity.table == "mentorship_sessions":
            base[STUDENT] = self.ids.to_local(student)
        version = link.local_version if pending and link is not None else row.version
        self._keep(pid, Link(row.id, seal, version, base))

    def _keep(self, pid: str, link: Link) -> None:
        self.links[pid] = link
        self.unsaved[pid] = link
        if len(self.unsaved) >= BATCH:
            self._flush()

    def _flush(self) -> None:
        written = writes.insert_many(
            self.session,
            None,
            self.entity.model,
            self.fresh_rows,
            action=ACTION,
            audit_each=False,
            journal=self.journaled,
        )
        if written:
            self.bulk += written
            self.stats.taken_in[self.entity.table] += written
        self.fresh_rows = []
        notify_modules_completed(self.session, self.config, self.completions)
        self.completions = []
        book.save_links(self.session, self.entity.table, self.unsaved)
        self.unsaved = {}

    def _update(self, row: Synced, fields: dict[str, Any], link: Link | None) -> bool:
        """Take the platform's values; True when changes made here remain to go out."""
        pending = False
        changed = {k: v for k, v in fields.items() if norm(getattr(row, k)) != norm(v)}
        if link is not None and row.version > link.local_version and link.base is not None:
            # changed here too: fields only changed here stay; both changed: the platform wins
            base = link.base
            ours = {f for f in self.entity.out if norm(getattr(row, f)) != base.get(f)}
            theirs = {f for f in self.entity.out if norm(fields[f]) != base.get(f)}
            both = {f for f in ours & theirs if f in changed}
            if both:
                lost = {f for f in ours if f in changed}
                self._conflict(row, {f: (getattr(row, f), fields[f]) for f in sorted(lost)})
            else:
                changed = {k: v for k, v in changed.items() if k not in ours}
                pending = bool(ours)
        was_done = self.entity.table == "module_progress" and bool(row.is_completed)
        if changed:
            writes.update(self.session, None, row, changed, action=ACTION)
            self.stats.wrote(self.entity.table)
            self._milestone(row, was_done)
        return pending

    def _milestone(self, row: Any, was_done: bool) -> None:
        """A module the platform says a student completed (not on the first pass: history):
        told with the others of its batch, at the next flush."""
        if self.entity.model.__tablename__ != "module_progress" or self.first or was_done:
            return
        if row.is_completed:
            when = row.completed_at or row.last_activity_at
            self.completions.append(Completion(row.user_id, row.module_id, when))

    def _conflict(self, row: Synced, fields: dict[str, tuple[Any, Any]]) -> None:
        self.store.conflict(
            self.session,
            self.entity.model.__tablename__,
            row,
            CONFLICT_KINDS.get(self.entity.table, "field"),
            {f: {"mine": wire(m), "theirs": wire(t)} for f, (m, t) in fields.items()},
        )
        self.stats.conflicts += 1

    def _attending(self, session_id: str, student: str | None) -> SessionAttendee | None:
        if student is None:
            return None
        return self.session.execute(
            select(SessionAttendee).where(
                SessionAttendee.session_id == session_id,
                SessionAttendee.student_id == student,
                SessionAttendee.deleted_at.is_(None),
            )
        ).scalar_one_or_none()

    def _leave(self, session_id: str, student: str | None) -> None:
        """A group session's row for one student deleted in the platform: they leave it."""
        attendee = self._attending(session_id, student)
        if attendee is not None:
            writes.tombstone(self.session, None, attendee, action=ACTION)
            self.stats.wrote(self.entity.table)

    def _attendee(self, session_id: str, student_pid: Any, pid: str) -> None:
        if self.entity.table != "mentorship_sessions":
            return
        student = self.ids.to_local(student_pid)
        if pid != session_id or self._attending(session_id, student) is not None:
            return  # a group session's row for a student who attends already
        row = self.session.get(SessionAttendee, attendee_id(session_id))
        if row is None and student is not None:
            attendee = SessionAttendee(
                id=attendee_id(session_id), session_id=session_id, student_id=student
            )
            writes.insert(self.session, None, attendee, action=ACTION)
        elif row is not None and student is None and row.deleted_at is None:
            writes.tombstone(self.session, None, row, action=ACTION)
        elif row is not None and student is not None and row.student_id != student:
            writes.update(self.session, None, row, {"student_id": student}, action=ACTION)

    def _new_student(self, local_id: str, fields: dict[str, Any]) -> None:
        if self.entity.table == "users" and fields["role"] == "student":
            if fields.get("mentor_id") is None:
                self.stats.new_students.append(local_id)

    def _new(self, row: Any) -> None:
        """A submission that arrived after the first pass: its student's mentor is told."""
        self._milestone(row, False)
        if self.entity.table != "submissions" or self.first or row.status != "pending":
            return
        if notify_new_submission(self.session, self.config, row) is None:
            return
        self.stats.notified += 1
