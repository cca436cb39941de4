"""The learning platform bridge's bookkeeping: lms_rows and lms_cursors.

Runs 0009_lms_bridge.sql.

Revision ID: 0009
Revises: 0008
"""

from mentor_tui.db.migrations.runner import run_sql_file

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    run_sql_file("0009_lms_bridge.sql")
