"""The learning platform bridge run on a server's database: its bookkeeping (as a local
store's lms_rows and lms_cursors) and the conflicts it kept for the admins; and enrollments
(a synced domain table, left as it is when the file is also a local store that has it).

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if not sa.inspect(op.get_bind()).has_table("enrollments"):
        op.create_table(
            "enrollments",
            sa.Column("id", sa.String(length=36), nullable=False),
            sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
            sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
            sa.Column("version", sa.Integer(), nullable=False),
            sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
            sa.Column("user_id", sa.String(), nullable=False),
            sa.Column("course_id", sa.String(), nullable=False),
            sa.Column("enrolled_at", sa.DateTime(timezone=True), nullable=True),
            sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
            sa.ForeignKeyConstraint(["course_id"], ["courses.id"]),
            sa.ForeignKeyConstraint(["user_id"], ["users.id"]),
            sa.PrimaryKeyConstraint("id"),
        )
        op.create_index("ix_enrollments_user_course", "enrollments", ["user_id", "course_id"])
        op.create_index("ix_enrollments_course_id", "enrollments", ["course_id"])
    op.create_table(
        "server_lms_rows",
        sa.Column("entity", sa.String(length=64), nullable=False),
        sa.Column("platform_id", sa.String(length=64), nullable=False),
        sa.Column("local_id", sa.String(length=64), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("local_version", sa.Integer(), nullable=False),
        sa.Column("base", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("entity", "platform_id"),
    )
    op.create_index("ix_server_lms_rows_local", "server_lms_rows", ["entity", "local_id"])
    op.create_table(
        "server_lms_cursors",
        sa.Column("entity", sa.String(length=64), nullable=False),
        sa.Column("updated_at", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("entity"),
    )
    op.create_table(
        "server_lms_conflicts",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("entity", sa.String(length=64), nullable=False),
        sa.Column("entity_id", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("fields", sa.JSON(), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_server_lms_conflicts_created", "server_lms_conflicts", ["created_at"])


def downgrade() -> None:
    op.drop_index("ix_enrollments_course_id", table_name="enrollments")
    op.drop_index("ix_enrollments_user_course", table_name="enrollments")
    op.drop_table("enrollments")
    op.drop_index("ix_server_lms_conflicts_created", table_name="server_lms_conflicts")
    op.drop_table("server_lms_conflicts")
    op.drop_table("server_lms_cursors")
    op.drop_index("ix_server_lms_rows_local", table_name="server_lms_rows")
    op.drop_table("server_lms_rows")
