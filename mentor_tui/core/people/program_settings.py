"""The program's settings (SPEC section 3) and this machine's own, one key at a time.

- A program key (``config.PROGRAM_KEYS``: capacity default, review SLA, session length, note
  retention, auto assignment, notifications) is a synced ``program_settings`` row: an admin
  sets it and every client of the program uses it over its config file (a mentor's laptop
  cannot keep its own review SLA). Without a row the config file's value, else the default.
- Any other key (sync and reminder intervals, matching weights) belongs to this machine: it is
  written into the config file, comments and layout kept.

A value is checked whole before anything is written (``config.parse_setting``): a bad one is
one sentence and nothing changes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlmodel import Session

from mentor_tui.config import (
    PROGRAM_KEYS,
    SETTINGS,
    Config,
    parse_setting,
    setting_value,
    with_settings,
    write_setting,
)
from mentor_tui.core import writes
from mentor_tui.core.access import require_admin
from mentor_tui.core.actor import Actor
from mentor_tui.db.people_models import ProgramSetting, program_setting_id
from mentor_tui.errors import UserError


@dataclass(frozen=True)
class SettingView:
    key: str
    meaning: str
    default: Any
    value: Any
    source: str  # "program" (a synced row), "file" (the config file) or "default"
    scope: str  # "program" or "local"

    def to_json(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "meaning": self.meaning,
            "default": self.default,
            "value": self.value,
            "source": self.source,
            "scope": self.scope,
        }


def program_values(session: Session) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for row in session.execute(
        select(ProgramSetting).where(ProgramSetting.deleted_at.is_(None))
    ).scalars():
        try:
            values[row.key] = json.loads(row.value)
        except ValueError:
            continue
    return values


def program_config(session: Session, file_config: Config) -> Config:
    """The config every part of the program uses: the file's, with the program's rows over it."""
    return with_settings(file_config, program_values(session))


def changed_settings(old: Config, new: Config) -> list[tuple[str, Any, Any]]:
    """(key, old value, new value) of each program key whose value differs."""
    return [
        (key, setting_value(old, key), setting_value(new, key))
        for key in PROGRAM_KEYS
        if setting_value(old, key) != setting_value(new, key)
    ]


def _view(key: str, file_config: Config, rows: dict[str, Any]) -> SettingView:
    default = setting_value(Config(), key)
    effective = setting_value(with_settings(file_config, rows), key)
    in_file = setting_value(file_config, key)
    if key in rows and effective == rows[key]:
        source = "program"
    elif in_file != default:
        source = "file"
    else:
        source = "default"
    scope = "program" if key in PROGRAM_KEYS else "local"
    return SettingView(key, SETTINGS[key], default, effective, source, scope)


def list_settings(session: Session, file_config: Config) -> list[SettingView]:
    """Every key with its meaning, default and current value (anyone may read them)."""
    rows = program_values(session)
    return [_view(key, file_config, rows) for key in SETTINGS]


def get_setting(session: Session, file_config: Config, key: str) -> SettingView:
    if key not in SETTINGS:
        raise UserError(f"Unknown setting {key!r}; `mentor-tui settings` lists them.")
    return _view(key, file_config, program_values(session))


def set_setting(
    session: Session,
    actor: Actor,
    key: str,
    text: str,
    *,
    file_config: Config,
    path: Path | None = None,
) -> SettingView:
    """Set ``key`` from its typed text: a program key as a synced row (admins only), a local
    key in the config file at ``path``."""
    if key not in SETTINGS:
        raise UserError(f"Unknown setting {key!r}; `mentor-tui settings` lists them.")
    value = parse_setting(key, text)
    if key not in PROGRAM_KEYS:
        write_setting(key, value, path)
        changed = with_settings(file_config, {key: value})
        return _view(key, changed, program_values(session))
    require_admin(actor, "change the program's settings")
    encoded = json.dumps(value)
    row = session.get(ProgramSetting, program_setting_id(key))
    if row is None:
        row = ProgramSetting(id=program_setting_id(key), key=key, value=encoded)
        writes.insert(session, actor.id, row, detail={"key": key, "value": value})
    else:
        writes.update(session, actor.id, row, {"value": encoded}, detail={"key": key})
    session.flush()
    return _view(key, file_config, program_values(session))


__all__ = [
    "SettingView",
    "changed_settings",
    "get_setting",
    "list_settings",
    "program_config",
    "program_values",
    "set_setting",
]
