"""A sync that says what it is doing, against real misbehaving servers on 127.0.0.1: one that
accepts connections and never answers, one that resets every connection. The whole sync keeps
to its deadline, each retry is a line on a terminal, every failure is a sentence in words, and
ctrl+c stops `mentor-tui sync` and the app's sync cleanly."""

from __future__ import annotations

import os
import pty
import select
import signal
import socket
import struct
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, Self

import pytest

from mentor_tui.db.engine import make_engine
from mentor_tui.paths import config_path
from mentor_tui.sync import ServerUnavailable, credentials, sync_once
from mentor_tui.sync.http import RetryPolicy, SyncHttp
from mentor_tui.sync.store import local_transaction, read_state, save_state

if TYPE_CHECKING:
    from mentor_tui.sync.http import RetryNotice

DEADLINE = 2


class FaultServer:
    """A TCP server on 127.0.0.1 that accepts and then either holds every connection open
    without a word (``reset=False``) or resets it (``reset=True``) once the request is in."""

    def __init__(self, *, reset: bool) -> None:
        self.reset = reset
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.held: list[socket.socket] = []
        self.accepted = 0
        self.requests: list[bytes] = []  # the request line of each held connection
        self._thread = threading.Thread(target=self._serve, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.accepted += 1
            if self.reset:
                conn.recv(65536)
                conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                conn.close()  # linger 0: the peer gets a reset, not a clean close
            else:
                self.held.append(conn)
                threading.Thread(target=self._read_request, args=(conn,), daemon=True).start()

    def _read_request(self, conn: socket.socket) -> None:
        try:
            self.requests.append(conn.recv(65536).split(b"\r\n", 1)[0])
        except OSError:
            pass

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.sock.close()
        for conn in self.held:
            conn.close()


def linked_store(path: Path, url: str, email: str = "m@example.org"):
    """A store linked to ``url`` with a token, as `mentor-tui login` leaves it."""
    store = make_engine(path)
    with local_transaction(store) as conn:
        client_id = read_state(conn).client_id  # makes the row
        save_state(conn, server_url=url, server_id="srv", account_id="acc", account_email=email)
    credentials.save_token(client_id, url, "not-a-real-token")
    return store


def test_a_stalling_server_is_given_up_on_at_the_deadline(tmp_path: Path) -> None:
    with FaultServer(reset=False) as server:
        store = linked_store(tmp_path / "m.db", server.url)
        http = SyncHttp(server.url, "t", timeout=30.0)
        began = time.monotonic()
        with pytest.raises(ServerUnavailable) as caught:
            sync_once(store, http=http, deadline=DEADLINE)
        took = time.monotonic() - began
    assert DEADLINE - 0.5 <= took < DEADLINE + 1.5, took
    message = str(caught.value)
    assert message == (
        f"The server at {server.url} is not answering. Gave up after the sync's limit of 2 s; "
        "your changes are kept here and will sync later."
    )


def test_retries_are_announced_and_none_starts_past_the_deadline(tmp_path: Path) -> None:
    """Refused connections retried with waits: each retry is announced (attempt n of N, the
    wait); the one whose wait would run past the deadline is not made."""
    port = socket.create_server(("127.0.0.1", 0))
    url = f"http://127.0.0.1:{port.getsockname()[1]}"
    port.close()  # nothing listens: refused at once
    notices: list[RetryNotice] = []
    retry = RetryPolicy(attempts=6, base_delay=0.4, max_delay=0.4)
    retry.backoff = lambda attempt: 0.4  # type: ignore[method-assign]
    http = SyncHttp(url, "t", retry=retry, on_retry=notices.append)
    store = linked_store(tmp_path / "m.db", url)
    began = time.monotonic()
    with pytest.raises(ServerUnavailable, match=r"refused the connection.*limit of 1\.5 s"):
        sync_once(store, http=http, deadline=1.5)
    assert time.monotonic() - began < 1.5
    assert [n.attempt for n in notices] == [2, 3], "a third wait would leave no time to try"
    assert notices[0].short() == "connection refused, retrying in 1 s, attempt 2 of 6"
    assert "ConnectError" not in notices[0].sentence()


def test_a_reset_connection_is_a_sentence_in_words(tmp_path: Path) -> None:
    with FaultServer(reset=True) as server:
        store = linked_store(tmp_path / "m.db", server.url)
        http = SyncHttp(server.url, "t", retry=RetryPolicy(attempts=2, sleep=lambda s: None))
        with pytest.raises(ServerUnavailable) as caught:
            sync_once(store, http=http)
    message = str(caught.value)
    assert message.startswith(
        f"The server at {server.url} reset the connection before answering. Gave up;"
    ), message
    assert "Error" not in message


def _cli(tmp_path: Path, url: str, *, deadline: int) -> tuple[subprocess.Popen[bytes], int]:
    """`mentor-tui sync` in a subprocess with its stderr on a pseudo-terminal."""
    config_path().parent.mkdir(parents=True, exist_ok=True)
    config_path().write_text(f"sync_deadline_seconds = {deadline}\n", encoding="utf-8")
    linked_store(tmp_path / "m.db", url).dispose()
    master, slave = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "mentor_tui", "sync", "--db", str(tmp_path / "m.db")],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=slave,
        env={**os.environ, "COLUMNS": "200", "TERM": "dumb"},
        # ctrl+c's default, as a terminal gives it: a suite started in the background by a
        # shell inherits SIGINT ignored, and Python then never turns it into KeyboardInterrupt
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    os.close(slave)
    return proc, master


