"""Peer mentorship: certified peer mentors, peer reviews, study groups and their members; a
group session names its group.

Runs 0015e_peers.sql.

Revision ID: 0015e
Revises: 0014
"""

from mentor_tui.db.migrations.runner import run_sql_file

revision = "0015e"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    run_sql_file("0015e_peers.sql")
