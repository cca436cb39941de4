"""Tables of the conversations beyond the messages themselves.

- ``message_reads``: who has read an announcement (each recipient their own row, so each has
  their own unread state). A direct message's one recipient marks it read on the message itself
  (``messages.read_at``). Synced: a person's inbox reads the same on every machine.
- ``message_drafts``: local only; the composer's text, saved as it is typed (like the note
  editor), so a crash or a power cut loses nothing. Sending turns it into a message and
  deletes it.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from mentor_tui.db.models import SYNCED_TABLES, Synced


class MessageRead(Synced, table=True):
    __tablename__ = "message_reads"
    __table_args__ = (Index("ix_message_reads_user_message", "user_id", "message_id"),)

    message_id: str = Field(foreign_key="messages.id")
    user_id: str = Field(foreign_key="users.id")
    read_at: datetime | None = None  # None: marked unread again


class MessageDraft(SQLModel, table=True):
    """One unsent message: to a person, in a thread, or an announcement to an audience."""

    __tablename__ = "message_drafts"

    id: str = Field(primary_key=True, max_length=36)
    author_id: str
    recipient_id: str | None = None
    thread_id: str | None = None
    audience: str | None = None
    body: str = ""
    saved_at: datetime


SYNCED_TABLES.setdefault(MessageRead.__tablename__, MessageRead)
