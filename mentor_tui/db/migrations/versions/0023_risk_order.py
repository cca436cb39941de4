"""Each student's at-risk score as of a kept moment, indexed for the students list's at-risk
order, with the values its clock rules compare (issue 21); the students whose rows change are
marked stale by triggers and counted afresh by the next read (core/people/risk_keys.py).

Runs 0023_risk_order.sql.

Revision ID: 0023
Revises: 0022
"""

from mentor_tui.db.migrations.runner import run_sql_file

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None


def upgrade() -> None:
    run_sql_file("0023_risk_order.sql")
