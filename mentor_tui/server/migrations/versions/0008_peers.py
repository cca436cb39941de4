"""Peer mentorship: certified peer mentors, peer reviews, study groups and their members; a
group session names its group.

What is there already is left as it is: a server may run on a file that is also a local store,
whose own revision (0018) made the same tables and column.

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def _synced() -> list[sa.Column]:
    return [
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
    ]


def upgrade() -> None:
    inspector = sa.inspect(op.get_bind())
    if "group_id" not in {c["name"] for c in inspector.get_columns("mentorship_sessions")}:
        op.add_column("mentorship_sessions", sa.Column("group_id", sa.String(), nullable=True))
    if not inspector.has_table("peer_mentors"):
        op.create_table(
            "peer_mentors",
            *_synced(),
            sa.Column("student_id", sa.String(), nullable=False),
            sa.Column("certified_by", sa.String(), nullable=True),
            sa.Column("certified_at", sa.DateTime(timezone=True), nullable=False),
            sa.Column("capacity", sa.Integer(), nullable=False),
            sa.Column("course_id", sa.String(), nullable=True),
            sa.Column("completion", sa.Float(), nullable=False),
            sa.Column("quiz_average", sa.Float(), nullable=True),
            sa.Column("skills", sa.JSON(), nullable=False),
            sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
            sa.Column("revoked_by", sa.String(), nullable=True),
            sa.ForeignKeyConstraint(["student_id"], ["users.id"]),
            sa.ForeignKeyConstraint(["certified_by"], ["users.id"]),
            sa.ForeignKeyConstraint(["course_id"], ["courses.id"]),
            sa.ForeignKeyConstraint(["revoked_by"], ["users.id"]),
            sa.PrimaryKeyConstraint("id"),
        )
        op.create_index("ix_peer_mentors_student_id", "peer_mentors", ["student_id"])
    if not inspector.has_table("study_groups"):
        op.create_table(
            "study_groups",
            *_synced(),
            sa.Column("mentor_id", sa.String(), nullable=False),
            sa.Column("name", sa.String(), nullable=False),
            sa.Column("facilitator_id", sa.String(), nullable=True),
            sa.ForeignKeyConstraint(["mentor_id"], ["users.id"]),
            sa.ForeignKeyConstraint(["facilitator_id"], ["users.id"]),
            sa.PrimaryKeyConstraint("id"),
        )
        op.create_index("ix_study_groups_mentor_id", "study_groups", ["mentor_id"])
    if not inspector.has_table("study_group_members"):
        op.create_table(
            "study_group_members",
            *_synced(),
            sa.Column("group_id", sa.String(), nullable=False),
            sa.Column("student_id", sa.String(), nullable=False),
            sa.ForeignKeyConstraint(["group_id"], ["study_groups.id"]),
            sa.ForeignKeyConstraint(["student_id"], ["users.id"]),
            sa.PrimaryKeyConstraint("id"),
        )
        op.create_index("ix_study_group_members_student_id", "study_group_members", ["student_id"])
        op.create_index(
            "ix_study_group_members_group", "study_group_members", ["group_id", "student_id"]
        )
    if not inspector.has_table("peer_reviews"):
        op.create_table(
            "peer_reviews",
            *_synced(),
            sa.Column("submission_id", sa.String(), nullable=False),
            sa.Column("reviewer_id", sa.String(), nullable=False),
            sa.Column("verdict", sa.String(), nullable=False),
            sa.Column("feedback", sa.String(), nullable=False),
            sa.Column("outcome", sa.String(), nullable=False),
            sa.Column("decided_by", sa.String(), nullable=True),
            sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
            sa.ForeignKeyConstraint(["submission_id"], ["submissions.id"]),
            sa.ForeignKeyConstraint(["reviewer_id"], ["users.id"]),
            sa.ForeignKeyConstraint(["decided_by"], ["users.id"]),
            sa.PrimaryKeyConstraint("id"),
        )
        op.create_index("ix_peer_reviews_reviewer_id", "peer_reviews", ["reviewer_id"])
        op.create_index("ix_peer_reviews_submission_id", "peer_reviews", ["submission_id"])
