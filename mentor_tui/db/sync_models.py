"""Local sync bookkeeping: the link to a server and the conflicts waiting for a person.

- ``sync_state``: one row. Which server and account this store is linked to, this store's own
  client id (the origin of its changes on the server), the pull cursor (a position in the
  server's change log, never a time) and the progress of an interrupted initial snapshot.
- ``sync_conflicts``: a change the server did not take as sent. The loser's values are kept
  here (``fields``: name -> {"mine", "theirs"}) until a person keeps mine, keeps theirs or
  merges: typed text is never dropped.

Schema version 3 (``migrations/0003_sync.sql``) creates both, plus an index of the change
journal by row so "does this row have unpushed changes?" is one index probe.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Column, Index
from sqlmodel import Field, SQLModel

from mentor_tui.db.models import new_id

CONFLICT_KINDS = ("note", "text", "review", "field", "deleted", "rejected")


class SyncState(SQLModel, table=True):
    __tablename__ = "sync_state"
    __table_args__ = (CheckConstraint("id = 1", name="ck_sync_state_single_row"),)

    id: int = Field(default=1, primary_key=True)
    client_id: str = Field(default_factory=new_id, max_length=36)
    server_url: str | None = None
    server_id: str | None = None
    account_id: str | None = None
    account_email: str | None = None
    position: int = 0
    snapshot_position: int | None = None
    snapshot_table: str | None = None
    snapshot_after: str | None = None
    snapshot_done: bool = False
    adopted_at: datetime | None = None
    last_sync_at: datetime | None = None
    last_error: str | None = None


class SyncConflict(SQLModel, table=True):
    __tablename__ = "sync_conflicts"
    __table_args__ = (Index("ix_sync_conflicts_open", "resolved_at", "created_at"),)

    id: str = Field(default_factory=new_id, primary_key=True, max_length=36)
    entity: str
    entity_id: str
    kind: str
    change_id: str | None = None
    fields: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    message: str = ""
    created_at: datetime
    resolved_at: datetime | None = None
    resolution: str | None = None
