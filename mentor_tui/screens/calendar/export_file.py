"""Where the calendar's `x` writes its .ics: the file typed in its question (issue #22)."""

from __future__ import annotations

from pathlib import Path

from mentor_tui.errors import UserError


def export_target(typed: str, name: str) -> Path:
    """The file an export goes to: what was typed (``~`` expanded, relative to the current
    folder), ``name`` inside it if it is a folder; a sentence if its folder does not exist."""
    text = typed.strip()
    if not text:
        raise UserError("Type the file to export to (for example sessions.ics).")
    path = Path(text).expanduser()
    path = path if path.is_absolute() else Path.cwd() / path
    if path.is_dir():
        path = path / name
    if not path.parent.is_dir():
        raise UserError(f"The folder {path.parent} does not exist.")
    return path


def write_export(target: Path, data: bytes) -> Path:
    """Write ``data`` to ``target``; a sentence if it cannot be written."""
    try:
        target.write_bytes(data)
    except OSError as exc:
        raise UserError(f"Cannot write {target}: {exc.strerror or exc}.") from exc
    return target
