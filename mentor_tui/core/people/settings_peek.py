"""The program's settings as a store holds them, read with the standard library alone: every
command and the app's first frame apply them over the config file without importing
SQLAlchemy (``config.with_settings``). Whatever cannot be read (no file, no such table yet, a
locked or damaged store) is no settings: the file's values stand, and the full path that opens
the store later says what is wrong."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any


def peek_program_settings(path: Path) -> dict[str, Any]:
    """key -> value of the live ``program_settings`` rows of the store at ``path``."""
    if not path.is_file():
        return {}
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=1.0)
    except sqlite3.Error:
        return {}
    try:
        rows = conn.execute(
            "SELECT key, value FROM program_settings WHERE deleted_at IS NULL"
        ).fetchall()
    except sqlite3.Error:
        return {}
    finally:
        conn.close()
    values: dict[str, Any] = {}
    for key, text in rows:
        try:
            values[key] = json.loads(text)
        except (TypeError, ValueError):
            continue
    return values


__all__ = ["peek_program_settings"]
