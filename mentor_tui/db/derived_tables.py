"""Tables the store derives from its own rows and keeps by triggers (local revision
0021): never synced, never journalled, not SQLModel tables (so neither ``create_all``
nor a server's schema has them). ``student_progress_totals``: each student's live progress
rows summed (how many, how many completed, the last activity), for the dashboard."""

from __future__ import annotations

from sqlalchemy import Column, Integer, MetaData, String, Table
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

__all__ = ["PROGRESS_TOTALS", "derived"]
