"""SQLModel tables for the whole mentorship domain (SPEC section 3).

Every synced table carries a UUID text key, created/updated times (naive UTC), an integer
``version`` bumped on every change and a ``deleted_at`` tombstone instead of a hard delete.
Local-only bookkeeping (the change journal, settings) has its own shape.

Writes never go straight to these tables from screens or the CLI: they go through
``mentor_tui.core.writes`` which bumps versions, journals and audit-logs each change.
"""

from __future__ import annotations

import os
import uuid
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, ClassVar

from sqlalchemy import JSON, CheckConstraint, Column, Index, Table, UniqueConstraint
from sqlmodel import Field, SQLModel

ROLES = ("admin", "mentor", "student")
USER_STATUSES = ("Active", "Inactive", "Passed out / Completed")
TEACHING_STYLES = ("visual", "auditory", "kinesthetic", "mixed")
SUBMISSION_STATUSES = ("pending", "approved", "rejected", "changes_requested")
NOTE_KINDS = ("note", "session_summary", "action_item")
SESSION_KINDS = ("one_on_one", "group")
# "requested": a student's booking waiting for the mentor; "declined": the mentor said no
SESSION_STATUSES = ("scheduled", "completed", "cancelled", "requested", "declined")
ATTENDANCE = ("attended", "no_show", "excused")
MESSAGE_KINDS = ("direct", "announcement")
AUDIENCES = ("students", "mentors", "everyone")


def new_id() -> str:
    return str(uuid.uuid4())


def new_ids(count: int) -> list[str]:
    """``count`` ids as ``new_id`` makes them (random version 4 UUIDs, the same text), from
    one read of the system's randomness: for a producer of many rows at once."""
    digits = os.urandom(16 * count).hex()
    made = []
    for at in range(0, 32 * count, 32):
        h = digits[at : at + 32]
        # version 4 in the 13th digit, the RFC 4122 variant (8, 9, a or b) in the 17th
        made.append(f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{_VARIANT[h[16]]}{h[17:20]}-{h[20:]}")
    return made


_VARIANT = {d: "89ab"[int(d, 16) & 3] for d in "0123456789abcdef"}


class Synced(SQLModel):
    """Columns every synced row has."""

    if TYPE_CHECKING:
        # What every table below has, which SQLModel does not declare: a name of its own (not
        # a function of the class) and its Table.
        __tablename__: ClassVar[str]
        __table__: ClassVar[Table]

    id: str = Field(default_factory=new_id, primary_key=True, max_length=36)
    if TYPE_CHECKING:
        # Set by core.writes.insert, not by whoever builds the row: to the type checker, the
        # constructor does not ask for them. At run time they stay plain required columns.
        created_at: datetime = Field(default=None)
        updated_at: datetime = Field(default=None)
    else:
        created_at: datetime
        updated_at: datetime
    version: int = 1
    deleted_at: datetime | None = None


class User(Synced, table=True):
    __tablename__ = "users"
    __table_args__ = (
        UniqueConstraint("email", name="uq_users_email"),
        Index("ix_users_role_mentor", "role", "mentor_id", "deleted_at", "full_name", "id"),
        Index("ix_users_role_name", "role", "full_name"),
        Index("ix_users_mentor_name", "mentor_id", "full_name"),
        Index(
            "ix_users_role_live_name",
            "role",
            "deleted_at",
            "full_name",
            "id",
            "email",
            "status",
            "mentor_id",
        ),
    )

    full_name: str
    email: str
    role: str
    status: str = "Active"
    timezone: str = "UTC"
    mentor_id: str | None = Field(default=None, foreign_key="users.id")


class MentorProfile(Synced, table=True):
    __tablename__ = "mentor_profiles"

    user_id: str = Field(foreign_key="users.id", unique=True)
    expertise: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    teaching_style: str = "mixed"
    capacity: int = 20
    weekly_hours: int = 10
    # [{"weekday": 0-6 (Monday 0), "start": "HH:MM", "end": "HH:MM"}] in the mentor's timezone
    availability: list[dict[str, Any]] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    contact_preferences: list[str] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    backup_mentor_id: str | None = Field(default=None, foreign_key="users.id")
    bio: str = ""
    unavailable_reason: str | None = None
    unavailable_until: date | None = None
    # [{"date": "YYYY-MM-DD", "reason": "..."}]: whole days off in the mentor's timezone (last:
    # revision 0012 added it to the end of the table)
    availability_exceptions: list[dict[str, Any]] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False, server_default="[]")
    )
    # a student's booking with this mentor is accepted at once (revision 0014)
    auto_accept_bookings: bool = False


