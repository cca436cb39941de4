"""Tables the store derives from its own rows and keeps by triggers (local revisions
0021 and 0022): never synced, never journalled, not SQLModel tables (so neither ``create_all``
nor a server's schema has them). ``student_progress_totals``: each student's live progress
rows summed (how many, how many completed, the last activity), for the dashboard and the
students list's orders; ``student_submission_totals``: each student's live submissions
summed (how many pending, the oldest pending, the last submitted), for the list's orders;
``student_sort_keys``: each live student's name and the figures the list sorts by, indexed
for each order; ``student_risk``: each live student's at-risk score as of the moment and
threshold in ``student_risk_basis``, indexed for the at-risk order, and
``student_risk_stale``, the students written since (``core/people/risk_keys.py``);
``submission_feedback_pairs`` (revision 0025): the work sent back with feedback and the next
attempt at it, counted by (feedback length, approved), for the program report's feedback
correlation (``core/analytics/correlations.py``); ``student_attended_totals`` (revision
0025): each student's sessions attended (of live sessions not cancelled), for its session
frequency."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from sqlalchemy import (
    Column,
    Float,
    Integer,
    MetaData,
    String,
    Table,
    column,
    delete,
    func,
    insert,
    select,
    text,
)
from sqlalchemy.dialects import sqlite
from sqlalchemy.orm import Session
from sqlalchemy.sql import Selectable
from sqlmodel.sql.sqltypes import UTCDateTime

derived = MetaData()

PROGRESS_TOTALS = Table(
    "student_progress_totals",
    derived,
    Column("user_id", String, primary_key=True),
    Column("modules", Integer, nullable=False),
    Column("completed", Integer, nullable=False),
    Column("last_activity_at", UTCDateTime, nullable=True),
)

SUBMISSION_TOTALS = Table(
    "student_submission_totals",
    derived,
    Column("user_id", String, primary_key=True),
    Column("pending", Integer, nullable=False),
    Column("oldest_pending_at", UTCDateTime, nullable=True),
    Column("last_submitted_at", UTCDateTime, nullable=True),
)

SORT_KEYS = Table(
    "student_sort_keys",
    derived,
    Column("user_id", String, primary_key=True),
    Column("full_name", String, nullable=False),
    Column("completion", Float, nullable=False),
    Column("pending", Integer, nullable=False),
    Column("last_activity", String, nullable=False),  # the stored time's text, '' for none
)

RISK = Table(
    "student_risk",
    derived,
    Column("user_id", String, primary_key=True),
    Column("full_name", String, nullable=False),
    Column("score", Integer, nullable=False),
    Column("last_activity_at", UTCDateTime, nullable=True),
    Column("completion", Float, nullable=False),
    Column("oldest_pending_at", UTCDateTime, nullable=True),
)

RISK_BASIS = Table(
    "student_risk_basis",
    derived,
    Column("id", Integer, primary_key=True),
    Column("now", UTCDateTime, nullable=False),
    Column("idle_before", UTCDateTime, nullable=False),
    Column("overdue_before", UTCDateTime, nullable=False),
    Column("behind", Float, nullable=True),
)

RISK_STALE = Table("student_risk_stale", derived, Column("user_id", String, primary_key=True))

FEEDBACK_PAIRS = Table(
    "submission_feedback_pairs",
    derived,
    Column("length", Integer, primary_key=True),
    Column("approved", Integer, primary_key=True),
    Column("n", Integer, nullable=False),  # 0 once its pairs are gone (read with n > 0)
)

FEEDBACK_PAIRS_COUNT_SQL = """
    SELECT length, approved, count(*) AS n FROM (
        SELECT length(sent_back.feedback) AS length,
               next_attempt.status = 'approved' AS approved
        FROM submissions AS sent_back INDEXED BY ix_submissions_sent_back
        JOIN submissions AS next_attempt
          ON next_attempt.student_id = sent_back.student_id
         AND next_attempt.assignment_id = sent_back.assignment_id
         AND next_attempt.attempt = sent_back.attempt + 1
         AND next_attempt.deleted_at IS NULL
         AND next_attempt.status != 'pending'
        WHERE sent_back.status IN ('changes_requested', 'rejected')
          AND sent_back.deleted_at IS NULL
          AND sent_back.feedback IS NOT NULL
        LIMIT -1
    ) GROUP BY 1, 2
