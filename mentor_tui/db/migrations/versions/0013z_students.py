"""Students as first-class users: auto-accepted bookings, feedback requests and feedback read,
a declined booking's reason, a rating's comment.

Runs 0013z_students.sql.

Revision ID: 0013z
Revises: 0012
"""

from mentor_tui.db.migrations.runner import run_sql_file

revision = "0013z"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    run_sql_file("0013z_students.sql")
