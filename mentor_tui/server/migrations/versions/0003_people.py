"""People and settings: availability exceptions, the graduation date, program settings, mentor
absences (temporary substitution).

A column or table that is there already is left as it is: a server may run on a file that is
also a local store, whose own revision (0012) added them.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

_COLUMNS = (
    (
        "mentor_profiles",
        sa.Column("availability_exceptions", sa.JSON(), nullable=False, server_default="[]"),
    ),
    (
        "student_availability",
        sa.Column("exceptions", sa.JSON(), nullable=False, server_default="[]"),
    ),
    ("student_profiles", sa.Column("graduated_on", sa.Date(), nullable=True)),
)


def upgrade() -> None:
    inspector = sa.inspect(op.get_bind())
    for table, column in _COLUMNS:
        if column.name not in {c["name"] for c in inspector.get_columns(table)}:
            op.add_column(table, column)
    if not inspector.has_table("program_settings"):
        op.create_table(
            "program_settings",
            sa.Column("id", sa.String(length=36), nullable=False),
            sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
            sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
            sa.Column("version", sa.Integer(), nullable=False),
            sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
            sa.Column("key", sa.String(), nullable=False),
            sa.Column("value", sa.String(), nullable=False),
            sa.PrimaryKeyConstraint("id"),
            sa.UniqueConstraint("key"),
        )
    if not inspector.has_table("mentor_absences"):
        op.create_table(
            "mentor_absences",
            sa.Column("id", sa.String(length=36), nullable=False),
            sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
            sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
            sa.Column("version", sa.Integer(), nullable=False),
            sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
            sa.Column("mentor_id", sa.String(), nullable=False),
            sa.Column("starts_on", sa.Date(), nullable=False),
            sa.Column("ends_on", sa.Date(), nullable=True),
            sa.Column("reason", sa.String(), nullable=False),
            sa.Column("state", sa.String(), nullable=False),
            sa.Column("moves", sa.JSON(), nullable=False),
            sa.Column("kept", sa.JSON(), nullable=False),
            sa.ForeignKeyConstraint(["mentor_id"], ["users.id"]),
            sa.PrimaryKeyConstraint("id"),
        )
        op.create_index("ix_mentor_absences_mentor_id", "mentor_absences", ["mentor_id"])
