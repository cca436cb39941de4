"""An xAPI batch's WAL checkpoint runs on a background thread after its commit
(``server/checkpoint.py``): the WAL stays bounded however many batches come, and the thread ends
when no batch has come for a while. (A killed server keeps every acknowledged statement whether
or not the checkpoint ran: tests/test_xapi_killed.py.)"""

from __future__ import annotations

import threading
import uuid
from pathlib import Path

import pytest
from test_xapi import LMS, V

from mentor_tui.server import checkpoint
from tests import sync_helpers
from tests.sync_helpers import Harness, wait_until


def batch(size: int) -> list[dict[str, object]]:
    return [
        {
            "id": str(uuid.uuid4()),
            "actor": {"mbox": f"mailto:nobody{n}@example.org"},  # unknown: kept all the same
            "verb": {"id": "http://adlnet.gov/expapi/verbs/completed"},
            "object": {"id": f"https://lms.example.org/modules/m{n}"},
            "result": {"response": "x" * 400},
        }
        for n in range(size)
    ]


def wal_bytes(h: Harness) -> int:
    wal = Path(f"{h.url}-wal")
    return wal.stat().st_size if wal.exists() else 0


h = sync_helpers.harness  # a fixture


def test_the_wal_stays_bounded_over_many_batches(h: Harness) -> None:
    h.account(LMS, "integration", "The LMS")
    token = h.token(LMS) | V
    found = checkpoint.checkpointer(h.engine)
    assert found is not None
    sizes = []
    for _ in range(30):
        runs = found.runs
        answer = h.client.post("/xapi/statements", json=batch(200), headers=token)
        assert answer.status_code == 200, answer.text
        try:  # the batch asks for its checkpoint; without one the sizes below tell
            wait_until(lambda done=runs: found.runs > done, timeout=3)
        except AssertionError:
            pass
        sizes.append(wal_bytes(h))
    # without the checkpoint every batch would add its pages (wal_autocheckpoint is off for it):
    # 30 batches, 30 times the first; with it the WAL is written again from its start
    assert max(sizes) <= 3 * sizes[0], sizes
    with h.engine.connect() as conn:
        raw = conn.connection.dbapi_connection
        assert raw is not None
        assert raw.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == 1000  # given back


def test_the_checkpoint_thread_ends_when_idle(h: Harness, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(checkpoint, "IDLE_SECONDS", 0.2)
    h.account(LMS, "integration", "The LMS")
    token = h.token(LMS) | V
    found = checkpoint.checkpointer(h.engine)
    assert found is not None
    before = set(threading.enumerate())
    answer = h.client.post("/xapi/statements", json=batch(5), headers=token)
    assert answer.status_code == 200, answer.text

    def started() -> list[threading.Thread]:
        return [
            t
            for t in threading.enumerate()
            if t not in before and t.name == "mentor-tui-checkpoint"
        ]

    # the thread lets go of its place first and ends a moment later: wait for both
    wait_until(lambda: found.runs >= 1 and found.thread is None and not started())
    # the next batch starts it again
    answer = h.client.post("/xapi/statements", json=batch(5), headers=token)
    assert answer.status_code == 200, answer.text
    wait_until(lambda: found.runs >= 2 and found.thread is None)
