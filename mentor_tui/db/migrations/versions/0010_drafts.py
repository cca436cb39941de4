"""Drafts of unsaved editor text (issue 15: nothing typed is lost).

Runs 0010_drafts.sql.

Revision ID: 0010
Revises: 0008
"""

from mentor_tui.db.migrations.runner import run_sql_file

revision = "0010"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    run_sql_file("0010_drafts.sql")
