"""Students as first-class users: auto-accepted bookings, feedback requests and feedback read,
a declined booking's reason, a rating's comment.

A column that is there already is left as it is: a server may run on a file that is also a
local store, whose own revision (0014) added them.

Revision ID: 0005
Revises: 0004
"""

import warnings

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

_COLUMNS = (
    (
        "mentor_profiles",
        sa.Column("auto_accept_bookings", sa.Boolean(), nullable=False, server_default=sa.false()),
    ),
    ("submissions", sa.Column("feedback_requested_at", sa.DateTime(timezone=True), nullable=True)),
    ("submissions", sa.Column("feedback_request", sa.String(), nullable=True)),
    ("submissions", sa.Column("feedback_seen_at", sa.DateTime(timezone=True), nullable=True)),
    (
        "mentorship_sessions",
        sa.Column("decline_reason", sa.String(), nullable=False, server_default=""),
    ),
    ("session_attendees", sa.Column("rating_comment", sa.String(), nullable=True)),
)


def upgrade() -> None:
    inspector = sa.inspect(op.get_bind())
    for table, column in _COLUMNS:
        if column.name not in {c["name"] for c in inspector.get_columns(table)}:
            op.add_column(table, column)
    with warnings.catch_warnings():  # a local store's expression indexes: names are enough
        warnings.filterwarnings("ignore", "Skipped unsupported reflection", sa.exc.SAWarning)
        indexes = {i["name"] for i in inspector.get_indexes("submissions")}
    if "ix_submissions_feedback_requested" not in indexes:
        op.create_index(
            "ix_submissions_feedback_requested", "submissions", ["feedback_requested_at"]
        )