class MentorSpecialization(Synced, table=True):
    __tablename__ = "mentor_specializations"
    __table_args__ = (
        CheckConstraint("proficiency_level BETWEEN 1 AND 5", name="ck_spec_proficiency"),
    )

    mentor_id: str = Field(foreign_key="users.id", index=True)
    specialization: str
    proficiency_level: int = 3
    certification_url: str | None = None
    verified: bool = False


class StudentProfile(Synced, table=True):
    __tablename__ = "student_profiles"

    user_id: str = Field(foreign_key="users.id", unique=True)
    learning_style: str = "mixed"
    needed_skills: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    goals: str = ""
    graduated_on: date | None = None  # set when the status becomes "Passed out / Completed"


class Course(Synced, table=True):
    __tablename__ = "courses"

    title: str
    description: str = ""


class Module(Synced, table=True):
    __tablename__ = "modules"

    course_id: str = Field(foreign_key="courses.id", index=True)
    title: str
    position: int = 0


class ModuleProgress(Synced, table=True):
    __tablename__ = "module_progress"
    __table_args__ = (
        UniqueConstraint("user_id", "module_id", name="uq_progress_user_module"),
        Index("ix_progress_user_activity", "user_id", "last_activity_at"),
        Index("ix_progress_user_live", "user_id", "deleted_at", "is_completed", "last_activity_at"),
    )

    user_id: str = Field(foreign_key="users.id")
    module_id: str = Field(foreign_key="modules.id")
    is_completed: bool = False
    percent: float = 0.0
    time_spent_minutes: int = 0
    quiz_score: float | None = None
    last_activity_at: datetime | None = None
    completed_at: datetime | None = None


class Assignment(Synced, table=True):
    __tablename__ = "assignments"

    module_id: str = Field(foreign_key="modules.id", index=True)
    title: str
    description: str = ""


class Submission(Synced, table=True):
    __tablename__ = "submissions"
    __table_args__ = (
        Index("ix_submissions_student_live", "student_id", "deleted_at", "status", "submitted_at"),
        Index("ix_submissions_feedback_requested", "feedback_requested_at"),
    )

    assignment_id: str = Field(foreign_key="assignments.id")
    student_id: str = Field(foreign_key="users.id")
    content: str = ""
    submitted_at: datetime
    status: str = "pending"
    feedback: str | None = None
    reviewer_id: str | None = Field(default=None, foreign_key="users.id")
    reviewed_at: datetime | None = None
    attempt: int = 1
    # the student asked for feedback (revision 0014): when, and their note to the mentor
    feedback_requested_at: datetime | None = None
    feedback_request: str | None = None
    # when the student first read the feedback given (None: unread)
    feedback_seen_at: datetime | None = None


class MentorshipNote(Synced, table=True):
    __tablename__ = "mentorship_notes"
    __table_args__ = (
        Index("ix_notes_mentor_student_added", "mentor_id", "student_id", "added_at"),
        Index("ix_notes_student", "student_id"),
    )

    mentor_id: str = Field(foreign_key="users.id")
    student_id: str = Field(foreign_key="users.id")
    kind: str = "note"
    note: str = ""
    added_at: datetime
    due_date: date | None = None
    done: bool = False
    session_id: str | None = Field(default=None, foreign_key="mentorship_sessions.id")


class SessionTemplate(Synced, table=True):
    __tablename__ = "session_templates"

    title: str
    agenda: str = ""
    owner_id: str | None = Field(default=None, foreign_key="users.id")


class MentorshipSession(Synced, table=True):
    __tablename__ = "mentorship_sessions"
    __table_args__ = (Index("ix_sessions_mentor_start", "mentor_id", "starts_at"),)

    mentor_id: str = Field(foreign_key="users.id")
    kind: str = "one_on_one"
    title: str = ""
    starts_at: datetime
    duration_minutes: int = 60
    timezone: str = "UTC"
    meeting_link: str | None = None
    agenda: str = ""
    status: str = "scheduled"
    summary: str = ""
    # why the mentor declined a student's booking request (revision 0014)
    decline_reason: str = ""
    # the study group a group session is for (db/peer_models.py; revision 0018)
    group_id: str | None = None


