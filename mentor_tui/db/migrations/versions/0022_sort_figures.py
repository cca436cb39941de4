"""Each student's submission totals (pending, the oldest pending, the last submitted), kept by
triggers on submissions in the transaction that writes them, and an index for the status
order (issue 21: the students list sorted by a figure); on a store whose statistics were
gathered (``ANALYZE``: the demo build), the new index's and tables' statistics too, so the
query planner weighs them as it weighs the others (without them it took the status index for
the name order and sorted every student).

Runs 0022_sort_figures.sql.

Revision ID: 0022
Revises: 0021
"""

from mentor_tui.db.migrations.runner import analyze_if_gathered, run_sql_file

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None

ANALYSED = (
    "ix_users_role_live_status_name",
    "student_submission_totals",
    "student_progress_totals",
    "student_sort_keys",
)


def upgrade() -> None:
    run_sql_file("0022_sort_figures.sql")
    analyze_if_gathered(ANALYSED)
