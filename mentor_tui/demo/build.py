"""The deterministic demo database: a realistic mentorship programme built in one transaction.

``build_demo`` writes a whole programme into an empty store: an admin, mentors with profiles,
specializations and availability, students with profiles, courses, progress, submissions in
every review state, notes, past and future sessions, messages and notifications. The same
(students, mentors, seed, reference) always gives the same rows, ids included.

It is the one writer that bypasses ``core/writes.py``: it bulk-inserts with ``executemany`` on
the raw sqlite3 connection into a store that has no users yet, with no journal or audit rows
(the demo is a baseline, not a change). Rows are exactly what SQLModel would store: times as
``YYYY-MM-DD HH:MM:SS.ffffff`` UTC text, dates ``YYYY-MM-DD``, booleans 0/1, JSON as
``json.dumps`` text, version 1, no tombstone.

``DemoBuilder`` is put together from its parts, each in its own module: ``demo_rows`` (tables,
encodings, the shared state), ``demo_people`` (mentors, students, who mentors whom),
``demo_work`` (courses, the shared agenda templates, progress and submissions),
``demo_sessions`` (sessions, attendance, notes), ``demo_messages`` (messages and
notifications) and ``demo_peers`` (peer mentors, study groups and peer reviews, from a random
generator of their own so the other rows stay as they were). This module plans and writes the
whole.
"""

from __future__ import annotations

import queue
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from mentor_tui.config import Config, load_config
from mentor_tui.core import clock
from mentor_tui.db.derived_tables import (
    PROGRAM_TOTALS_TRIGGERS,
    refill_program_totals_sql,
    set_aside,
)
from mentor_tui.demo.messages import MessagePlanner
from mentor_tui.demo.peers import PeerPlanner
from mentor_tui.demo.people import (
    ADMIN_EMAIL,
    DEMO_MENTOR_EMAIL,
    PeoplePlanner,
)
from mentor_tui.demo.rows import COLUMNS, Rows, Seen, insert_sql
from mentor_tui.demo.sessions import SessionPlanner
from mentor_tui.demo.work import CourseWork
from mentor_tui.errors import UserError

SETTING_SEED = "demo_seed"
SETTING_REFERENCE = "demo_reference"

MAX_STUDENTS = 1_000_000
MAX_MENTORS = 100_000

Progress = Callable[[str, int, int], None]

_FLUSH_EVERY_STUDENTS = 2000


class StoreNotEmpty(UserError):
    """The store already has users: the demo builder never writes over real data."""


class StoreUnreadable(UserError):
    """The file at the path is not a mentor-tui database."""


@dataclass(frozen=True)
class DemoSummary:
    counts: dict[str, int]
    demo_mentor_email: str
    admin_email: str
    elapsed_seconds: float
    seed: int
    reference: datetime
    students: int
    mentors: int
    unassigned_students: int
    demo_mentor_students: int

    @property
    def rows(self) -> int:
        return sum(self.counts.values())

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.elapsed_seconds if self.elapsed_seconds > 0 else 0.0

    def as_json(self) -> dict[str, object]:
        return {
            "counts": dict(self.counts),
            "rows": self.rows,
            "demo_mentor_email": self.demo_mentor_email,
            "admin_email": self.admin_email,
            "elapsed_seconds": round(self.elapsed_seconds, 3),
            "rows_per_second": round(self.rows_per_second),
            "seed": self.seed,
            "reference": self.reference.isoformat(),
            "students": self.students,
            "mentors": self.mentors,
            "unassigned_students": self.unassigned_students,
            "demo_mentor_students": self.demo_mentor_students,
        }


def demo_reference(moment: datetime | None = None) -> datetime:
    """The moment every demo time is relative to: ``moment`` (or now) truncated to the hour."""
    moment = clock.aware(moment or clock.now()).astimezone(UTC)
    return moment.replace(minute=0, second=0, microsecond=0)


