"""People and settings: availability exceptions, the graduation date, program settings.

Runs 0014_people.sql.

Revision ID: 0014
Revises: 0008
"""

from mentor_tui.db.migrations.runner import run_sql_file

revision = "0014"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    run_sql_file("0014_people.sql")
