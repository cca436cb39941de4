"""Covering indexes for the students list.

The SQL of 0007_list_indexes.sql, which stores made before Alembic took as PRAGMA user_version 7.

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
