"""Conversations: threads, announcement audiences, kept edits, reports, read state, drafts.

Runs 0013_messages.sql.

Revision ID: 0013
Revises: 0012
"""

from mentor_tui.db.migrations.runner import run_sql_file

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    run_sql_file("0013_messages.sql")
