"""Tables of the people and settings domain beyond the profiles themselves.

- ``program_settings``: the program's settings (SPEC section 3: capacity default, review SLA,
  session length, note retention, auto assignment, notifications), one synced row per key
  whose ``value`` is the setting in JSON. An admin sets them; every client of the program
  reads them over its own config file. A row's id is made from its key, so two admins who set
  the same key offline make the same row (a conflict merged field by field), not two rows.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from sqlalchemy import JSON, Column
from sqlmodel import Field

from mentor_tui.db.models import SYNCED_TABLES, Synced

_SETTINGS_NAMESPACE = uuid.UUID("6b1f7a4e-3c2d-4f0a-9e51-2b8d7c6a5f10")


def program_setting_id(key: str) -> str:
    return str(uuid.uuid5(_SETTINGS_NAMESPACE, f"program_settings:{key}"))


class ProgramSetting(Synced, table=True):
    __tablename__ = "program_settings"

    key: str = Field(unique=True)
    value: str  # JSON


SYNCED_TABLES.setdefault(ProgramSetting.__tablename__, ProgramSetting)


class MentorAbsence(Synced, table=True):
    """A mentor away from ``starts_on`` to ``ends_on`` (inclusive, the mentor's own days; None:
    until further notice), their students with a substitute meanwhile.

    ``state``: planned (not started), active (the students moved: ``moves`` maps each student
    id to their substitute's id, or None when nobody could take them), ended (those still with
    their substitute went back, except the ones in ``kept``, whose new pairing an admin kept).
    """

    __tablename__ = "mentor_absences"

    mentor_id: str = Field(foreign_key="users.id", index=True)
    starts_on: date
    ends_on: date | None = None
    reason: str = ""
    state: str = "planned"
    moves: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    kept: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))


SYNCED_TABLES.setdefault(MentorAbsence.__tablename__, MentorAbsence)
