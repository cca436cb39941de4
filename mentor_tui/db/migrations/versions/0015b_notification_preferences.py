"""Notification preferences: each person's delivery (off, app, email, daily, weekly digest)
per kind of notification.

Runs 0015b_notification_preferences.sql.

Revision ID: 0015b
Revises: 0014
"""

from mentor_tui.db.migrations.runner import run_sql_file

revision = "0015b"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    run_sql_file("0015b_notification_preferences.sql")
