"""Full-text index of mentorship notes.

Runs 0002_notes_fts.sql; a store from before Alembic at user_version 2 has it.

Revision ID: 0002
Revises: 0001
"""

from mentor_tui.db.migrations.runner import run_sql_file

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    run_sql_file("0002_notes_fts.sql")
