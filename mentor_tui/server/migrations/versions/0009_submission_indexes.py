"""Submissions' indexes as the models declare them since the local store's revision 0026:
``ix_submissions_status_submitted``, ``ix_submissions_student_status`` and
``ix_submissions_assignment_student`` dropped (the queue's index and
``ix_submissions_student_live`` serve every read of the server's, which finds submissions by
student).

An index that is not there is left alone: a server may run on a file that is also a local
store, whose own revision 0026 dropped them.

Revision ID: 0009
Revises: 0008
"""

import warnings

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

DROPPED = (
    "ix_submissions_status_submitted",
    "ix_submissions_student_status",
    "ix_submissions_assignment_student",
)


def upgrade() -> None:
    inspector = sa.inspect(op.get_bind())
    with warnings.catch_warnings():  # a local store's expression indexes: names are enough
        warnings.filterwarnings("ignore", "Skipped unsupported reflection", sa.exc.SAWarning)
        indexes = {i["name"] for i in inspector.get_indexes("submissions")}
    for name in DROPPED:
        if name in indexes:
            op.drop_index(name, table_name="submissions")
