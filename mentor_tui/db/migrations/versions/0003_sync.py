"""Sync: server link, conflicts, journal by row.

Runs 0003_sync.sql; a store from before Alembic at user_version 3 has it.

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
