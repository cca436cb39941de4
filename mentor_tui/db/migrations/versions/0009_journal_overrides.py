"""The change journal keeps what a change overrides on purpose (a forced assignment).

Runs 0009_journal_overrides.sql.

Revision ID: 0009
Revises: 0008
"""

from mentor_tui.db.migrations.runner import run_sql_file

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    run_sql_file("0009_journal_overrides.sql")
