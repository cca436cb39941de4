"""xAPI statements a real server process acknowledged are kept when it is killed (SIGKILL: no
shutdown, no last checkpoint of its WAL), and there to GET when it is back: a commit has put
them in the WAL before the answer (``synchronous=NORMAL`` in WAL mode survives a killed
process; a power loss may take the last commits)."""

from __future__ import annotations

import base64
import sqlite3
import uuid
from pathlib import Path

import httpx
import pytest
from sync_helpers import PASSWORD, Harness, ProcessServer, fast_hashing

LMS = "lms@example.org"


def test_acknowledged_statements_survive_the_server_killed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fast_hashing(monkeypatch)
    h = Harness(tmp_path)
    h.account(LMS, "integration")
    h.close()
    token = base64.b64encode(f"{LMS}:{PASSWORD}".encode()).decode()
    headers = {"Authorization": f"Basic {token}", "X-Experience-API-Version": "1.0.3"}
    ids = [str(uuid.uuid4()) for _ in range(300)]
    batch = [
        {
            "id": statement_id,
            "actor": {"mbox": f"mailto:student{n}@example.org"},
            "verb": {"id": "http://adlnet.gov/expapi/verbs/completed"},
            "object": {"id": f"https://lms.example.org/modules/m{n}"},
        }
        for n, statement_id in enumerate(ids)
    ]
    server = ProcessServer(h.url).start()
    try:
        answer = httpx.post(f"{server.url}/xapi/statements", json=batch, headers=headers)
        assert answer.status_code == 200
        assert answer.json() == ids
    finally:
        server.kill()  # SIGKILL at once: no shutdown, no last checkpoint
    conn = sqlite3.connect(h.url)
    try:
        stored = {r[0] for r in conn.execute("SELECT id FROM server_xapi_statements")}
    finally:
        conn.close()
    assert stored == set(ids)
    server = ProcessServer(h.url).start()
    try:
        found = httpx.get(
            f"{server.url}/xapi/statements", params={"statementId": ids[-1]}, headers=headers
        )
        assert found.status_code == 200
        assert found.json()["actor"] == batch[-1]["actor"]
    finally:
        server.stop()
