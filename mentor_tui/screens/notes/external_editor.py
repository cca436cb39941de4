"""Editing a note in the person's own editor ($VISUAL or $EDITOR): the text goes to a temporary
file, the app suspends while the editor runs in the terminal, and the file's text comes back
(the file is removed either way)."""

from __future__ import annotations

import os
import shlex
import subprocess
import tempfile
from pathlib import Path

from textual.app import SuspendNotSupported
from textual.screen import Screen


def edit_in_external_editor(screen: Screen, original: str) -> str | None:
    """The text as the editor left it, or None when it could not be edited (no editor set, it
    could not run or failed, or the file is not UTF-8); ``screen`` tells the person why."""
    command = os.environ.get("VISUAL") or os.environ.get("EDITOR")
    if not command or not command.strip():
        screen.notify(
            "No external editor is set: set $EDITOR (or $VISUAL), e.g. EDITOR=nano, and "
            "restart mentor-tui to edit notes with it.",
            severity="warning",
            markup=False,
        )
        return None
    fd, name = tempfile.mkstemp(prefix="mentor-note-", suffix=".md")
    path = Path(name)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(original)
        argv = [*shlex.split(command), str(path)]
        try:
            with screen.app.suspend():
                result = subprocess.run(argv, check=False)
        except SuspendNotSupported:
            result = subprocess.run(
                argv, check=False, stdin=subprocess.DEVNULL, capture_output=True
            )
        except OSError as error:
            screen.notify(
                f"Could not run {command!r}: {error.strerror}.", severity="error", markup=False
            )
            return None
        if result.returncode != 0:
            screen.notify(
                f"The editor exited with status {result.returncode}; the note is unchanged.",
                severity="warning",
                markup=False,
            )
            return None
        text = path.read_text(encoding="utf-8", errors="surrogateescape")
    except OSError as error:
        screen.notify(
            f"Could not edit the note in $EDITOR: {error}.", severity="error", markup=False
        )
        return None
    finally:
        path.unlink(missing_ok=True)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        screen.notify(
            "The edited file is not UTF-8 text; the note is unchanged.",
            severity="error",
            markup=False,
        )
        return None
    return text