class DemoBuilder(PeoplePlanner, CourseWork, SessionPlanner, MessagePlanner, PeerPlanner):
    """One demo programme: ``plan()`` decides the people and their histories, then
    ``people_rows()``, ``course_rows()`` and ``activity_rows()`` give the rows in the order they
    are written. Every random choice comes from one ``random.Random(seed)`` in a fixed order."""

    def plan(self) -> None:
        """Decide everyone and everything that later rows refer to."""
        self.admin_id = self.new_id()
        self._make_mentors()
        self._make_students()
        self._assign()
        for student in self.students:
            self._timeline(student)

    def course_rows(self) -> Rows:
        rows = Rows()
        self._course_rows(rows)
        return rows

    def activity_rows(self) -> Iterator[Rows]:
        """Progress, submissions, sessions, notes, messages and notifications, a chunk of
        students at a time: mentor by mentor, then the students without a mentor."""
        assigned = sum(len(m.students) for m in self.mentors)
        groups = sum(max(1, len(m.students) // 7) for m in self.mentors if len(m.students) >= 3)
        # about 2 sessions and 4 notes per student of the programme, held by assigned students
        sessions_per_student = max(1.0, (2 * self.n_students - groups) / max(1, assigned))
        notes_per_student = 4 * self.n_students / max(1, assigned)
        rows = Rows()
        since_flush = 0
        for mentor in self.mentors:
            if not mentor.students:
                continue
            seen = Seen()
            for s in mentor.students:
                self._student_work(s, rows, seen)
            self._sessions_and_notes(mentor, rows, sessions_per_student, notes_per_student)
            self._conversations(mentor, rows)
            self._mentor_notifications(mentor, rows, seen)
            self._peer_rows(mentor, rows, seen)
            self.students_done += len(mentor.students)
            since_flush += len(mentor.students)
            if since_flush >= _FLUSH_EVERY_STUDENTS:
                yield rows
                rows, since_flush = Rows(), 0
        for s in self.students:
            if s.mentor is None:
                self._student_work(s, rows, Seen())
                self.students_done += 1
                since_flush += 1
                if since_flush >= _FLUSH_EVERY_STUDENTS:
                    yield rows
                    rows, since_flush = Rows(), 0
        yield rows

    def settings_rows(self) -> list[tuple[str, str]]:
        return [(SETTING_SEED, str(self.seed)), (SETTING_REFERENCE, self.reference.isoformat())]


# --- writing ---------------------------------------------------------------------------------

_DONE = object()


def _open_store(path: Path) -> None:
    """Create the store (or bring an empty one up to date) with the regular engine. A store
    that already has users is refused before anything touches it."""
    from mentor_tui.db.engine import make_engine

    if path.exists() and path.is_dir():
        raise UserError(f"{path} is a folder, not a database file.")
    if path.exists() and path.stat().st_size > 0:
        try:
            peek = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
            try:
                has_users = (
                    peek.execute(
                        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'users'"
                    ).fetchone()
                    and peek.execute("SELECT 1 FROM users LIMIT 1").fetchone()
                )
            finally:
                peek.close()
        except sqlite3.DatabaseError as exc:
            raise StoreUnreadable(f"Cannot open {path} as a mentor-tui database ({exc}).") from exc
        if has_users:
            _refuse(path)
    try:
        engine = make_engine(path)
    except UserError:
        raise
    except Exception as exc:  # sqlite3.DatabaseError and friends: not a store
        raise StoreUnreadable(f"Cannot open {path} as a mentor-tui database ({exc}).") from exc
    engine.dispose()


def _refuse(path: Path) -> None:
    raise StoreNotEmpty(
        f"{path} already has users, and the demo is only built into an empty store."
    )


def _refuse_if_peopled(conn: sqlite3.Connection, path: Path) -> None:
    if conn.execute("SELECT 1 FROM users LIMIT 1").fetchone() is not None:
        _refuse(path)


class _Producer(threading.Thread):
    """Generates the row chunks on a second thread, so Python builds the next chunk while
    SQLite (which releases the GIL) writes the last one. The order of the rows, and so the
    content, is exactly that of a plain loop."""

    def __init__(self, builder: DemoBuilder) -> None:
        super().__init__(name="demo-rows", daemon=True)
        self.builder = builder
        self.chunks: queue.Queue[object] = queue.Queue(maxsize=2)
        self.stopped = threading.Event()

    def _put(self, item: object) -> bool:
        while not self.stopped.is_set():
            try:
                self.chunks.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def run(self) -> None:
        builder = self.builder
        try:
            if not self._put(("people", builder.people_rows(), 0)):
                return
            if not self._put(("courses", builder.course_rows(), 0)):
                return
            for chunk in builder.activity_rows():
                if not self._put(("activity", chunk, builder.students_done)):
                    return
            self._put(_DONE)
        except BaseException as exc:
            self._put(exc)

    def stop(self) -> None:
        self.stopped.set()
        self.join()


def _deferred_indexes(conn: sqlite3.Connection) -> list[tuple[str, str]]:
    """Drop the secondary indexes of the tables the demo fills; return (name, sql) to rebuild.

    Building an index once from sorted keys costs about half of keeping it up to date through
    a million random inserts. Unique constraints (sql IS NULL) stay: they guard the load.
    """
    tables = tuple(COLUMNS)
    marks = ", ".join("?" * len(tables))
    found = conn.execute(
        f"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
        f"AND tbl_name IN ({marks}) ORDER BY name",
        tables,
    ).fetchall()
    for name, _sql in found:
        conn.execute(f'DROP INDEX "{name}"')
    return found


def build_demo(
    path: Path,
    *,
    students: int = 300,
    mentors: int = 20,
    seed: int = 0,
    progress: Progress | None = None,
    reference: datetime | None = None,
    config: Config | None = None,
) -> DemoSummary:
    """Build the demo programme into the store at ``path`` (created if missing).

    Refuses a store that already has users. ``reference`` is the moment all times are relative
    to (default: now, truncated to the hour); ``config`` (default: the config file) gives the
    mentors' capacity limit and the review SLA. Everything is written in one transaction: a failure leaves the store as it was.
    ``progress(stage, done, total)`` is called as each stage moves on.
    """
    if not 1 <= students <= MAX_STUDENTS:
        raise UserError(
            f"The number of students must be between 1 and {MAX_STUDENTS:,}, not {students}."
        )
    if not 1 <= mentors <= MAX_MENTORS:
        raise UserError(
            f"The number of mentors must be between 1 and {MAX_MENTORS:,}, not {mentors}."
        )
    config = config or load_config()
    began = time.perf_counter()
    report: Progress = progress or (lambda stage, done, total: None)
    path = Path(path)
    _open_store(path)
    builder = DemoBuilder(
        students=students,
        mentors=mentors,
        seed=seed,
        reference=demo_reference(reference),
        config=config,
    )
    counts: dict[str, int] = dict.fromkeys(COLUMNS, 0)
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        # Every reference is to a row made earlier in the same build (tests check the whole
        # store with foreign_key_check), so the load skips a parent lookup per reference.
        conn.execute("PRAGMA foreign_keys=OFF")
        conn.execute("PRAGMA busy_timeout=5000")
        _refuse_if_peopled(conn, path)
        # A fresh store has almost no pages to journal, so a rollback journal costs nothing,
        # while WAL would write every page twice. WAL is back once the build is done. If
        # another connection has the store open the mode cannot change: build in WAL then.
        try:
            conn.execute("PRAGMA journal_mode=TRUNCATE")
        except sqlite3.OperationalError:
            pass
        conn.execute("PRAGMA synchronous=OFF")
        conn.execute("PRAGMA cache_size=-262144")
        conn.execute("PRAGMA temp_store=MEMORY")
        conn.execute("PRAGMA threads=2")
        conn.execute("BEGIN IMMEDIATE")
        try:
            _refuse_if_peopled(conn, path)
            _load(conn, builder, counts, report)
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        # Statistics let SQLite pick the right index for a mentor's page among 50,000 students.
        conn.execute("ANALYZE")
    finally:
        try:
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute("PRAGMA journal_mode=WAL")
        finally:
            conn.close()
    _count_risk(path, config, builder.reference)
    report("saving", 1, 1)
    demo = builder.mentors[0]
    return DemoSummary(
        counts=counts,
        demo_mentor_email=DEMO_MENTOR_EMAIL,
        admin_email=ADMIN_EMAIL,
        elapsed_seconds=time.perf_counter() - began,
        seed=seed,
        reference=builder.reference,
        students=students,
        mentors=mentors,
        unassigned_students=sum(1 for s in builder.students if s.mentor is None),
        demo_mentor_students=len(demo.students),
    )


def _count_risk(path: Path, config: Config, reference: datetime) -> None:
    """Every student's at-risk score counted once the rows are in (``risk_keys.count_all``),
    as of the demo's reference moment (the same seed gives the same store), so the students
    list's first read in the at-risk order finds them kept but for those moved since."""
    from mentor_tui.core.people.risk_keys import count_all
    from mentor_tui.db.engine import make_engine, session_scope

    engine = make_engine(path, migrate=False)
    try:
        with session_scope(engine) as session:
            count_all(session, config, reference)
        with engine.connect() as conn:  # into the store's file, as the build leaves the rest
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        engine.dispose()


def _load(
    conn: sqlite3.Connection, builder: DemoBuilder, counts: dict[str, int], report: Progress
) -> None:
    """All rows, inside the caller's transaction."""
    report("planning", 0, 1)
    builder.plan()
    report("planning", 1, 1)
    rebuild = _deferred_indexes(conn)
    counted = set_aside(conn, only=PROGRAM_TOTALS_TRIGGERS)  # made again once counted (_load)
    # Notes go in with one INSERT ... SELECT at the end: their full-text triggers then fire
    # inside a single statement, so FTS5 indexes them in large batches instead of row by row.
    conn.execute("CREATE TEMP TABLE demo_notes AS SELECT * FROM main.mentorship_notes WHERE 0")
    statements = {table: insert_sql(table) for table in COLUMNS}
    statements["mentorship_notes"] = statements["mentorship_notes"].replace(
        "INSERT INTO mentorship_notes", "INSERT INTO temp.demo_notes", 1
    )
    producer = _Producer(builder)
    producer.start()
    try:
        while True:
            item = producer.chunks.get()
            if item is _DONE:
                break
            if isinstance(item, BaseException):
                raise item
            stage, rows, students_done = item  # type: ignore[misc]
            total = rows.pending()
            written = 0
            for table, table_rows in rows.by_table.items():
                if table_rows:
                    conn.executemany(statements[table], table_rows)
                    counts[table] += len(table_rows)
                    written += len(table_rows)
                    if stage != "activity":
                        report(stage, written, total)
            if stage == "activity":
                report(stage, students_done, builder.n_students)
            elif stage == "courses":
                report("activity", 0, builder.n_students)
    finally:
        producer.stop()
    steps = len(rebuild) + 2
    report("indexing", 0, steps)
    conn.execute("INSERT INTO main.mentorship_notes SELECT * FROM temp.demo_notes")
    conn.execute("DROP TABLE temp.demo_notes")
    report("indexing", 1, steps)
    for done, (_name, sql) in enumerate(rebuild, start=2):
        conn.execute(sql)
        report("indexing", done, steps)
    for sql in (*refill_program_totals_sql(), *counted):
        conn.execute(sql)
    conn.executemany(
        "INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)", builder.settings_rows()
    )
    report("indexing", steps, steps)
    report("saving", 0, 1)


def table_counts(
    conn: sqlite3.Connection, tables: Sequence[str] = tuple(COLUMNS)
) -> dict[str, int]:
    """Rows per demo table, straight from the store."""
    return {name: conn.execute(f"SELECT count(*) FROM {name}").fetchone()[0] for name in tables}
