"""Signed-in sessions of the web front: who, their private folder, their app; the host's limit;
the per-address limit on failed sign-ins (the same figures as the sync server's API).

A session id is 256 random bits, made fresh at each sign-in and known only to that browser (an
HttpOnly, SameSite=Strict cookie). Each session owns one folder, mode 0700, holding the
person's local store and the platform dirs (config with the login token, data, cache, state)
their app process runs with. Ending a session (sign-out, idle, shutdown) stops its app, revokes
its token on the server and deletes the folder.
"""

from __future__ import annotations

import os
import secrets
import shutil
import time
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mentor_tui.server.auth import ADDRESS_FAILURE_LIMIT, FAILURE_WINDOW

# The resident memory of one session's app process, measured by benchmarks/web_sessions.py
# (a student's app after its first screen: RSS 90 MiB, median, on the 2-core reference host;
# rounded up for bigger programmes and busier screens): the host's session limit comes from it.
MEMORY_PER_SESSION_MIB = 128
# the share of the host's memory the sessions may take (the rest: the OS, the web front, caches)
MEMORY_SHARE = 0.75
XDG_DIRS = ("config", "data", "cache", "state")


def host_memory_mib() -> int:
    """The host's total memory, from /proc/meminfo (0 where there is none)."""
    try:
        with open("/proc/meminfo", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("MemTotal:"):
                    return int(line.split()[1]) // 1024
    except OSError:
        pass
    return 0


def sessions_for_memory(memory_mib: int, per_session_mib: int = MEMORY_PER_SESSION_MIB) -> int:
    """How many sessions fit in ``memory_mib`` of memory (at least one)."""
    return max(1, int(memory_mib * MEMORY_SHARE) // per_session_mib)


def default_max_sessions() -> int:
    return sessions_for_memory(host_memory_mib() or 2048)


@dataclass
class Session:
    id: str
    email: str
    role: str
    server_url: str
    token: str = field(repr=False)
    folder: Path
    address: str
    started: float = field(default_factory=time.monotonic)
    last_seen: float = field(default_factory=time.monotonic)
    app: Any = None  # the running app (apps.SessionApp), one at most
    websocket: Any = None  # the page's websocket to it

    @property
    def store(self) -> Path:
        return self.folder / "data" / "mentor.db"

    def environment(self) -> dict[str, str]:
        """The platform dirs of this person's app: all inside their folder."""
        env = {f"XDG_{name.upper()}_HOME": str(self.folder / name) for name in XDG_DIRS}
        env["HOME"] = str(self.folder)
        return env

    def touch(self) -> None:
        self.last_seen = time.monotonic()


def new_session_id() -> str:
    return secrets.token_urlsafe(32)


def make_private_folder(root: Path) -> Path:
    """A new folder for one session, mode 0700, with its platform dirs inside."""
    root.mkdir(parents=True, exist_ok=True)
    os.chmod(root, 0o700)
    folder = root / secrets.token_hex(16)
    folder.mkdir(mode=0o700)
    os.chmod(folder, 0o700)
    for name in XDG_DIRS:
        (folder / name).mkdir(mode=0o700)
    return folder


def remove_folder(folder: Path) -> None:
    shutil.rmtree(folder, ignore_errors=True)


def clear_root(root: Path) -> int:
    """Delete session folders left by a web front that did not shut down cleanly."""
    if not root.is_dir():
        return 0
    stale = [child for child in root.iterdir() if child.is_dir()]
    for child in stale:
        remove_folder(child)
    return len(stale)


class Sessions:
    """The live sessions, by id; a limit on how many there may be at once."""

    def __init__(self, max_sessions: int, idle_seconds: float) -> None:
        self.max_sessions = max_sessions
        self.idle_seconds = idle_seconds
        self._by_id: dict[str, Session] = {}
        self.pending = 0  # sign-ins under way, counted against the limit

    def __len__(self) -> int:
        return len(self._by_id)

    def __iter__(self):
        return iter(list(self._by_id.values()))

    def full(self) -> bool:
        return len(self._by_id) + self.pending >= self.max_sessions

    def get(self, session_id: str | None) -> Session | None:
        if not session_id:
            return None
        return self._by_id.get(session_id)

    def add(self, session: Session) -> None:
        self._by_id[session.id] = session

    def remove(self, session: Session) -> bool:
        return self._by_id.pop(session.id, None) is not None

    def idle(self, now: float | None = None) -> list[Session]:
        """Sessions nobody has typed in, clicked in or opened for longer than the idle time."""
        now = time.monotonic() if now is None else now
        return [s for s in self._by_id.values() if now - s.last_seen > self.idle_seconds]


class FailureLimit:
    """Failed sign-ins per browser address over the API's window, refused past the API's limit
    (server/auth.py: ADDRESS_FAILURE_LIMIT in FAILURE_WINDOW); the server also limits each
    account. Kept in memory: one web front process holds the sessions anyway."""

    def __init__(
        self, limit: int = ADDRESS_FAILURE_LIMIT, window: float = FAILURE_WINDOW.total_seconds()
    ) -> None:
        self.limit = limit
        self.window = window
        self._failures: dict[str, deque[float]] = {}

    def _recent(self, address: str, now: float) -> deque[float]:
        times = self._failures.setdefault(address, deque())
        while times and times[0] <= now - self.window:
            times.popleft()
        return times

    def wait(self, address: str, now: float | None = None) -> int | None:
        """Seconds until this address may try again, or None when it may now."""
        now = time.monotonic() if now is None else now
        times = self._recent(address, now)
        if len(times) < self.limit:
            if not times:
                self._failures.pop(address, None)
            return None
        return max(1, int(times[0] + self.window - now) + 1)

    def failed(self, address: str, now: float | None = None) -> None:
        now = time.monotonic() if now is None else now
        self._recent(address, now).append(now)
