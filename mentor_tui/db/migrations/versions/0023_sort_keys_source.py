"""The sort keys' eight triggers read one view, student_sort_keys_source, for the SELECT
that 0022 repeated in each (issue 21); the same plan, the same keys.

Runs 0023_sort_keys_source.sql.

Revision ID: 0023
Revises: 0022
"""

from mentor_tui.db.migrations.runner import run_sql_file

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None


def upgrade() -> None:
    run_sql_file("0023_sort_keys_source.sql")
