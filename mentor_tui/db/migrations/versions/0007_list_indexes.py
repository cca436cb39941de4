"""Covering indexes for the students list.

Runs 0007_list_indexes.sql; a store from before Alembic at user_version 7 has it.

Revision ID: 0007
Revises: 0006
"""

from mentor_tui.db.migrations.runner import run_sql_file

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    run_sql_file("0007_list_indexes.sql")
