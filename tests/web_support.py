"""A real `mentor-tui web` process in front of a real sync server, driven by Debian's Chromium
through Playwright (never a downloaded browser), and what the app's terminal shows, read from
the websocket frames the page receives."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from sync_helpers import START_CEILING

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# CSI and OSC sequences and the other escapes Textual writes between runs of text
ESCAPES = re.compile(
    r"\x1b\[[0-9;?<>=]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[()][0-9A-Za-z]|\x1b[=>78M]"
)

needs_chromium = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason="Debian's chromium is not installed at /usr/bin/chromium (.ci/run installs it: "
    "apt-get install chromium chromium-driver)",
)


def launch_chromium(playwright: Any) -> Any:
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)


class WebProcess:
    """`mentor-tui web` in its own process, on a free port, for a sync server."""

    def __init__(self, server_url: str, port: int, *extra: str) -> None:
        self.url = f"http://127.0.0.1:{port}"
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "mentor_tui", "web", "--port", str(port),
             "--server", server_url, *extra],
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
            stderr=subprocess.PIPE,
            text=True,
        )  # fmt: skip
        deadline = time.monotonic() + START_CEILING
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"mentor-tui web exited: {self.proc.stderr.read()}")  # type: ignore[union-attr]
            try:
                if httpx.get(self.url, timeout=1).status_code == 200:
                    return
            except httpx.TransportError:
                time.sleep(0.05)
        raise RuntimeError("mentor-tui web did not start")

    def stop(self) -> str:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        return self.proc.stderr.read() if self.proc.stderr else ""


def session_processes() -> list[str]:
    """The command lines of the running processes that use a web session's folder."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            line = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode("utf-8", "replace")
        except OSError:
            continue
        if "web-sessions" in line:
            found.append(line)
    return found


class Screen:
    """Everything the page's app websocket received, as plain text."""

    def __init__(self, page: Any) -> None:
        self.chunks: list[bytes] = []
        self.sockets: list[Any] = []
        page.on("websocket", self._opened)

    def _opened(self, websocket: Any) -> None:
        self.sockets.append(websocket)
        websocket.on("framereceived", self._frame)

    def _frame(self, payload: Any) -> None:
        if isinstance(payload, bytes):
            self.chunks.append(payload)

    def text(self) -> str:
        raw = b"".join(self.chunks).decode("utf-8", "replace")
        return ESCAPES.sub("", raw)

    def mark(self) -> int:
        return len(self.chunks)

    def since(self, mark: int) -> str:
        return ESCAPES.sub("", b"".join(self.chunks[mark:]).decode("utf-8", "replace"))

    def wait_for(self, page: Any, *words: str, after: int = 0, timeout: float = 60.0) -> str:
        deadline = time.monotonic() + timeout
        while True:
            shown = self.since(after)
            if all(word in shown for word in words):
                return shown
            if time.monotonic() > deadline:
                raise AssertionError(f"{words} never shown; the screen said: {shown!r}")
            page.wait_for_timeout(100)
