"""Tables of the session calendar beyond the sessions themselves.

- ``student_availability``: a student's weekly availability windows, in the student's own
  timezone, in the shape of ``MentorProfile.availability``. Synced: a student sets them, their
  mentor's slot finder reads them.
- ``session_reminders_sent``: local bookkeeping of which session reminder went to whom for which
  start time, so each fires once however often (and however late) the reminders run, and a
  rescheduled session is announced again for its new time.

It also indexes ``mentorship_sessions`` by start time alone (reminders scan every mentor's
upcoming sessions).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, Index
from sqlmodel import Field, SQLModel

from mentor_tui.db.models import SYNCED_TABLES, MentorshipSession, Synced


class StudentAvailability(Synced, table=True):
    __tablename__ = "student_availability"

    student_id: str = Field(foreign_key="users.id", unique=True)
    # [{"weekday": 0-6 (Monday 0), "start": "HH:MM", "end": "HH:MM"}] in the student's timezone
    windows: list[dict[str, Any]] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    # [{"date": "YYYY-MM-DD", "reason": "..."}]: whole days off in the student's timezone
    exceptions: list[dict[str, Any]] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False, server_default="[]")
    )


class SessionReminderSent(SQLModel, table=True):
    """One row per session, recipient and announced start once the reminder went out.

    No foreign keys: sync may prune a reassigned student's sessions from this store.
    """

    __tablename__ = "session_reminders_sent"
    __table_args__ = (Index("ix_session_reminders_sent_at", "sent_at"),)

    session_id: str = Field(primary_key=True, max_length=36)
    user_id: str = Field(primary_key=True, max_length=36)
    starts_at: datetime = Field(primary_key=True)
    notification_id: str | None = None
    sent_at: datetime


# Reminders and the slot finder look sessions up by time across mentors.
Index("ix_sessions_start", MentorshipSession.starts_at)

SYNCED_TABLES.setdefault(StudentAvailability.__tablename__, StudentAvailability)
