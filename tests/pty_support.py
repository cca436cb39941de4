"""A program in a real pseudo-terminal, for the tests that read the bytes it writes or kill it
mid-work (as benchmarks/app_timing.py runs the app for the start-up figures)."""

from __future__ import annotations

import fcntl
import os
import pty
import random
import select
import signal
import struct
import subprocess
import sys
import termios
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path


def spawn_in_pty(
    argv: list[str], *, columns: int, lines: int, cwd: Path | None = None
) -> tuple[subprocess.Popen[bytes], int]:
    """``argv`` on a new ``columns`` x ``lines`` xterm pty, in its own session; the pty's
    master end is returned beside the process."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", lines, columns, 0, 0))
    env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": str(columns), "LINES": str(lines)}
    env.pop("TEXTUAL", None)
    child = subprocess.Popen(
        argv,
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env=env,
        cwd=cwd,
        start_new_session=True,
        close_fds=True,
    )
    os.close(slave)
    return child, master


def read_available(fd: int, seconds: float) -> bytes:
    """What the program wrote within ``seconds`` (empty when nothing, or once it closed)."""
    ready, _, _ = select.select([fd], [], [], seconds)
    if not ready:
        return b""
    try:
        return os.read(fd, 65536)
    except OSError:  # EIO: the child closed the pty
        return b""


class Terminal:
    """Drains the terminal's output in a thread so the child never blocks on writing."""

    def __init__(self, master: int) -> None:
        self.master = master
        self.output = bytearray()
        self.lock = threading.Lock()
        self.thread = threading.Thread(target=self._drain, daemon=True)
        self.thread.start()

    def _drain(self) -> None:
        while True:
            try:
                chunk = os.read(self.master, 65536)
            except OSError:
                return
            if not chunk:
                return
            with self.lock:
                self.output += chunk

    def wait_for(self, needle: bytes, timeout: float = 90.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                if needle in self.output:
                    return
            time.sleep(0.1)
        raise AssertionError(f"{needle!r} never appeared on the terminal")

    def mark(self) -> None:
        with self.lock:
            self.output.clear()

    def type(self, text: str) -> None:
        for char in text:
            os.write(self.master, char.encode("utf-8"))
            time.sleep(0.03)


def start_app(
    store: Path, cwd: Path, user: str, *, columns: int = 130, lines: int = 40
) -> tuple[subprocess.Popen[bytes], int]:
    """mentor-tui on ``store``, signed in as ``user``, on a new pseudo-terminal."""
    argv = [sys.executable, "-m", "mentor_tui", "--db", str(store), "--user", user]
    return spawn_in_pty(argv, columns=columns, lines=lines, cwd=cwd)


def kill_9(child: subprocess.Popen[bytes]) -> None:
    """SIGKILL the app while it runs (it must still be running) and reap it."""
    assert child.poll() is None, "the app exited before it was killed"
    os.kill(child.pid, signal.SIGKILL)
    child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL


def reap(child: subprocess.Popen[bytes]) -> None:
    """Make sure the child is gone (a test's ``finally``), whatever happened before."""
    if child.poll() is None:
        os.kill(child.pid, signal.SIGKILL)
    child.wait(timeout=30)


# Words of letters and spaces only: no key an editor or a screen takes as a command.
WORDS = "plan review tests docs pair refactor deploy goals feedback sprint".split()
BOUND = 1.0  # seconds: a key typed this long before the kill must be in the store


@dataclass
class Typing:
    """Keys written without a pause (one every 30-50 ms) for a random while, then SIGKILL."""

    rng: random.Random
    typed: list[tuple[float, str]] = field(default_factory=list)  # (when written, the key)
    killed_at: float = 0.0

    def type_then_kill(
        self, child: subprocess.Popen[bytes], master: int, seconds: tuple[float, float]
    ) -> None:
        text = " ".join(self.rng.choice(WORDS) for _ in range(400))
        stop = time.monotonic() + self.rng.uniform(*seconds)
        for char in text:
            if time.monotonic() >= stop:
                break
            os.write(master, char.encode())
            self.typed.append((time.monotonic(), char))
            time.sleep(self.rng.uniform(0.03, 0.05))
        assert child.poll() is None, "the app exited before it was killed"
        self.killed_at = time.monotonic()
        kill_9(child)

    @property
    def all_typed(self) -> str:
        return "".join(char for _, char in self.typed)

    @property
    def due(self) -> str:
        """Every key typed at least ``BOUND`` seconds before the kill."""
        return "".join(char for when, char in self.typed if when <= self.killed_at - BOUND)

    def check_kept(self, kept: str, context: str) -> None:
        """``kept`` (what the store holds) is a prefix of what was typed and holds every key
        that was due."""
        context = f"{context}: typed {len(self.all_typed)} keys, {len(self.due)} due"
        assert self.all_typed.startswith(kept), f"{context}: the store has {kept!r}"
        assert kept.startswith(self.due), f"{context}: the store has only {kept!r}"
