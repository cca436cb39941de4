"""Each student's progress totals (modules, completed, last activity), kept by triggers on
module_progress in the transaction that writes the rows (issue 21: the dashboard's figures).

Runs 0021_progress_totals.sql.

Revision ID: 0021
Revises: 0020
"""

from mentor_tui.db.migrations.runner import run_sql_file

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade() -> None:
    run_sql_file("0021_progress_totals.sql")
