"""The learning platform bridge's bookkeeping: lms_rows and lms_cursors.

Runs 0010_lms_bridge.sql.

Revision ID: 0010
Revises: 0009
"""

from mentor_tui.db.migrations.runner import run_sql_file

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    run_sql_file("0010_lms_bridge.sql")
