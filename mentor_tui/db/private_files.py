"""Database files only their owner can read: 0600 files in a 0700 folder (on POSIX).

A store holds private notes, so it is created 0600 before SQLite opens it; SQLite gives the
``-wal`` and ``-shm`` files it makes later the database file's own mode (whatever the umask).
A store made 0644 by an older mentor-tui is tightened to 0600 when opened, with any ``-wal``
and ``-shm`` beside it. The folder is made 0700 when mentor-tui creates it, and mentor-tui's
own data folder is tightened to 0700; a folder of the user's that already exists (a ``--db``
elsewhere) keeps its mode: only the files mentor-tui makes in it are private.
Elsewhere (Windows) files keep the folder's access rules and nothing here changes a mode.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from mentor_tui.paths import data_dir

PRIVATE_FILE = 0o600
PRIVATE_DIR = 0o700
SIDE_FILES = ("-wal", "-shm", "-journal")


def _tighten(path: Path, *, folder: bool = False) -> None:
    """Take the group's and others' bits off the file (or folder) ``path``, if it is one and
    ours to change."""
    try:
        info = path.stat()
        kind_matches = stat.S_ISDIR(info.st_mode) if folder else stat.S_ISREG(info.st_mode)
        if kind_matches and stat.S_IMODE(info.st_mode) & 0o077:
            os.chmod(path, stat.S_IMODE(info.st_mode) & ~0o077)
    except FileNotFoundError:
        pass
    except PermissionError:  # someone else's file: SQLite says what it can or cannot do
        pass


def private_folder(folder: Path) -> None:
    """Create ``folder`` 0700 if missing; mentor-tui's own data folder is tightened to 0700."""
    if os.name != "posix":
        folder.mkdir(parents=True, exist_ok=True)
        return
    if not folder.exists():
        folder.mkdir(parents=True, exist_ok=True)
        os.chmod(folder, PRIVATE_DIR)
    elif folder.resolve() == data_dir().resolve():
        _tighten(folder, folder=True)


def private_database(path: Path) -> None:
    """Make ready an SQLite file at ``path`` only its owner can read: its folder (see
    ``private_folder``), the file itself created empty 0600 if missing (SQLite takes an empty
    file as a new database), or tightened to 0600 with its ``-wal``, ``-shm`` and journal."""
    private_folder(path.parent)
    if os.name != "posix":
        return
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE)
    except FileExistsError:
        for file in (path, *(path.with_name(path.name + s) for s in SIDE_FILES)):
            _tighten(file)
        return
    try:
        os.fchmod(fd, PRIVATE_FILE)  # whatever the umask
    finally:
        os.close(fd)
