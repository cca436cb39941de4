"""Review comment bank, reminder log, queue index.

Runs 0004_reviews.sql; a store from before Alembic at user_version 4 has it.

Revision ID: 0004
Revises: 0003
"""

from mentor_tui.db.migrations.runner import run_sql_file

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    run_sql_file("0004_reviews.sql")
