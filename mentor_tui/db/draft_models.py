"""Drafts: what a person typed into an editor and has not saved yet (issue 15, "nothing typed is
lost"). One row per signed-in user and thing being edited, e.g. ("feedback", a submission's id);
written a second at most after any key, read back when the editor opens again after a crash,
deleted when the real thing is saved or the person discards the edit.

Local and private: not synced, never journalled, no foreign keys (the thing edited may leave this
store with a sync's purge), and the store is already 0600 in a 0700 folder.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel


class EditorDraft(SQLModel, table=True):
    __tablename__ = "editor_drafts"

    owner_id: str = Field(primary_key=True, max_length=36)
    kind: str = Field(primary_key=True)
    key: str = Field(primary_key=True)
    # the editor's fields by name, as typed (e.g. {"title": ..., "body": ...})
    fields: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    saved_at: datetime
