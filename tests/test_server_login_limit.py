"""The login rate limit under real concurrency: a uvicorn server on 127.0.0.1, many guesses in
parallel, on SQLite and PostgreSQL (the race lived in the database). Client addresses differ
by binding the client to another loopback address (127.0.0.2)."""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from mentor_tui.server import auth
from tests.sync_helpers import PASSWORD, Harness, ThreadServer, fast_hashing

OWNER = "127.0.0.1"
STRANGER = "127.0.0.2"
GUESSES = 24


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def h(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    fast_hashing(monkeypatch)
    url = request.getfixturevalue("pg_url") if request.param == "postgres" else None
    harness = Harness(tmp_path, url)
    harness.account("ada@example.org", "admin", "Ada")
    yield harness
    harness.close()


@pytest.fixture
def checked(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Every password check, made slow (as the real scrypt is) so that parallel guesses
    overlap it."""
    calls: list[str] = []
    real = auth.verify_password

    def slow_verify(password: str, stored: str) -> bool:
        calls.append(password)
        time.sleep(0.3)
        return real(password, stored)

    monkeypatch.setattr(auth, "verify_password", slow_verify)
    yield calls


def _client(server: ThreadServer, address: str) -> httpx.Client:
    transport = httpx.HTTPTransport(local_address=address)
    return httpx.Client(base_url=server.url, transport=transport, timeout=30)


def _in_parallel(server: ThreadServer, address: str, emails: list[str]) -> Counter[int]:
    """One wrong guess per email, all at once, each on its own connection."""
    start = threading.Barrier(len(emails))
    codes: list[int] = []

    def guess(email: str) -> None:
        with _client(server, address) as client:
            start.wait()
            answer = client.post("/auth/login", json={"email": email, "password": "guess"})
            codes.append(answer.status_code)

    threads = [threading.Thread(target=guess, args=(email,)) for email in emails]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return Counter(codes)


@pytest.mark.parametrize("limit", ["account", "address"])
def test_parallel_guesses_never_all_get_checked(
    h: Harness, checked: list[str], monkeypatch: pytest.MonkeyPatch, limit: str
) -> None:
    # a backoff longer than any burst, so that a slow machine cannot let a late guess through
    monkeypatch.setattr(auth, "ACCOUNT_BACKOFF", timedelta(seconds=60), raising=False)
    if limit == "account":
        emails = ["ada@example.org"] * GUESSES
        allowed = auth.ACCOUNT_FAILURE_LIMIT
    else:  # a different account each time: only the address limit can trip
        monkeypatch.setattr(auth, "ADDRESS_FAILURE_LIMIT", 5)
        emails = [f"guess{n}@example.org" for n in range(GUESSES)]
        allowed = 5
    with ThreadServer(h.engine) as server:
        codes = _in_parallel(server, STRANGER, emails)
    assert sum(codes.values()) == GUESSES
    assert codes[401] == len(checked) == allowed, (codes, len(checked))
    assert codes[429] == GUESSES - allowed
    with h.engine.connect() as conn:
        recorded = conn.execute(select(func.count()).select_from(auth.login_failures)).scalar()
    assert recorded == allowed


def test_a_strangers_burst_delays_the_owner_only_briefly_and_a_login_clears_it(
    h: Harness, checked: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # during the burst a long backoff, so that a slow machine spreading the burst over more
    # than a second cannot let a sixth guess through; the owner then meets the short one
    monkeypatch.setattr(auth, "ACCOUNT_BACKOFF", timedelta(seconds=60), raising=False)
    right = {"email": "ada@example.org", "password": PASSWORD}
    wrong = {"email": "ada@example.org", "password": "guess"}
    with ThreadServer(h.engine) as server:
        codes = _in_parallel(server, STRANGER, ["ada@example.org"] * GUESSES)
        assert codes[401] == auth.ACCOUNT_FAILURE_LIMIT
        monkeypatch.setattr(auth, "ACCOUNT_BACKOFF", timedelta(seconds=1), raising=False)
        monkeypatch.setattr(auth, "ACCOUNT_BACKOFF_MAX", timedelta(seconds=2), raising=False)
        with _client(server, OWNER) as owner:
            answer = owner.post("/auth/login", json=right)
            if answer.status_code == 429:  # the backoff: seconds, not a 15-minute lockout
                wait = int(answer.headers["Retry-After"])
                assert wait <= 2, wait
                time.sleep(wait)
                answer = owner.post("/auth/login", json=right)
            assert answer.status_code == 200, answer.text
            # the login cleared the account's counter: a fresh allowance of failures
            for _ in range(auth.ACCOUNT_FAILURE_LIMIT - 1):
                assert owner.post("/auth/login", json=wrong).status_code == 401
            assert owner.post("/auth/login", json=right).status_code == 200


def test_the_account_backoff_doubles_up_to_its_cap() -> None:
    limit = auth.ACCOUNT_FAILURE_LIMIT
    assert auth.account_backoff(limit - 1) == timedelta(0)
    assert auth.account_backoff(limit) == auth.ACCOUNT_BACKOFF
    assert auth.account_backoff(limit + 1) == auth.ACCOUNT_BACKOFF * 2
    assert auth.account_backoff(limit + 100) == auth.ACCOUNT_BACKOFF_MAX
