"""Faults against a real server on 127.0.0.1: refused connections, a server killed
mid-request, 5xx and Retry-After (httpx.MockTransport where a real server cannot produce the
fault on demand). After recovery every change exists exactly once on both sides."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import httpx
import pytest
from sqlalchemy import func, select

from mentor_tui.core import clock, writes
from mentor_tui.db.engine import session_scope
from mentor_tui.db.models import MentorshipNote, User
from mentor_tui.server.schema import make_server_engine
from mentor_tui.sync import (
    ServerUnavailable,
    credentials,
    login,
    pending_change_count,
    sync_once,
    wait_for_changes,
)
from mentor_tui.sync.http import RetryPolicy, SyncHttp, retry_after_seconds
from mentor_tui.sync.protocol import PUSH_BATCH
from mentor_tui.sync.store import state_of
from tests import factory, sync_helpers
from tests.sync_helpers import (
    PASSWORD,
    ProcessServer,
    Program,
    ThreadServer,
    server_view,
    store_view,
    wait_until,
)

program_template = sync_helpers.program_template  # a fixture
program = sync_helpers.program  # a fixture


def _http(store, retry: RetryPolicy, client: httpx.Client | None = None) -> SyncHttp:
    state = state_of(store)
    token = credentials.load_token(state.client_id)
    assert token is not None and state.server_url is not None
    return SyncHttp(state.server_url, token.token, client=client, retry=retry)


def _write_notes(store, ids: dict[str, str], count: int, prefix: str = "note") -> None:
    with session_scope(store) as s:
        me, sam = s.get(User, ids["m1"]), s.get(User, ids["s1"])
        for n in range(count):
            factory.note(s, me, sam, f"{prefix} {n}")


def _count(engine, model=MentorshipNote) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(model)).scalar_one())


def test_sync_over_a_real_server_and_live_updates_through_the_long_poll(program: Program) -> None:
    h, ids = program.harness, program.ids
    with ThreadServer(h.engine) as server:
        laptop, phone = h.store("laptop"), h.store("phone")
        login(laptop, server.url, "m1@example.org", PASSWORD)
        login(phone, server.url, "m1@example.org", PASSWORD)
        seen: list[int] = []
        waiter = threading.Thread(target=lambda: seen.append(wait_for_changes(phone, wait=10)))
        waiter.start()
        _write_notes(laptop, ids, 1, "from the laptop")
        sync_once(laptop)
        waiter.join(15)
        assert seen == [1], "the phone's long poll brought the laptop's note"
        with session_scope(phone) as s:
            assert [n.note for n in s.execute(select(MentorshipNote)).scalars()] == [
                "from the laptop 0"
            ]
        assert wait_for_changes(phone, wait=0.3) == 0, "nothing new: the poll times out empty"


def test_a_refused_connection_keeps_changes_local_until_the_server_is_back(
    program: Program,
) -> None:
    h, ids = program.harness, program.ids
    server = ThreadServer(h.engine)
    with server:
        store = h.store("m1")
        login(store, server.url, "m1@example.org", PASSWORD)
    _write_notes(store, ids, 3)  # offline: the store keeps working
    sleeps: list[float] = []
    with pytest.raises(ServerUnavailable, match=r"refused the connection.*kept here"):
        sync_once(store, http=_http(store, RetryPolicy(attempts=4, sleep=sleeps.append)))
    assert len(sleeps) == 3 and all(0 <= s <= 0.5 * 2**i for i, s in enumerate(sleeps))
    assert pending_change_count(store) == 3 and _count(h.engine) == 0
    from mentor_tui.sync import sync_status

    assert "refused the connection" in (sync_status(store).last_error or "")
    with ThreadServer(h.engine, port=server.port):
        report = sync_once(store)
    assert report.pushed == 3 and pending_change_count(store) == 0
    assert _count(h.engine) == 3 and _count(store) == 3


def test_5xx_and_retry_after_are_retried_and_honoured(program: Program) -> None:
    h, ids = program.harness, program.ids
    store = h.store("m1")
    h.login(store, "m1@example.org")
    _write_notes(store, ids, 2)
    faults = [
        httpx.Response(503, headers={"Retry-After": "3"}, json={"detail": "busy"}),
        httpx.Response(500, json={"detail": "boom"}),
        httpx.Response(
            429,
            headers={
                "Retry-After": format_datetime(
                    datetime.now(UTC) + timedelta(seconds=7), usegmt=True
                )
            },
        ),
    ]

    def faulty(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/sync/push" and faults:
            return faults.pop(0)
        answer = h.client.request(
            request.method, str(request.url), headers=request.headers, content=request.content
        )
        return httpx.Response(answer.status_code, headers=answer.headers, content=answer.content)

    sleeps: list[float] = []
    client = httpx.Client(transport=httpx.MockTransport(faulty))
    report = sync_once(store, http=_http(store, RetryPolicy(sleep=sleeps.append), client))
    assert report.pushed == 2 and _count(h.engine) == 2
    assert len(sleeps) == 3
    assert sleeps[0] >= 3, "Retry-After in seconds"
    assert sleeps[1] <= 0.5 * 2, "plain backoff with jitter"
    assert 5 <= sleeps[2] <= 8, "Retry-After as an HTTP date"


def test_a_retry_after_longer_than_we_wait_gives_up_with_a_sentence(program: Program) -> None:
    h = program.harness
    store = h.store("m1")
    h.login(store, "m1@example.org")
    client = httpx.Client(
        transport=httpx.MockTransport(
            lambda r: httpx.Response(503, headers={"Retry-After": "3600"})
        )
    )
    with pytest.raises(ServerUnavailable, match="asks to wait 3600 s"):
        sync_once(store, http=_http(store, RetryPolicy(sleep=lambda s: None), client))


def test_retry_after_parsing() -> None:
    assert retry_after_seconds("12") == 12.0
    assert retry_after_seconds(None) is None and retry_after_seconds("soon") is None
    past = format_datetime(datetime(2000, 1, 1, tzinfo=UTC), usegmt=True)
    assert retry_after_seconds(past) == 0.0


def test_a_server_killed_mid_request_then_restarted_ends_with_every_change_once(
    program: Program,
) -> None:
    """One mentor pushes 1,200 notes from a laptop while their phone waits in a long poll;
    the server process is killed (SIGKILL) once the first batch is in, with the next batch on
    its way and the phone's poll open, then restarted. Both carry on by themselves."""
    h, ids = program.harness, program.ids
    server = ProcessServer(h.url).start()
    retry = RetryPolicy(attempts=80, base_delay=0.05, max_delay=0.3)
    total = 1200
    try:
        laptop, phone = h.store("laptop"), h.store("phone")
        login(laptop, server.url, "m1@example.org", PASSWORD)
        login(phone, server.url, "m1@example.org", PASSWORD)
        with session_scope(laptop) as s:
            for n in range(total):
                writes.insert(s, ids["m1"], MentorshipNote(
                    mentor_id=ids["m1"], student_id=ids["s1"], note=f"note {n}", added_at=clock.now()
                ))  # fmt: skip
        outcome: list[object] = []
        polled: list[object] = []

        def push() -> None:
            try:
                outcome.append(sync_once(laptop, http=_http(laptop, retry)))
            except Exception as exc:
                outcome.append(exc)

        def poll() -> None:
            http = _http(phone, retry)
            try:
                while _count(phone) < total:
                    wait_for_changes(phone, wait=5, http=http)
                polled.append("done")
            except Exception as exc:
                polled.append(exc)

        threads = [threading.Thread(target=poll), threading.Thread(target=push)]
        for thread in threads:
            thread.start()
        watcher = make_server_engine(h.url)
        wait_until(lambda: _count(watcher) >= PUSH_BATCH, timeout=60)
        server.kill()
        killed_at = _count(watcher)
        watcher.dispose()
        server.start()
        for thread in threads:
            thread.join(120)
        assert outcome and not isinstance(outcome[0], Exception), outcome
        assert polled == ["done"], polled
        assert killed_at < total, "the server died before it had everything"
        assert _count(h.engine) == total and _count(laptop) == total and _count(phone) == total
        with h.engine.connect() as conn:
            texts = conn.execute(select(MentorshipNote.note)).scalars().all()
        assert len(set(texts)) == total, "no change applied twice"
        assert pending_change_count(laptop) == 0
        for store in (laptop, phone):
            assert store_view(store) == server_view(h.engine, store, "m1@example.org")
    finally:
        server.stop()
