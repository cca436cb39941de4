"""People and settings: availability exceptions, the graduation date, program settings.

Runs 0012_people.sql.

Revision ID: 0012
Revises: 0011
"""

from mentor_tui.db.migrations.runner import run_sql_file

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    run_sql_file("0012_people.sql")
