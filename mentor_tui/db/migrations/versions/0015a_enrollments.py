"""Enrollments: a student in a course, synced.

Runs 0015a_enrollments.sql.

Revision ID: 0015a
Revises: 0014
"""

from mentor_tui.db.migrations.runner import run_sql_file

revision = "0015a"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    run_sql_file("0015a_enrollments.sql")
