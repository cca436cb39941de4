"""Notification preferences: each person's delivery (off, app, email, daily, weekly digest)
per kind of notification.

Runs 0016_notification_preferences.sql.

Revision ID: 0016
Revises: 0015
"""

from mentor_tui.db.migrations.runner import run_sql_file

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    run_sql_file("0016_notification_preferences.sql")
