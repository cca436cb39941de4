"""The server on PostgreSQL: the same protocol, several server processes on one database, and
concurrent writers whose positions commit in order so a pull never skips a change.

Each test makes its own schema in the database named by MENTOR_TUI_TEST_DATABASE_URL and drops
it afterwards, so runs never collide."""

from __future__ import annotations

import random
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from mentor_tui.core import clock, writes
from mentor_tui.db.engine import session_scope
from mentor_tui.db.models import MentorshipNote, User
from mentor_tui.server import log as server_log
from mentor_tui.server.log import LogWriter, current_position, take_positions
from mentor_tui.server.schema import ensure_schema, make_server_engine
from mentor_tui.sync import list_conflicts
from mentor_tui.sync.protocol import wire_time
from tests.sync_helpers import (
    PASSWORD,
    Harness,
    ThreadServer,
    fast_hashing,
    seed_program,
    server_view,
    store_view,
)

pytestmark = pytest.mark.postgres


@pytest.fixture
def h(pg_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Harness]:
    fast_hashing(monkeypatch)
    harness = Harness(tmp_path, pg_url)
    yield harness
    harness.close()


def test_the_protocol_on_postgresql(h: Harness) -> None:
    assert h.engine.dialect.name == "postgresql"
    program = seed_program(h)
    ids = program.ids
    laptop, phone = h.store("laptop"), h.store("phone")
    h.login(laptop, "m1@example.org")
    h.login(phone, "m1@example.org")
    with session_scope(laptop) as s:
        note = writes.insert(s, ids["m1"], MentorshipNote(mentor_id=ids["m1"], student_id=ids["s1"],
                                                          note="first", added_at=clock.now()))  # fmt: skip
        note_id = note.id
    h.sync(laptop), h.sync(phone)
    for store, text in ((laptop, "laptop text"), (phone, "phone text")):
        with session_scope(store) as s:
            writes.update(s, ids["m1"], s.get(MentorshipNote, note_id), {"note": text})
    h.sync(laptop)
    assert h.sync(phone).conflicts == 1
    assert list_conflicts(phone)[0].fields["note"] == {
        "mine": "phone text",
        "theirs": "laptop text",
    }
    with session_scope(program.admin_store) as s:
        writes.update(s, None, s.get(User, ids["s1"]), {"mentor_id": ids["m2"]})
    h.sync(program.admin_store)
    h.sync(laptop)
    with session_scope(laptop) as s:
        assert s.get(User, ids["s1"]) is None and s.get(MentorshipNote, note_id) is None
    assert store_view(laptop) == server_view(h.engine, laptop, "m1@example.org")


def test_positions_commit_in_order_a_later_writer_waits(pg_url: str) -> None:
    """Writer 1 takes a position and has not committed; writer 2 cannot take one until it
    does, and a reader meanwhile sees neither: the counter never runs ahead of what is
    visible."""
    engine = make_server_engine(pg_url)
    ensure_schema(engine)
    start = _position(engine)
    first = engine.connect()
    tx1 = first.begin()
    assert take_positions(first, 1) == start + 1
    second_got: list[int] = []

    def second_writer() -> None:
        with engine.connect() as conn, conn.begin():
            second_got.append(take_positions(conn, 1))

    thread = threading.Thread(target=second_writer)
    thread.start()
    time.sleep(0.4)
    assert second_got == [], "the second writer waits for the first to commit"
    assert _position(engine) == start, "a reader sees no position before its commit"
    tx1.commit()
    thread.join(10)
    assert second_got == [start + 2]
    assert _position(engine) == start + 2
    first.close()
    engine.dispose()


def _position(engine) -> int:
    with engine.connect() as conn, conn.begin():
        return current_position(conn)