"""
"""``submission_feedback_pairs`` counted from the submissions (its definition; the
triggers of revision 0025 keep the same counts): work sent back with feedback and the next
attempt at it, by (feedback length, approved). The work sent back and its feedback's length
come from an index of revision 0015, named (with the store's statistics, SQLite would read
every row instead); ``LIMIT -1`` keeps the pairs a subquery of their own, where SQLite takes
the length from that index (grouped by it directly, it reads each row's feedback again). Needs
that index and ``ix_submissions_attempts``: count after they are built."""

FEEDBACK_PAIRS_COUNT = text(FEEDBACK_PAIRS_COUNT_SQL).columns(
    column("length", Integer), column("approved", Integer), column("n", Integer)
)

ATTENDED_TOTALS = Table(
    "student_attended_totals",
    derived,
    Column("user_id", String, primary_key=True),
    Column("attended", Integer, nullable=False),  # 0 once none is left (read with > 0)
)

ATTENDED_COUNT_SQL = """
    SELECT a.student_id, count(*) FROM session_attendees AS a
    JOIN mentorship_sessions AS s ON s.id = a.session_id
    WHERE a.attendance = 'attended' AND a.deleted_at IS NULL
      AND s.deleted_at IS NULL AND s.status != 'cancelled'
    GROUP BY a.student_id
"""
"""``student_attended_totals`` counted from the rows (its definition; the triggers of revision
0025 keep the same counts): per student, their live attendances marked attended of live
sessions not cancelled, whenever the sessions start."""

ATTENDED_COUNT = text(ATTENDED_COUNT_SQL).columns(
    column("user_id", String), column("attended", Integer)
)


# The triggers that keep these tables from the rows, as patterns of their names (``LIKE``), and
# those that mark at-risk scores stale. A bulk load into an empty table sets them aside
# (``set_aside``) and makes the tables once at the end (``put_back``): a first sync's snapshot
# (``sync/bulk_load.py``, over many transactions) and the learning platform bridge's first
# pass (``counted_after``, one table's transaction).
KEEPING_TRIGGERS = (
    "student_progress_totals_%",
    "student_submission_totals_%",
    "student_sort_keys_%",
    "submission_feedback_pairs_%",  # PROGRAM_TOTALS_TRIGGERS (below)
    "student_attended_totals_%",
)
MARKING_TRIGGERS = ("student_risk_stale_%",)
# the totals tables, whose own marks go with the keeping triggers: made anew whole, they would
# mark every student, as the sort keys made anew do anyway
TOTALS = (PROGRESS_TOTALS.name, SUBMISSION_TOTALS.name)


def keeping_triggers(conn: sqlite3.Connection, *, marks: bool) -> list[tuple[str, str]]:
    """(name, sql) of every trigger that keeps a derived table and of those marking at-risk
    scores stale from the totals tables; with ``marks``, of every marking trigger too (a store
    filled from empty has no scores to mark: they are all counted after)."""
    likes = " OR ".join("name LIKE ?" for _ in KEEPING_TRIGGERS)
    marking = " OR ".join("name LIKE ?" for _ in MARKING_TRIGGERS)
    tables = ", ".join("?" for _ in TOTALS)
    where = f"{likes} OR (({marking}) AND (? OR tbl_name IN ({tables})))"
    rows = conn.execute(
        f"SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND sql IS NOT NULL "
        f"AND ({where}) ORDER BY name",
        (*KEEPING_TRIGGERS, *MARKING_TRIGGERS, int(marks), *TOTALS),
    ).fetchall()
    return [(str(name), str(sql)) for name, sql in rows]


PROGRAM_TOTALS_TRIGGERS = ("submission_feedback_pairs_%", "student_attended_totals_%")
"""The triggers keeping revision 0025's tables: each looks rows up in an index that a bulk
load sets aside (a submission's partners in ``ix_submissions_attempts``, a session's
attendances in ``ix_attendees_session_figures``), a scan of the table per row without it."""


def set_aside(
    conn: sqlite3.Connection, *, marks: bool = False, only: Sequence[str] = ()
) -> list[str]:
    """Drop the triggers ``keeping_triggers`` names (or those whose names are ``LIKE`` one of
    ``only``), in the caller's transaction (which must be open: Python's sqlite3 does not open
    one for DDL); their SQL, for ``put_back``."""
    if only:
        likes = " OR ".join("name LIKE ?" for _ in only)
        rows = conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND sql IS NOT NULL "
            f"AND ({likes}) ORDER BY name",
            tuple(only),
        ).fetchall()
        found = [(str(name), str(sql)) for name, sql in rows]
    else:
        found = keeping_triggers(conn, marks=marks)
    for name, _sql in found:
        conn.execute(f'DROP TRIGGER "{name}"')
    return [sql for _name, sql in found]


def put_back(conn: sqlite3.Connection, triggers: Sequence[str], refill: Sequence[str]) -> None:
    """After a bulk load: the derived tables made anew by the ``refill`` statements (each
    ``refill_sql``'s, in order), with the sort keys' indexes dropped first and made once after,
    sorted, instead of an insert into each per student; then ``triggers`` made again. With no
    ``refill`` (the caller counted a few students again itself, as an xAPI batch does), only
    the triggers are made again."""
    indexes = _sort_indexes_dropped(conn) if refill else []
    for sql in (*refill, *indexes, *triggers):
        conn.execute(sql)


def _sort_indexes_dropped(conn: sqlite3.Connection) -> list[str]:
    """The sort keys' indexes dropped; their SQL, to make them again."""
    indexes = conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? "
        "AND sql IS NOT NULL",
        (SORT_KEYS.name,),
    ).fetchall()
    for name, _sql in indexes:
        conn.execute(f'DROP INDEX "{name}"')
    return [str(sql) for _name, sql in indexes]


