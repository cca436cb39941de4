"""Baseline: the server database as mentor-tui made it before Alembic (main at 8f22ba9).

The synced domain tables, as SQLModel's ``create_all`` made them from the models, and the
server's own ``server_*`` tables. A table that is there already is left as it is: a server may
run on a file that is also a local store (such as a demo), whose domain tables the local
store's revisions made. A database made before Alembic has every table and is stamped at this
revision instead (``server/migrations/__init__.py``).

Frozen: the schema changes in new revisions, never here.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

metadata = sa.MetaData()

sa.Table(
    "audit_log",
    metadata,
    sa.Column("id", sa.String(length=36), nullable=False),
    sa.Column("actor_id", sa.String(), nullable=True),
    sa.Column("action", sa.String(), nullable=False),
    sa.Column("entity", sa.String(), nullable=False),
    sa.Column("entity_id", sa.String(), nullable=False),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("detail", sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint("id"),
    sa.Index("ix_audit_actor", "actor_id", "at"),
    sa.Index("ix_audit_at", "at"),
    sa.Index("ix_audit_entity", "entity", "entity_id"),
)

sa.Table(
    "courses",
    metadata,
    sa.Column("id", sa.String(length=36), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("version", sa.Integer(), nullable=False),
    sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("title", sa.String(), nullable=False),
    sa.Column("description", sa.String(), nullable=False),
    sa.PrimaryKeyConstraint("id"),
)

sa.Table(
    "server_applied_changes",
    metadata,
    sa.Column("change_id", sa.String(length=64), nullable=False),
    sa.Column("account_id", sa.String(length=64), nullable=False),
    sa.Column("entity", sa.String(length=64), nullable=False),
    sa.Column("entity_id", sa.String(length=64), nullable=False),
    sa.Column("status", sa.String(length=16), nullable=False),
    sa.Column("outcome", sa.JSON(), nullable=False),
    sa.Column("applied_at", sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint("change_id"),
)

sa.Table(
    "server_credentials",
    metadata,
    sa.Column("user_id", sa.String(length=64), nullable=False),
    sa.Column("password_hash", sa.String(length=512), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint("user_id"),
)

sa.Table(
    "server_log_counter",
    metadata,
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("position", sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint("id"),
)

sa.Table(
    "server_log_revokes",
    metadata,
    sa.Column("position", sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column("account_id", sa.String(length=64), nullable=True),
    sa.Column("entity", sa.String(length=64), nullable=False),
    sa.Column("entity_id", sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint("position"),
    sa.Index("ix_server_log_revokes_account", "account_id", "position"),
)

sa.Table(
    "server_log_rows",
    metadata,
    sa.Column("entity", sa.String(length=64), nullable=False),
    sa.Column("entity_id", sa.String(length=64), nullable=False),
    sa.Column("position", sa.BigInteger(), nullable=False),
    sa.Column("field_versions", sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint("entity", "entity_id"),
    sa.Index("ix_server_log_rows_entity_position", "entity", "position"),
    sa.Index("ix_server_log_rows_position", "position"),
)

sa.Table(
    "server_login_failures",
    metadata,
    sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
    sa.Column("email", sa.String(length=320), nullable=False),
    sa.Column("address", sa.String(length=64), nullable=False),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint("id"),
    sa.Index("ix_server_login_failures_address", "address", "at"),
    sa.Index("ix_server_login_failures_email", "email", "at"),
)

sa.Table(
    "server_meta",
    metadata,
    sa.Column("key", sa.String(length=64), nullable=False),
    sa.Column("value", sa.String(length=256), nullable=False),
    sa.PrimaryKeyConstraint("key"),
)

sa.Table(
    "server_tokens",
    metadata,
    sa.Column("token_hash", sa.String(length=128), nullable=False),
    sa.Column("user_id", sa.String(length=64), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint("token_hash"),
    sa.Index("ix_server_tokens_user", "user_id"),
)

sa.Table(
    "users",
    metadata,
    sa.Column("id", sa.String(length=36), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("version", sa.Integer(), nullable=False),
    sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("full_name", sa.String(), nullable=False),
    sa.Column("email", sa.String(), nullable=False),
    sa.Column("role", sa.String(), nullable=False),
    sa.Column("status", sa.String(), nullable=False),
    sa.Column("timezone", sa.String(), nullable=False),
    sa.Column("mentor_id", sa.String(), nullable=True),
    sa.ForeignKeyConstraint(["mentor_id"], ["users.id"]),
    sa.PrimaryKeyConstraint("id"),
    sa.UniqueConstraint("email", name="uq_users_email"),
    sa.Index("ix_users_mentor_name", "mentor_id", "full_name"),
    sa.Index(
        "ix_users_role_live_name",
        "role",
        "deleted_at",
        "full_name",
        "id",
        "email",
        "status",
        "mentor_id",
    ),
    sa.Index("ix_users_role_mentor", "role", "mentor_id", "deleted_at", "full_name", "id"),
    sa.Index("ix_users_role_name", "role", "full_name"),
)

sa.Table(
    "comment_snippets",
    metadata,
    sa.Column("id", sa.String(length=36), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("version", sa.Integer(), nullable=False),
    sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("owner_id", sa.String(), nullable=False),
    sa.Column("title", sa.String(), nullable=False),
    sa.Column("body", sa.String(), nullable=False),
    sa.ForeignKeyConstraint(["owner_id"], ["users.id"]),
    sa.PrimaryKeyConstraint("id"),
    sa.Index("ix_comment_snippets_owner_title", "owner_id", "title"),
)

sa.Table(
    "mentor_profiles",
    metadata,
    sa.Column("id", sa.String(length=36), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("version", sa.Integer(), nullable=False),
    sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("user_id", sa.String(), nullable=False),
    sa.Column("expertise", sa.JSON(), nullable=False),
    sa.Column("teaching_style", sa.String(), nullable=False),
    sa.Column("capacity", sa.Integer(), nullable=False),
    sa.Column("weekly_hours", sa.Integer(), nullable=False),
    sa.Column("availability", sa.JSON(), nullable=False),
    sa.Column("contact_preferences", sa.JSON(), nullable=False),
    sa.Column("backup_mentor_id", sa.String(), nullable=True),
    sa.Column("bio", sa.String(), nullable=False),
    sa.Column("unavailable_reason", sa.String(), nullable=True),
    sa.Column("unavailable_until", sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(["backup_mentor_id"], ["users.id"]),
    sa.ForeignKeyConstraint(["user_id"], ["users.id"]),
    sa.PrimaryKeyConstraint("id"),
    sa.UniqueConstraint("user_id"),
)

sa.Table(
    "mentor_specializations",
    metadata,
    sa.Column("id", sa.String(length=36), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("version", sa.Integer(), nullable=False),
    sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("mentor_id", sa.String(), nullable=False),
    sa.Column("specialization", sa.String(), nullable=False),
    sa.Column("proficiency_level", sa.Integer(), nullable=False),
    sa.Column("certification_url", sa.String(), nullable=True),
    sa.Column("verified", sa.Boolean(), nullable=False),
    sa.CheckConstraint("proficiency_level BETWEEN 1 AND 5", name="ck_spec_proficiency"),
    sa.ForeignKeyConstraint(["mentor_id"], ["users.id"]),
    sa.PrimaryKeyConstraint("id"),
    sa.Index("ix_mentor_specializations_mentor_id", "mentor_id"),
)

sa.Table(
    "mentorship_sessions",
    metadata,
    sa.Column("id", sa.String(length=36), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("version", sa.Integer(), nullable=False),
    sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("mentor_id", sa.String(), nullable=False),
    sa.Column("kind", sa.String(), nullable=False),
    sa.Column("title", sa.String(), nullable=False),
    sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("duration_minutes", sa.Integer(), nullable=False),
    sa.Column("timezone", sa.String(), nullable=False),
    sa.Column("meeting_link", sa.String(), nullable=True),
    sa.Column("agenda", sa.String(), nullable=False),
    sa.Column("status", sa.String(), nullable=False),
    sa.Column("summary", sa.String(), nullable=False),
    sa.ForeignKeyConstraint(["mentor_id"], ["users.id"]),
    sa.PrimaryKeyConstraint("id"),
    sa.Index("ix_sessions_mentor_start", "mentor_id", "starts_at"),
    sa.Index("ix_sessions_start", "starts_at"),
)

sa.Table(
    "messages",
    metadata,
    sa.Column("id", sa.String(length=36), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("version", sa.Integer(), nullable=False),
    sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("sender_id", sa.String(), nullable=False),
    sa.Column("recipient_id", sa.String(), nullable=True),
    sa.Column("kind", sa.String(), nullable=False),
    sa.Column("body", sa.String(), nullable=False),
    sa.Column("read_at", sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(["recipient_id"], ["users.id"]),
    sa.ForeignKeyConstraint(["sender_id"], ["users.id"]),
    sa.PrimaryKeyConstraint("id"),
    sa.Index("ix_messages_recipient", "recipient_id", "created_at"),
    sa.Index("ix_messages_sender", "sender_id", "created_at"),
)

sa.Table(
    "modules",
    metadata,
    sa.Column("id", sa.String(length=36), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("version", sa.Integer(), nullable=False),
    sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("course_id", sa.String(), nullable=False),
    sa.Column("title", sa.String(), nullable=False),
    sa.Column("position", sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(["course_id"], ["courses.id"]),
    sa.PrimaryKeyConstraint("id"),
    sa.Index("ix_modules_course_id", "course_id"),
)

sa.Table(
    "notifications",
    metadata,
    sa.Column("id", sa.String(length=36), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("version", sa.Integer(), nullable=False),
    sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("user_id", sa.String(), nullable=False),
    sa.Column("type", sa.String(), nullable=False),
    sa.Column("title", sa.String(), nullable=False),
    sa.Column("message", sa.String(), nullable=False),
    sa.Column("data", sa.JSON(), nullable=False),
    sa.Column("read_at", sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(["user_id"], ["users.id"]),
    sa.PrimaryKeyConstraint("id"),
    sa.Index("ix_notifications_user_read", "user_id", "read_at", "created_at"),
)

sa.Table(
    "session_templates",
    metadata,
    sa.Column("id", sa.String(length=36), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("version", sa.Integer(), nullable=False),
    sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("title", sa.String(), nullable=False),
    sa.Column("agenda", sa.String(), nullable=False),
    sa.Column("owner_id", sa.String(), nullable=True),
    sa.ForeignKeyConstraint(["owner_id"], ["users.id"]),
    sa.PrimaryKeyConstraint("id"),
)

sa.Table(
    "student_availability",
    metadata,
    sa.Column("id", sa.String(length=36), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("version", sa.Integer(), nullable=False),
    sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("student_id", sa.String(), nullable=False),
    sa.Column("windows", sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(["student_id"], ["users.id"]),
    sa.PrimaryKeyConstraint("id"),
    sa.UniqueConstraint("student_id"),
)

sa.Table(
    "student_profiles",
    metadata,
    sa.Column("id", sa.String(length=36), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("version", sa.Integer(), nullable=False),
    sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("user_id", sa.String(), nullable=False),
    sa.Column("learning_style", sa.String(), nullable=False),
    sa.Column("needed_skills", sa.JSON(), nullable=False),
    sa.Column("goals", sa.String(), nullable=False),
    sa.ForeignKeyConstraint(["user_id"], ["users.id"]),
    sa.PrimaryKeyConstraint("id"),
    sa.UniqueConstraint("user_id"),
)

sa.Table(
    "assignments",
    metadata,
    sa.Column("id", sa.String(length=36), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("version", sa.Integer(), nullable=False),
    sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("module_id", sa.String(), nullable=False),
    sa.Column("title", sa.String(), nullable=False),
    sa.Column("description", sa.String(), nullable=False),
    sa.ForeignKeyConstraint(["module_id"], ["modules.id"]),
    sa.PrimaryKeyConstraint("id"),
    sa.Index("ix_assignments_module_id", "module_id"),
)

sa.Table(
    "mentorship_notes",
    metadata,
    sa.Column("id", sa.String(length=36), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("version", sa.Integer(), nullable=False),
    sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("mentor_id", sa.String(), nullable=False),
    sa.Column("student_id", sa.String(), nullable=False),
    sa.Column("kind", sa.String(), nullable=False),
    sa.Column("note", sa.String(), nullable=False),
    sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("due_date", sa.Date(), nullable=True),
    sa.Column("done", sa.Boolean(), nullable=False),
    sa.Column("session_id", sa.String(), nullable=True),
    sa.ForeignKeyConstraint(["mentor_id"], ["users.id"]),
    sa.ForeignKeyConstraint(["session_id"], ["mentorship_sessions.id"]),
    sa.ForeignKeyConstraint(["student_id"], ["users.id"]),
    sa.PrimaryKeyConstraint("id"),
    sa.Index("ix_notes_mentor_student_added", "mentor_id", "student_id", "added_at"),
    sa.Index("ix_notes_student", "student_id"),
)

sa.Table(
    "module_progress",
    metadata,
    sa.Column("id", sa.String(length=36), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("version", sa.Integer(), nullable=False),
    sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("user_id", sa.String(), nullable=False),
    sa.Column("module_id", sa.String(), nullable=False),
    sa.Column("is_completed", sa.Boolean(), nullable=False),
    sa.Column("percent", sa.Float(), nullable=False),
    sa.Column("time_spent_minutes", sa.Integer(), nullable=False),
    sa.Column("quiz_score", sa.Float(), nullable=True),
    sa.Column("last_activity_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(["module_id"], ["modules.id"]),
    sa.ForeignKeyConstraint(["user_id"], ["users.id"]),
    sa.PrimaryKeyConstraint("id"),
    sa.UniqueConstraint("user_id", "module_id", name="uq_progress_user_module"),
    sa.Index("ix_progress_user_activity", "user_id", "last_activity_at"),
    sa.Index("ix_progress_user_live", "user_id", "deleted_at", "is_completed", "last_activity_at"),
)

sa.Table(
    "session_attendees",
    metadata,
    sa.Column("id", sa.String(length=36), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("version", sa.Integer(), nullable=False),
    sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("session_id", sa.String(), nullable=False),
    sa.Column("student_id", sa.String(), nullable=False),
    sa.Column("attendance", sa.String(), nullable=True),
    sa.Column("rating", sa.Integer(), nullable=True),
    sa.CheckConstraint("rating IS NULL OR rating BETWEEN 1 AND 5", name="ck_attendee_rating"),
    sa.ForeignKeyConstraint(["session_id"], ["mentorship_sessions.id"]),
    sa.ForeignKeyConstraint(["student_id"], ["users.id"]),
    sa.PrimaryKeyConstraint("id"),
    sa.UniqueConstraint("session_id", "student_id", name="uq_attendee_session_student"),
    sa.Index("ix_attendees_student", "student_id"),
)

sa.Table(
    "submissions",
    metadata,
    sa.Column("id", sa.String(length=36), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("version", sa.Integer(), nullable=False),
    sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("assignment_id", sa.String(), nullable=False),
    sa.Column("student_id", sa.String(), nullable=False),
    sa.Column("content", sa.String(), nullable=False),
    sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("status", sa.String(), nullable=False),
    sa.Column("feedback", sa.String(), nullable=True),
    sa.Column("reviewer_id", sa.String(), nullable=True),
    sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("attempt", sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(["assignment_id"], ["assignments.id"]),
    sa.ForeignKeyConstraint(["reviewer_id"], ["users.id"]),
    sa.ForeignKeyConstraint(["student_id"], ["users.id"]),
    sa.PrimaryKeyConstraint("id"),
    sa.Index("ix_submissions_assignment_student", "assignment_id", "student_id"),
    sa.Index(
        "ix_submissions_queue",
        "status",
        "deleted_at",
        "submitted_at",
        "id",
        "student_id",
        "assignment_id",
    ),
    sa.Index("ix_submissions_status_submitted", "status", "submitted_at"),
    sa.Index("ix_submissions_student_live", "student_id", "deleted_at", "status", "submitted_at"),
    sa.Index("ix_submissions_student_status", "student_id", "status", "submitted_at"),
)


def upgrade() -> None:
    metadata.create_all(op.get_bind(), checkfirst=True)
