"""Tables of the conversations beyond the messages themselves.

- ``message_reads``: who has read an announcement (each recipient their own row, so each has
  their own unread state). A direct message's one recipient marks it read on the message itself
  (``messages.read_at``). Synced: a person's inbox reads the same on every machine.

The composer's unsent text is a draft like every editor's (``editor_drafts``, kind "message").
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index
from sqlmodel import Field

from mentor_tui.db.models import SYNCED_TABLES, Synced


class MessageRead(Synced, table=True):
    __tablename__ = "message_reads"
    __table_args__ = (Index("ix_message_reads_user_message", "user_id", "message_id"),)

    message_id: str = Field(foreign_key="messages.id")
    user_id: str = Field(foreign_key="users.id")
    read_at: datetime | None = None  # None: marked unread again


SYNCED_TABLES.setdefault(MessageRead.__tablename__, MessageRead)
