"""Conversations: threads, announcement audiences, kept edits and reports on ``messages``;
``message_reads`` (each recipient's read state of an announcement); an index for the inbox's
list of notifications.

What is there already is left as it is: a server may run on a file that is also a local store,
whose own revision (0013) made the same columns and table.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

_MESSAGE_COLUMNS = (
    sa.Column("thread_id", sa.String(), nullable=True),
    sa.Column("audience", sa.String(), nullable=True),
    sa.Column("edited_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("history", sa.JSON(), nullable=False, server_default="[]"),
    sa.Column("reported_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("reported_by", sa.String(), nullable=True),
)


def upgrade() -> None:
    bind = op.get_bind()
    inspector = sa.inspect(bind)
    present = {c["name"] for c in inspector.get_columns("messages")}
    for column in _MESSAGE_COLUMNS:
        if column.name not in present:
            op.add_column("messages", column)
    if "thread_id" not in present:
        op.execute("UPDATE messages SET thread_id = id")
        op.execute("UPDATE messages SET audience = 'students' WHERE kind = 'announcement'")
    if "ix_messages_thread" not in {i["name"] for i in inspector.get_indexes("messages")}:
        op.create_index("ix_messages_thread", "messages", ["thread_id", "created_at"])
    if "ix_notifications_user_created" not in {
        i["name"] for i in inspector.get_indexes("notifications")
    }:
        op.create_index(
            "ix_notifications_user_created",
            "notifications",
            ["user_id", "deleted_at", "created_at", "id", "read_at"],
        )
    if not inspector.has_table("message_reads"):
        op.create_table(
            "message_reads",
            sa.Column("id", sa.String(length=36), nullable=False),
            sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
            sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
            sa.Column("version", sa.Integer(), nullable=False),
            sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
            sa.Column("message_id", sa.String(), nullable=False),
            sa.Column("user_id", sa.String(), nullable=False),
            sa.Column("read_at", sa.DateTime(timezone=True), nullable=True),
            sa.ForeignKeyConstraint(["message_id"], ["messages.id"]),
            sa.ForeignKeyConstraint(["user_id"], ["users.id"]),
            sa.PrimaryKeyConstraint("id"),
        )
        op.create_index("ix_message_reads_user_message", "message_reads", ["user_id", "message_id"])
