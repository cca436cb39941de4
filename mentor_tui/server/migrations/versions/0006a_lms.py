"""The learning platform bridge run on a server's database: its bookkeeping (as a local
store's lms_rows and lms_cursors) and the conflicts it kept for the admins.

Revision ID: 0006a
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006a"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
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
    op.drop_index("ix_server_lms_conflicts_created", table_name="server_lms_conflicts")
    op.drop_table("server_lms_conflicts")
    op.drop_table("server_lms_cursors")
    op.drop_index("ix_server_lms_rows_local", table_name="server_lms_rows")
    op.drop_table("server_lms_rows")
