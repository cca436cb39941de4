"""The sort keys' eight triggers read one view, student_sort_keys_source, for the SELECT
that 0022 repeated in each (issue 21); the same plan, the same keys.

Runs 0024_sort_keys_source.sql.

Revision ID: 0024
Revises: 0023
"""

from mentor_tui.db.migrations.runner import run_sql_file

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None


def upgrade() -> None:
    run_sql_file("0024_sort_keys_source.sql")