def test_concurrent_pushers_and_a_puller_miss_nothing(
    h: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Four clients push notes at once (each commit delayed at random after its positions are
    taken, the window in which a later writer could overtake) while a fifth pulls pages of
    20 as fast as it can. Every note reaches the puller through its incremental pulls."""
    program = seed_program(h)
    ids = program.ids
    real_finish = LogWriter.finish
    rng = random.Random(7)

    def slow_finish(self: LogWriter) -> int | None:
        last = real_finish(self)
        time.sleep(rng.uniform(0, 0.03))  # positions taken, not yet committed
        return last

    monkeypatch.setattr(server_log.LogWriter, "finish", slow_finish)
    pushed: list[str] = []
    seen: set[str] = set()
    done = threading.Event()
    with ThreadServer(h.engine) as server:
        token = httpx.post(
            f"{server.url}/auth/login", json={"email": "m1@example.org", "password": PASSWORD}
        ).json()["token"]
        auth = {"Authorization": f"Bearer {token}"}

        def pusher(n: int) -> None:
            with httpx.Client(headers=auth, timeout=30) as client:
                for batch in range(25):
                    changes = [_note_change(ids, f"p{n} b{batch} #{k}") for k in range(3)]
                    answer = client.post(
                        f"{server.url}/sync/push", json={"client_id": f"c{n}", "changes": changes}
                    )
                    assert answer.status_code == 200, answer.text
                    assert {r["status"] for r in answer.json()["results"]} == {"applied"}
                    pushed.extend(c["entity_id"] for c in changes)

        def puller() -> None:
            after = 0
            with httpx.Client(headers=auth, timeout=30) as client:
                while True:
                    finished = done.is_set()
                    page = client.get(
                        f"{server.url}/sync/pull", params={"after": after, "limit": 20}
                    ).json()
                    for block in page["tables"]:
                        if block["table"] == "mentorship_notes":
                            seen.update(row[0] for row in block["rows"])
                    after = page["position"]
                    if finished and not page["more"]:
                        return

        pull_thread = threading.Thread(target=puller)
        pull_thread.start()
        pushers = [threading.Thread(target=pusher, args=(n,)) for n in range(4)]
        for thread in pushers:
            thread.start()
        for thread in pushers:
            thread.join(120)
        done.set()
        pull_thread.join(60)
    assert len(pushed) == 4 * 25 * 3
    missing = set(pushed) - seen
    assert not missing, f"{len(missing)} notes were skipped by the incremental pulls"
    with h.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(MentorshipNote)).scalar() == len(
            pushed
        )


def _note_change(ids: dict[str, str], text: str) -> dict[str, object]:
    note_id = str(uuid.uuid4())
    now = wire_time(clock.now())
    return {
        "change_id": str(uuid.uuid4()), "entity": "mentorship_notes", "entity_id": note_id,
        "op": "insert", "base_version": 0,
        "fields": {"id": note_id, "created_at": now, "updated_at": now, "version": 1,
                   "deleted_at": None, "mentor_id": ids["m1"], "student_id": ids["s1"],
                   "kind": "note", "note": text, "added_at": now, "due_date": None,
                   "done": False, "session_id": None},
    }  # fmt: skip


def test_two_server_processes_share_one_database(h: Harness, pg_url: str, tmp_path: Path) -> None:
    """Nothing lives in a server's memory: a token from one server works on the other, a push
    through one is pulled through the other, and failed logins count across both."""
    program = seed_program(h)
    other = make_server_engine(pg_url)
    with ThreadServer(h.engine) as one, ThreadServer(other) as two:
        token = httpx.post(
            f"{one.url}/auth/login", json={"email": "m1@example.org", "password": PASSWORD}
        ).json()["token"]
        auth = {"Authorization": f"Bearer {token}"}
        change = _note_change(program.ids, "through server one")
        assert (
            httpx.post(
                f"{one.url}/sync/push", json={"client_id": "c", "changes": [change]}, headers=auth
            ).status_code
            == 200
        )
        page = httpx.get(f"{two.url}/sync/pull", params={"after": 0}, headers=auth).json()
        notes = [b for b in page["tables"] if b["table"] == "mentorship_notes"]
        assert notes and notes[0]["rows"][0][0] == change["entity_id"]
        for url in (one.url, two.url, one.url, two.url, one.url):
            httpx.post(f"{url}/auth/login", json={"email": "m2@example.org", "password": "wrong"})
        assert (
            httpx.post(
                f"{two.url}/auth/login", json={"email": "m2@example.org", "password": PASSWORD}
            ).status_code
            == 429
        )
        assert httpx.post(f"{two.url}/auth/logout", headers=auth).status_code == 200
        assert httpx.get(f"{one.url}/sync/me", headers=auth).status_code == 401
    other.dispose()


def test_feedback_received_only_with_a_decision_on_postgresql(h: Harness) -> None:
    """The notification rule reads the notification's JSON data (``->>`` here, json_extract on
    SQLite): a forged "feedback received" is refused, the decision's own goes through."""
    from mentor_tui.config import Config
    from mentor_tui.core.notifications.notify import notify
    from mentor_tui.core.reviews.decisions import decide
    from mentor_tui.db.models import Notification
    from tests import factory

    ids = seed_program(h).ids
    m1_store = h.store("m1")
    h.login(m1_store, "m1@example.org")
    config = Config()
    with session_scope(m1_store) as s:
        notify(s, config, user_id=ids["s1"], type="feedback_received", title="Feedback",
               data={"submission_id": ids["sub1"]})  # fmt: skip
    assert h.sync(m1_store).rejected == 1
    with session_scope(m1_store) as s:
        decide(s, factory.actor(s.get_one(User, ids["m1"])), ids["sub1"], "approve", "Good", config)
    assert h.sync(m1_store).rejected == 0
    with h.engine.connect() as conn:
        sent = conn.execute(
            select(func.count()).where(
                Notification.user_id == ids["s1"], Notification.type == "feedback_received"
            )
        ).scalar_one()
    assert sent == 1
