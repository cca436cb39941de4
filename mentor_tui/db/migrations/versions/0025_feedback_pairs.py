"""The work sent back with feedback and the next attempt at it, counted by (feedback length,
approved), kept by triggers on submissions in the transaction that writes them (issue 19: the
program report's feedback correlation read ~3,000 kept rows, not 300,000 pairs joined).

Runs 0025_feedback_pairs.sql.

Revision ID: 0025
Revises: 0024
"""

from mentor_tui.db.migrations.runner import run_sql_file

revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None


def upgrade() -> None:
    run_sql_file("0025_feedback_pairs.sql")
