"""Covering indexes for the dashboard.

Runs 0008_dashboard_indexes.sql; a store from before Alembic at user_version 8 has it.

Revision ID: 0008
Revises: 0007
"""

from mentor_tui.db.migrations.runner import run_sql_file

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    run_sql_file("0008_dashboard_indexes.sql")