class SessionAttendee(Synced, table=True):
    __tablename__ = "session_attendees"
    __table_args__ = (
        UniqueConstraint("session_id", "student_id", name="uq_attendee_session_student"),
        CheckConstraint("rating IS NULL OR rating BETWEEN 1 AND 5", name="ck_attendee_rating"),
        Index("ix_attendees_student", "student_id"),
    )

    session_id: str = Field(foreign_key="mentorship_sessions.id")
    student_id: str = Field(foreign_key="users.id")
    attendance: str | None = None
    rating: int | None = None
    # the student's words with their rating (revision 0014)
    rating_comment: str | None = None


class Notification(Synced, table=True):
    __tablename__ = "notifications"
    __table_args__ = (
        Index("ix_notifications_user_read", "user_id", "read_at", "created_at"),
        # the inbox's list: a person's notifications newest first, a page at a time
        Index(
            "ix_notifications_user_created", "user_id", "deleted_at", "created_at", "id", "read_at"
        ),
    )

    user_id: str = Field(foreign_key="users.id")
    type: str
    title: str
    message: str = ""
    data: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    read_at: datetime | None = None


class Message(Synced, table=True):
    __tablename__ = "messages"
    __table_args__ = (
        Index("ix_messages_recipient", "recipient_id", "created_at"),
        Index("ix_messages_sender", "sender_id", "created_at"),
        Index("ix_messages_thread", "thread_id", "created_at"),
    )

    sender_id: str = Field(foreign_key="users.id")
    # None for an announcement (its audience says to whom)
    recipient_id: str | None = Field(default=None, foreign_key="users.id")
    kind: str = "direct"
    body: str
    read_at: datetime | None = None  # a direct message's recipient read it
    # the first message of the conversation (its own id for the first one)
    thread_id: str | None = None
    # an announcement's audience: "students" (the sender's: a mentor's own, an admin's all),
    # "mentors" or "everyone" (an admin's); None for a direct message
    audience: str | None = None
    edited_at: datetime | None = None
    # the earlier texts of an edited message, oldest first: [{"body": ..., "until": ...}]
    history: list[dict[str, Any]] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False, server_default="[]")
    )
    reported_at: datetime | None = None
    reported_by: str | None = None


class AuditEntry(SQLModel, table=True):
    """Append-only: who did what to which row, and when."""

    __tablename__ = "audit_log"
    __table_args__ = (
        Index("ix_audit_at", "at"),
        Index("ix_audit_entity", "entity", "entity_id"),
        Index("ix_audit_actor", "actor_id", "at"),
    )

    id: str = Field(default_factory=new_id, primary_key=True, max_length=36)
    actor_id: str | None = None
    action: str
    entity: str
    entity_id: str
    at: datetime
    detail: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class JournalEntry(SQLModel, table=True):
    """The local change journal (outbox): every local write, in order, for sync to push."""

    __tablename__ = "change_journal"
    __table_args__ = (Index("ix_journal_pending", "pushed_at", "seq"),)

    seq: int | None = Field(default=None, primary_key=True)
    change_id: str = Field(default_factory=new_id, unique=True, max_length=36)
    entity: str
    entity_id: str
    op: str  # insert | update | delete
    base_version: int  # the version the change was made on (0 for an insert)
    fields: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    actor_id: str | None = None
    made_at: datetime
    pushed_at: datetime | None = None
    # what the change overrides on purpose, for the sync server to allow: ["capacity"] for an
    # admin's forced assignment over a mentor's capacity
    overrides: list[str] | None = Field(default=None, sa_column=Column(JSON, nullable=True))


class Setting(SQLModel, table=True):
    """Local key/value facts about this store (last signed-in user, demo seed, ...)."""

    __tablename__ = "settings"

    key: str = Field(primary_key=True)
    value: str


SYNCED_TABLES: dict[str, type[Synced]] = {
    model.__tablename__: model
    for model in (
        User,
        MentorProfile,
        MentorSpecialization,
        StudentProfile,
        Course,
        Module,
        ModuleProgress,
        Assignment,
        Submission,
        MentorshipNote,
        SessionTemplate,
        MentorshipSession,
        SessionAttendee,
        Notification,
        Message,
    )
}
