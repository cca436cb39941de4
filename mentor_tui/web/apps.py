"""One person's app process behind one websocket, over textual-serve's protocol.

textual-serve's AppService starts a command with Textual's web driver and relays the browser's
keys and the app's frames; SessionApp gives it the person's own command and environment (their
store, their platform dirs: their token) and a stop that never waits forever.
"""

from __future__ import annotations

import asyncio
import contextlib
import shlex
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path

from textual_serve.app_service import AppService
from textual_serve.download_manager import DownloadManager

QUIT_GRACE_SECONDS = 5.0


def app_command(store: Path) -> str:
    """The shell command of one person's app: the same mentor-tui, on their own store (the
    shell textual-serve starts it with execs it: the process stopped is the app itself)."""
    return f"exec {shlex.quote(sys.executable)} -m mentor_tui --db {shlex.quote(str(store))}"


class SessionApp(AppService):
    """One app process for one session (its env adds the session's platform dirs)."""

    def __init__(
        self,
        store: Path,
        environment: dict[str, str],
        *,
        write_bytes: Callable[[bytes], Awaitable[None]],
        write_str: Callable[[str], Awaitable[None]],
        close: Callable[[], Awaitable[None]],
    ) -> None:
        super().__init__(
            app_command(store),
            write_bytes=write_bytes,
            write_str=write_str,
            close=close,
            download_manager=DownloadManager(),
        )
        self.extra_environment = environment

    def _build_environment(self, width: int = 80, height: int = 24) -> dict[str, str]:
        environment = super()._build_environment(width, height)
        environment.update(self.extra_environment)
        environment.pop("TEXTUAL", None)  # never the devtools in a served app
        return environment

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.returncode is None

    async def stop(self) -> None:
        """Ask the app to quit; kill it when it has not within the grace time."""
        process = self._process
        if process is None:
            return
        if process.returncode is None:
            with contextlib.suppress(Exception):
                await self.send_meta({"type": "quit"})
            try:
                await asyncio.wait_for(process.wait(), QUIT_GRACE_SECONDS)
            except TimeoutError:
                with contextlib.suppress(ProcessLookupError):
                    process.kill()
                await process.wait()
        task, self._task = self._task, None
        if task is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(task, QUIT_GRACE_SECONDS)
