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
from collections.abc import Callable, Iterator
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
# Seconds the app may take to put what was typed in its store. Generous on purpose: the app
# saves within about a second (a debounce with a maximum wait), but a loaded CI machine can run
# it many times slower; the promise tested is that it saves while the typing goes on, not how fast.
SAVE_CEILING = 45.0
LOOK_EVERY = 0.25  # seconds between two looks into the store while typing


def wait_until_stored(stored: Callable[[], object], wanted: object, what: str) -> None:
    """Wait (at most ``SAVE_CEILING`` seconds) until ``stored()`` returns ``wanted``."""
    deadline = time.monotonic() + SAVE_CEILING
    seen = stored()
    while seen != wanted:
        assert time.monotonic() < deadline, f"{what}: the store has {seen!r}, not {wanted!r}"
        time.sleep(LOOK_EVERY)
        seen = stored()


@dataclass
class Typing:
    """Keys written without a pause (one every 30-50 ms); at a random moment, what was typed so
    far is marked; the typing goes on until the store holds at least the marked keys (a debounce
    alone never saves while keys keep coming), and the app is killed with SIGKILL mid-word."""

    rng: random.Random
    typed: list[str] = field(default_factory=list)  # the keys, in the order written
    marked: str = ""  # what was typed at the random moment
    seen: str = ""  # what the store held just before the kill

    def _keys(self) -> Iterator[str]:
        while True:
            yield from self.rng.choice(WORDS) + " "

    def type_then_kill(
        self,
        child: subprocess.Popen[bytes],
        master: int,
        seconds: tuple[float, float],
        stored: Callable[[], str | None],
    ) -> None:
        """Type for a random while within ``seconds``, mark what was typed, type on until
        ``stored()`` (the editor's text in the store, read from beside the app) holds it, then
        SIGKILL the app (at most ``SAVE_CEILING`` seconds of typing after the mark)."""
        mark_at = time.monotonic() + self.rng.uniform(*seconds)
        deadline = look_at = float("inf")
        for char in self._keys():
            os.write(master, char.encode())
            self.typed.append(char)
            now = time.monotonic()
            if deadline == float("inf") and now >= mark_at:
                self.marked, deadline, look_at = self.all_typed, now + SAVE_CEILING, now
            if now >= look_at:
                self.seen = stored() or ""
                if self.seen.startswith(self.marked) and self.all_typed.startswith(self.seen):
                    break
                assert now < deadline, (
                    f"typed on for {SAVE_CEILING:.0f} s after {len(self.marked)} keys, "
                    f"and the store still has only {self.seen!r}"
                )
                look_at = now + LOOK_EVERY
            time.sleep(self.rng.uniform(0.03, 0.05))
        assert child.poll() is None, "the app exited before it was killed"
        kill_9(child)

    @property
    def all_typed(self) -> str:
        return "".join(self.typed)

    def check_kept(self, kept: str, context: str) -> None:
        """``kept`` (what the store holds after the kill) is a prefix of what was typed and
        holds everything the store held before the kill (so at least the marked keys)."""
        context = (
            f"{context}: typed {len(self.all_typed)} keys, {len(self.marked)} marked, "
            f"{len(self.seen)} seen in the store before the kill"
        )
        assert self.all_typed.startswith(kept), f"{context}: the store has {kept!r}"
        assert kept.startswith(self.seen), f"{context}: the store has only {kept!r}"
        assert kept.startswith(self.marked), f"{context}: the store has only {kept!r}"
