"""Students as first-class users: auto-accepted bookings, feedback requests and feedback read,
a declined booking's reason, a rating's comment.

Runs 0014_students.sql.

Revision ID: 0014
Revises: 0013
"""

from mentor_tui.db.migrations.runner import run_sql_file

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    run_sql_file("0014_students.sql")
