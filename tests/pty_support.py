"""A program in a real pseudo-terminal, for the tests that read the bytes it writes or kill it
mid-work (as benchmarks/app_timing.py runs the app for the start-up figures)."""

from __future__ import annotations

import fcntl
import os
import pty
import select
import struct
import subprocess
import termios
import threading
import time
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
