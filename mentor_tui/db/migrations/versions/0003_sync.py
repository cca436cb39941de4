"""Sync: server link, conflicts, journal by row.

The SQL of 0003_sync.sql, which stores made before Alembic took as PRAGMA user_version 3.

Revision ID: 0003
Revises: 0002
"""

from mentor_tui.db.migrations.runner import run_sql_file

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    run_sql_file("0003_sync.sql")
