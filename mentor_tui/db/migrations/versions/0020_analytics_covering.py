"""Covering indexes for the program report and the per-mentor table: a mentor's students with
their status, a student's submissions with review and submission times; on a store whose
statistics were gathered (``ANALYZE``: the demo build), the two indexes' statistics too, so
the query planner weighs them as it weighs the others.

Runs 0020_analytics_covering.sql.

Revision ID: 0020
Revises: 0019
"""

from mentor_tui.db.migrations.runner import analyze_if_gathered, run_sql_file

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None

INDEXES = ("ix_users_role_mentor_status", "ix_submissions_student_review_time")


def upgrade() -> None:
    run_sql_file("0020_analytics_covering.sql")
    analyze_if_gathered(INDEXES)
