"""Initial schema.

Runs 0001_initial.sql; a store from before Alembic at user_version 1 has it.

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
