"""Tables the store derives from its own rows and keeps by triggers (local revisions
0021 and 0022): never synced, never journalled, not SQLModel tables (so neither ``create_all``
nor a server's schema has them). ``student_progress_totals``: each student's live progress
rows summed (how many, how many completed, the last activity), for the dashboard and the
students list's orders; ``student_submission_totals``: each student's live submissions
summed (how many pending, the oldest pending, the last submitted), for the list's orders;
``student_sort_keys``: each live student's name and the figures the list sorts by, indexed
for each order; ``student_risk``: each live student's at-risk score as of the moment and
threshold in ``student_risk_basis``, indexed for the at-risk order, and
``student_risk_stale``, the students written since (``core/people/risk_keys.py``)."""

from __future__ import annotations

from sqlalchemy import Column, Float, Integer, MetaData, String, Table, delete, func, insert, select
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


# The triggers that keep these tables, as patterns of their names (``LIKE``): a bulk load into
# an empty store (a first sync's snapshot, ``sync/bulk_load.py``) sets them aside and fills the
# tables once at the end with ``refill_sql``.
KEEPING_TRIGGERS = (
    "student_progress_totals_%",
    "student_submission_totals_%",
    "student_sort_keys_%",
    "student_risk_stale_%",  # the store is empty: no scores to mark; the pull counts all after
)


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


__all__ = [
    "KEEPING_TRIGGERS",
    "PROGRESS_TOTALS",
    "RISK",
    "RISK_BASIS",
    "RISK_STALE",
    "SORT_KEYS",
    "SUBMISSION_TOTALS",
    "derived",
    "refill",
    "refill_sql",
]
