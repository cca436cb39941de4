"""xAPI: integration accounts and the statements they post, kept as received.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "server_integrations",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("full_name", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("email"),
    )
    op.create_table(
        "server_xapi_statements",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("account_id", sa.String(length=64), nullable=False),
        sa.Column("stored_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=330), nullable=True),
        sa.Column("verb", sa.String(length=2048), nullable=False),
        sa.Column("activity_id", sa.String(length=2048), nullable=True),
        sa.Column("outcome", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_server_xapi_statements_outcome",
        "server_xapi_statements",
        ["outcome", "activity_id"],
    )


def downgrade() -> None:
    op.drop_index("ix_server_xapi_statements_outcome", table_name="server_xapi_statements")
    op.drop_table("server_xapi_statements")
    op.drop_table("server_integrations")
