"""Initial schema.

The SQL of 0001_initial.sql, which stores made before Alembic took as PRAGMA user_version 1.

Revision ID: 0001
Revises:
"""

from mentor_tui.db.migrations.runner import run_sql_file

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    run_sql_file("0001_initial.sql")