@contextmanager
def counted_after(conn: sqlite3.Connection, refill: Sequence[str]) -> Iterator[None]:
    """Around filling an empty table with many rows in one transaction of ``conn`` (open):
    ``set_aside`` first, ``put_back`` after with ``refill`` (the derived tables that table
    feeds). An error rolls the transaction back, the drops with it: no reader ever sees the
    triggers or the tables apart (a reader keeps its snapshot)."""
    triggers = set_aside(conn)
    yield
    if triggers:  # none in a store without them: nothing was set aside, nothing to make
        put_back(conn, triggers, refill)


def refill(session: Session, table: Table, definition: Selectable) -> int:
    """Make a derived table anew from its definition (a query giving its columns in order), in
    the caller's transaction; how many rows it has."""
    session.execute(delete(table))
    session.execute(insert(table).from_select(list(table.c), definition))
    return int(session.execute(select(func.count()).select_from(table)).scalar_one())


def refill_sql(table: Table, definition: Selectable) -> list[str]:
    """``refill``'s statements as SQLite text, its values written in, for a raw connection."""
    made = (delete(table), insert(table).from_select(list(table.c), definition))
    return [
        str(s.compile(dialect=sqlite.dialect(), compile_kwargs={"literal_binds": True}))
        for s in made
    ]


def refill_program_totals_sql() -> list[str]:
    """``submission_feedback_pairs`` and ``student_attended_totals`` made anew (revision 0025's
    tables), as SQLite statements for a raw connection: after a bulk load that set their
    triggers aside, once the indexes are built."""
    return [
        *refill_sql(FEEDBACK_PAIRS, FEEDBACK_PAIRS_COUNT),
        *refill_sql(ATTENDED_TOTALS, ATTENDED_COUNT),
    ]


def refill_feedback_pairs(session: Session) -> int:
    """``submission_feedback_pairs`` counted anew from the submissions (in the caller's
    transaction); how many (length, approved) rows."""
    return refill(session, FEEDBACK_PAIRS, FEEDBACK_PAIRS_COUNT)


__all__ = [
    "ATTENDED_COUNT",
    "ATTENDED_COUNT_SQL",
    "ATTENDED_TOTALS",
    "FEEDBACK_PAIRS",
    "FEEDBACK_PAIRS_COUNT",
    "FEEDBACK_PAIRS_COUNT_SQL",
    "KEEPING_TRIGGERS",
    "MARKING_TRIGGERS",
    "PROGRAM_TOTALS_TRIGGERS",
    "PROGRESS_TOTALS",
    "RISK",
    "RISK_BASIS",
    "RISK_STALE",
    "SORT_KEYS",
    "SUBMISSION_TOTALS",
    "counted_after",
    "derived",
    "keeping_triggers",
    "put_back",
    "refill",
    "refill_feedback_pairs",
    "refill_program_totals_sql",
    "refill_sql",
    "set_aside",
]
