"""Covering indexes for the analytics at program scale: review times kept in two indexes on
submissions, the work sent back with its feedback's length, the next attempt, and a student's
progress rows with their times.

Runs 0015_analytics_indexes.sql.

Revision ID: 0015
Revises: 0014
"""

from mentor_tui.db.migrations.runner import run_sql_file

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    run_sql_file("0015_analytics_indexes.sql")
