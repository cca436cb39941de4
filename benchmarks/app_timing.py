"""Start-up and memory of a real app process, measured from outside in a pseudo-terminal.

``start_in_pty(argv, text)`` spawns ``argv`` with its stdin/stdout/stderr on the slave side
of a new pty (120x40, TERM=xterm-256color) and reads the master side until the bytes the
process has written contain ``text`` — a string that is only on screen once the frame we wait
for has been painted (for the dashboard its section title, for the hello-world app a table
row). The time is from just before ``Popen`` (process start, interpreter start-up and imports
included) to the read that completes the text. With ``then`` (one text or several), it goes on
reading until that text, or every one of those texts, is on screen too (for the dashboard the
labels each of its parts paints only with the figures read from the store), timed from the
same start. Then it lets the app settle (until its output has been quiet for ``quiet``
seconds, 1 s unless told), optionally sends more keys (waiting for the output to go quiet after
each), reads the process's RSS high-water mark (VmHWM in /proc/PID/status) and quits it with
ctrl+q.
"""

from __future__ import annotations

import fcntl
import os
import pty
import re
import select
import signal
import struct
import subprocess
import termios
import time
from dataclasses import dataclass
from pathlib import Path

COLUMNS, LINES = 120, 40
ANSI = re.compile(rb"\x1b\[[0-9;?<>=$]*[ -/]*[@-~]|\x1b[()][0-9A-Za-z]|\x1b[=>]")


@dataclass(frozen=True)
class PtyRun:
    first_frame_seconds: float
    peak_rss_mib: float
    exit_status: int
    then_seconds: float | None = None  # to the ``then`` text, when one was asked for


def _read(fd: int, timeout: float) -> bytes:
    ready, _, _ = select.select([fd], [], [], timeout)
    if not ready:
        return b""
    try:
        return os.read(fd, 65536)
    except OSError:  # EIO: the child closed the pty
        return b""


def _high_water_mib(pid: int) -> float:
    """The process's RSS high-water mark (VmHWM), in MiB.

    Not ``ru_maxrss`` from ``wait4``: Linux folds the memory of the process image *before*
    ``exec`` into it, and the child is forked from this (large) benchmark process, so it would
    report the runner's size. VmHWM belongs to the exec'ed image alone.
    """
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM in /proc/PID/status")


def _drain_until_quiet(fd: int, quiet: float, limit: float) -> None:
    """Read until nothing was written for ``quiet`` seconds (or ``limit`` passed)."""
    end = time.monotonic() + limit
    last = time.monotonic()
    while time.monotonic() < end and time.monotonic() - last < quiet:
        if _read(fd, 0.05):
            last = time.monotonic()


def start_in_pty(
    argv: list[str],
    text: str,
    *,
    then: str | tuple[str, ...] | None = None,
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
    keys: tuple[bytes, ...] = (),
    timeout: float = 120.0,
    quiet: float = 1.0,
) -> PtyRun:
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", LINES, COLUMNS, 0, 0))
    child_env = {**os.environ, **(env or {})}
    child_env.update(TERM="xterm-256color", COLUMNS=str(COLUMNS), LINES=str(LINES))
    child_env.pop("TEXTUAL", None)
    wanted = text.encode()
    later = (
        None if then is None else [t.encode() for t in ((then,) if isinstance(then, str) else then)]
    )
    seen = b""
    started = time.perf_counter()
    proc = subprocess.Popen(
        argv, stdin=slave, stdout=slave, stderr=slave, env=child_env, cwd=cwd,
        start_new_session=True, close_fds=True,
    )  # fmt: skip
    os.close(slave)
    first: float | None = None
    second: float | None = None
    rusage = None
    status = 0

    def reap() -> bool:
        nonlocal rusage, status
        if rusage is not None:
            return True
        pid, wait_status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid == 0:
            return False
        rusage, status = usage, os.waitstatus_to_exitcode(wait_status)
        proc.returncode = status  # reaped here, so that Popen does not wait for it again
        return True

    try:
        deadline = time.monotonic() + timeout
        while first is None or (later is not None and second is None):
            waiting_for = text if first is None else then
            if time.monotonic() > deadline:
                raise TimeoutError(
                    f"{argv[-1]!r}: no frame with {waiting_for!r} in {timeout:.0f} s"
                )
            chunk = _read(master, 0.5)
            if not chunk and reap():
                tail = ANSI.sub(b"", seen)[-600:].decode(errors="replace")
                raise RuntimeError(f"the app exited ({status}) before {waiting_for!r}: {tail}")
            seen += chunk
            if not chunk:
                continue
            now = time.perf_counter() - started
            # Escape sequences may sit between the characters of one line; strip them first.
            plain = ANSI.sub(b"", seen)
            if first is None and (wanted in seen or wanted in plain):
                first = now
            if later is not None and second is None and all(t in seen or t in plain for t in later):
                second = now
        _drain_until_quiet(master, quiet, 20.0)  # let the screen's workers fill it in
        for key in keys:
            os.write(master, key)
            _drain_until_quiet(master, quiet, 20.0)
        peak = _high_water_mib(proc.pid)
        os.write(master, b"\x11")  # ctrl+q
        end = time.monotonic() + 15
        while not reap():
            _read(master, 0.1)
            if time.monotonic() > end:
                os.killpg(proc.pid, signal.SIGTERM)
                end = time.monotonic() + 15
        assert rusage is not None
        return PtyRun(first, peak, status, second)
    finally:
        if rusage is None:
            proc.kill()
            proc.wait(10)
        os.close(master)
