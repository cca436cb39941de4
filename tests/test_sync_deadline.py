"""A sync that says what it is doing, against real misbehaving servers on 127.0.0.1: one that
accepts connections and never answers, one that resets every connection. The whole sync keeps
to its deadline, each retry is a line on a terminal, every failure is a sentence in words, and
ctrl+c stops `mentor-tui sync` cleanly."""

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

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.sock.close()
        for conn in self.held:
            conn.close()


def linked_store(path: Path, url: str):
    """A store linked to ``url`` with a token, as `mentor-tui login` leaves it."""
    store = make_engine(path)
    with local_transaction(store) as conn:
        client_id = read_state(conn).client_id  # makes the row
        save_state(
            conn, server_url=url, server_id="srv", account_id="acc", account_email="m@example.org"
        )
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
            code = proc.wait(timeout=30)
            took = time.monotonic() - began
            err = _read_all(master, time.monotonic() + 1)
        finally:
            proc.kill()
            os.close(master)
    assert code == 2
    assert took < DEADLINE + 6, took  # the deadline plus starting Python
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
            code = proc.wait(timeout=5)
            seen = _read_all(master, time.monotonic() + 1)
        finally:
            proc.kill()
            os.close(master)
    assert code == 130
    assert "Sync stopped; what was sent or taken in so far is kept" in seen
    assert "Traceback" not in seen and "KeyboardInterrupt" not in seen
