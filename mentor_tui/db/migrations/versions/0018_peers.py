"""Peer mentorship: certified peer mentors, peer reviews, study groups and their members; a
group session names its group.

Runs 0018_peers.sql.

Revision ID: 0018
Revises: 0017
"""

from mentor_tui.db.migrations.runner import run_sql_file

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    run_sql_file("0018_peers.sql")
