"""Enrollments: a student in a course, synced.

Runs 0017_enrollments.sql.

Revision ID: 0017
Revises: 0016
"""

from mentor_tui.db.migrations.runner import run_sql_file

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    run_sql_file("0017_enrollments.sql")
