"""Student availability, session reminder log.

The SQL of 0006_sessions.sql, which stores made before Alembic took as PRAGMA user_version 6.

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
