"""Student availability, session reminder log.

Runs 0006_sessions.sql; a store from before Alembic at user_version 6 has it.

Revision ID: 0006
Revises: 0005
"""

from mentor_tui.db.migrations.runner import run_sql_file

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    run_sql_file("0006_sessions.sql")
