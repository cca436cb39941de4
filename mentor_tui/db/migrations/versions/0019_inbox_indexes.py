"""A covering index for screen 7's conversations and a conversation's pages (issue 17).

Runs 0019_inbox_indexes.sql.

Revision ID: 0019
Revises: 0018
"""

from mentor_tui.db.migrations.runner import run_sql_file

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    run_sql_file("0019_inbox_indexes.sql")