def _read_all(master: int, until: float) -> str:
    chunks: list[bytes] = []
    while time.monotonic() < until:
        ready, _, _ = select.select([master], [], [], 0.1)
        if ready:
            try:
                data = os.read(master, 65536)
            except OSError:  # the other end closed
                break
            if not data:
                break
            chunks.append(data)
    return b"".join(chunks).decode(errors="replace")


def test_cli_against_a_stalling_server_ends_at_its_deadline_in_one_sentence(
    tmp_path: Path,
) -> None:
    with FaultServer(reset=False) as server:
        proc, master = _cli(tmp_path, server.url, deadline=DEADLINE)
        began = time.monotonic()
        try:
            code = proc.wait(timeout=60)
            took = time.monotonic() - began
            err = _read_all(master, time.monotonic() + 1)
        finally:
            proc.kill()
            os.close(master)
    assert code == 2
    # the deadline plus starting Python, which takes seconds on a loaded 2-core machine; the
    # default deadline (60 s) would not end it within the wait
    assert took < DEADLINE + 20, took
    assert f"The server at {server.url} is not answering." in err
    assert "Traceback" not in err and "Timeout" not in err


def test_cli_shows_each_retry_on_a_terminal(tmp_path: Path) -> None:
    port = socket.create_server(("127.0.0.1", 0))
    url = f"http://127.0.0.1:{port.getsockname()[1]}"
    port.close()  # refused: the default policy retries six times with growing waits
    proc, master = _cli(tmp_path, url, deadline=60)
    try:
        seen = ""
        until = time.monotonic() + 30
        while "attempt 3 of 6" not in seen and time.monotonic() < until:
            seen += _read_all(master, time.monotonic() + 0.2)
    finally:
        proc.kill()
        proc.wait()
        os.close(master)
    assert "attempt 2 of 6" in seen and "attempt 3 of 6" in seen, seen
    assert f"The server at {url} refused the connection or could not be found. Retrying in" in seen


def test_ctrl_c_stops_cli_sync_waiting_on_a_stalled_server(tmp_path: Path) -> None:
    with FaultServer(reset=False) as server:
        proc, master = _cli(tmp_path, server.url, deadline=60)
        try:
            wait_until = time.monotonic() + 20
            while server.accepted == 0 and time.monotonic() < wait_until:
                time.sleep(0.05)
            assert server.accepted, "the sync reached the server"
            proc.send_signal(signal.SIGINT)
            code = proc.wait(timeout=15)  # a loaded machine: the sentence below is not the
            # one the deadline (60 s) would give
            seen = _read_all(master, time.monotonic() + 1)
        finally:
            proc.kill()
            os.close(master)
    assert code == 130
    assert "Sync stopped; what was sent or taken in so far is kept" in seen
    assert "Traceback" not in seen and "KeyboardInterrupt" not in seen


async def test_ctrl_c_stops_the_apps_sync_against_a_stalling_server(
    template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The app syncs with a server that never answers; ctrl+c stops it: the status bar says so
    at once, no further attempt is made (the app's policy would retry once), and the app's
    sync is over once the request already sent times out."""
    from app_support import MENTOR, copy_store, services_for

    from mentor_tui.app import sync_loop
    from mentor_tui.app.main import MentorApp

    monkeypatch.setattr(sync_loop, "REQUEST_TIMEOUT", 2.0)
    # the long poll (a listener, not the sync ctrl+c stops) would send the same first request
    monkeypatch.setattr(sync_loop.AppSync, "_poll_loop", lambda self: None)

    def status(app: MentorApp) -> str:
        return str(app.screen.query_one("#status-store").render())

    async def until(pilot, condition, timeout: float) -> None:
        end = time.monotonic() + timeout
        while not condition():
            assert time.monotonic() < end, f"timed out after {timeout} s"
            await pilot.pause(0.05)

    with FaultServer(reset=False) as server:
        path = copy_store(template, tmp_path / "m.db")
        linked_store(path, server.url, MENTOR).dispose()
        app = MentorApp(services_for(path, MENTOR))

        def syncs() -> list[bytes]:
            return list(server.requests)

        async with app.run_test(size=(130, 36)) as pilot:
            await until(pilot, lambda: app._sync is not None and app.sync.running, 15)
            await until(pilot, lambda: len(syncs()) == 1, 10)
            # the first request times out: the retry is in the status bar, with the way out
            await until(pilot, lambda: "attempt 2 of 2 (ctrl+c stops)" in status(app), 10)
            assert "syncing: server not answering, retrying in" in status(app)
            await until(pilot, lambda: len(syncs()) == 2, 5)
            await pilot.press("ctrl+c")
            assert app.sync.stopped and not app.sync.running
            await until(pilot, lambda: "sync stopped" in status(app), 1)
            assert any(n.message.startswith("Sync stopped;") for n in app._notifications)
            await until(pilot, lambda: not app.sync._running, 10)  # the request timed out
            # not stopped, a failed sync is tried again within a second or two (the backoff);
            # stopped, the next one waits for the interval (or `s`)
            await pilot.pause(2.5)
            assert len(syncs()) == 2, f"an attempt after the stop: {syncs()!r}"
            assert "sync stopped" not in status(app) and "syncing" not in status(app)
            assert app.sync._timer is not None, "the next sync comes on the interval"
            assert not app.check_action("stop_sync", ()), "ctrl+c is the screen's again"
