"""Nothing typed is lost: the real app on a pseudo-terminal, killed with SIGKILL one second
after the last key press, has the typed note in its store (issue 6)."""

from __future__ import annotations

import fcntl
import os
import pty
import signal
import struct
import subprocess
import sys
import termios
import threading
import time
from pathlib import Path

import pytest
from app_support import MENTOR, build_template, copy_store
from sqlalchemy import select

from mentor_tui.db.engine import make_engine, session_scope
from mentor_tui.db.models import MentorshipNote

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")

TYPED = "Met on the train: résumé, 学习 & [b]plans[/b] 🎉"


class _Screen:
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


def test_kill_9_one_second_after_typing_loses_nothing(tmp_path: Path) -> None:
    store = copy_store(build_template(tmp_path / "demo"), tmp_path / "store" / "m.db")
    engine = make_engine(store)
    with session_scope(engine) as session:
        before = set(session.execute(select(MentorshipNote.id)).scalars())
    engine.dispose()

    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 130, 0, 0))
    env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": "130", "LINES": "40"}
    env.pop("TEXTUAL", None)
    child = subprocess.Popen(
        [sys.executable, "-m", "mentor_tui", "--db", str(store), "--user", MENTOR],
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env=env,
        cwd=tmp_path,
        start_new_session=True,
        close_fds=True,
    )
    os.close(slave)
    screen = _Screen(master)
    try:
        screen.wait_for(b"Dashboard")
        screen.mark()
        os.write(master, b"4")
        screen.wait_for(b"Notes of")
        time.sleep(0.5)
        screen.mark()
        os.write(master, b"\x0e")  # ctrl+n: a new note
        screen.wait_for(b"New note")
        screen.type(TYPED)
        time.sleep(1.0)  # one second after the last key press
        assert child.poll() is None, "the app exited before it was killed"
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=30)
        assert child.returncode == -signal.SIGKILL
    finally:
        if child.poll() is None:
            os.kill(child.pid, signal.SIGKILL)
            child.wait(timeout=30)
        os.close(master)

    engine = make_engine(store)
    try:
        with session_scope(engine) as session:
            rows = (
                session.execute(select(MentorshipNote).where(MentorshipNote.id.not_in(before)))
                .scalars()
                .all()
            )
            assert [row.note for row in rows] == [TYPED]
    finally:
        engine.dispose()
