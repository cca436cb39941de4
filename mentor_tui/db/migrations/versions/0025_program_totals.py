"""Two tables for the program report (issue 19), kept by triggers in the transaction that
writes their rows: the work sent back with feedback and the next attempt at it, counted by
(feedback length, approved) (the feedback correlation reads ~50 kept rows, not 300,000 pairs
joined), and each student's sessions attended (the session frequency reads one row per
student, not every attendance joined to its session).

Runs 0025_program_totals.sql.

Revision ID: 0025
Revises: 0024
"""

from mentor_tui.db.migrations.runner import run_sql_file

revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None


def upgrade() -> None:
    run_sql_file("0025_program_totals.sql")
