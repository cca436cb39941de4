"""Drafts of unsaved editor text (issue 15: nothing typed is lost).

Runs 0011_drafts.sql.

Revision ID: 0011
Revises: 0010
"""

from mentor_tui.db.migrations.runner import run_sql_file

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    run_sql_file("0011_drafts.sql")
