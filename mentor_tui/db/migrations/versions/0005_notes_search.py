"""Note search scoped to the author, in any script.

Runs 0005_notes_search.sql; a store from before Alembic at user_version 5 has it.

Revision ID: 0005
Revises: 0004
"""

from mentor_tui.db.migrations.runner import run_sql_file

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    run_sql_file("0005_notes_search.sql")
