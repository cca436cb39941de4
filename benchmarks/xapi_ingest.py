"""xAPI ingest (issue 16): statements per second posted in batches to one real
`mentor-tui serve` process, on a demo programme's server database (SQLite).

The database served is a server's, as `serve` makes one (``server_database.py``: a fresh
``make_server_engine`` file with ``ensure_schema``, the demo's rows copied in and positioned),
not a copy of the local demo store: that file has the local store's 16 KiB pages, its
local-only indexes (seven b-trees on ``module_progress``, a server's four) and its local
triggers, and every statement writes a page of each index, so it measured a server no one runs.

Each statement is a student's completion, score and time spent on a module of the programme,
so every one is applied: stored, mapped to a student and a module, and written to
``module_progress`` with its change-log position. Target: at least 2,000 statements/s.

The client shares the machine's cores with the server, so it spends no more CPU than a
learning platform's sender must: the batches are made and written to JSON before the clock
starts (a platform has its statements already), and one HTTP connection is kept for every
request (``httpx.Client``), logged in once (a bearer token, not a password hash per batch).

    python benchmarks/xapi_ingest.py [--database COPY_OF_A_SERVER.db] [--statements 20000]

Without ``--database``: a fresh copy of the cached server database of the 50,000-student demo
(built first if missing, see ``server_database.py``).
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import sqlite3
import subprocess
import sys
import time
import uuid
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PASSWORD = "benchmark password"
INTEGRATION = "lms@benchmark.example.org"
TARGET = 2_000
BATCH = 500
SERVE = (
    "import sys, uvicorn\n"
    "from mentor_tui.server.app import create_app\n"
    "from mentor_tui.server.schema import make_server_engine\n"
    "uvicorn.run(create_app(make_server_engine(sys.argv[1])), host='127.0.0.1',"
    " port=int(sys.argv[2]), log_level='warning')\n"
)
VERBS = ("completed", "passed", "scored", "progressed", "attempted")


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def cpu_seconds(pid: int) -> float | None:
    """User and system CPU time a process has used so far (Linux's /proc; None elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def statements(database: Path, count: int) -> list[dict[str, object]]:
    conn = sqlite3.connect(database)
    students = [r[0] for r in conn.execute("SELECT email FROM users WHERE role = 'student'")]
    modules = [r[0] for r in conn.execute("SELECT id FROM modules WHERE deleted_at IS NULL")]
    conn.close()
    made: list[dict[str, object]] = []
    for n in range(count):
        verb = VERBS[n % len(VERBS)]
        made.append(
            {
                "id": str(uuid.uuid4()),
                "actor": {"mbox": f"mailto:{students[n % len(students)]}"},
                "verb": {"id": f"http://adlnet.gov/expapi/verbs/{verb}"},
                "object": {"id": f"https://lms.example.org/modules/{modules[n % len(modules)]}"},
                "result": {
                    "score": {"scaled": (n % 100) / 100},
                    "duration": "PT12M",
                    "extensions": {
                        "https://w3id.org/xapi/cmi5/result/extensions/progress": n % 101
                    },
                },
                "timestamp": "2026-03-05T10:00:00Z",
            }
        )
    return made


def measure(database: Path, workdir: Path, count: int = 20_000) -> dict[str, float | int | None]:
    """Serve ``database`` (a copy of a server database, ``server_database.py``) and post
    ``count`` statements in batches of ``BATCH``, one request after another; the server
    process's CPU time meanwhile too (wall time on a shared machine is noisy)."""
    os.environ["XDG_CONFIG_HOME"] = str(workdir / "config")
    os.environ["XDG_DATA_HOME"] = str(workdir / "data")
    from mentor_tui.server.accounts import add_server_user
    from mentor_tui.server.schema import ensure_schema, make_server_engine

    engine = make_server_engine(str(database))
    ensure_schema(engine)
    add_server_user(engine, INTEGRATION, role="integration", name="Benchmark", password=PASSWORD)
    engine.dispose()
    made = statements(database, count)
    bodies = [json.dumps(made[i : i + BATCH]).encode() for i in range(0, len(made), BATCH)]
    port = free_port()
    server = subprocess.Popen([sys.executable, "-c", SERVE, str(database), str(port)], cwd=ROOT)
    url = f"http://127.0.0.1:{port}"
    basic = base64.b64encode(f"{INTEGRATION}:{PASSWORD}".encode()).decode()
    headers = {
        "Authorization": f"Basic {basic}",
        "X-Experience-API-Version": "1.0.3",
        "Content-Type": "application/json",
    }
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(f"{url}/health", timeout=2)
                break
            except httpx.TransportError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise RuntimeError("the server did not start") from None
                time.sleep(0.1)
        with httpx.Client(base_url=url, headers=headers, timeout=120) as client:
            token = client.post(
                "/auth/login", json={"email": INTEGRATION, "password": PASSWORD}
            ).json()["token"]
            client.headers["Authorization"] = f"Bearer {token}"  # no slow hash per batch
            cpu_before = cpu_seconds(server.pid)
            started = time.perf_counter()
            for body in bodies:
                client.post("/xapi/statements", content=body).raise_for_status()
            seconds = time.perf_counter() - started
            cpu_after = cpu_seconds(server.pid)
    finally:
        server.terminate()
        server.wait(timeout=30)
    conn = sqlite3.connect(database)
    applied = conn.execute(
        "SELECT count(*) FROM server_xapi_statements WHERE outcome = 'applied'"
    ).fetchone()[0]
    conn.close()
    server_cpu = None if cpu_before is None or cpu_after is None else cpu_after - cpu_before
    return {
        "statements": count,
        "applied": int(applied),
        "seconds": seconds,
        "statements_per_second": count / seconds,
        "server_cpu_seconds": server_cpu,
    }


def cpu_note(result: dict[str, float | int | None]) -> str:
    cpu = result["server_cpu_seconds"]
    if cpu is None:
        return ""
    per = float(cpu) / int(result["statements"] or 1) * 1e6
    return f"; the server's CPU {float(cpu):.2f} s ({per:,.0f} µs a statement)"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", type=Path, help="a copy of a server database (written)")
    parser.add_argument("--statements", type=int, default=20_000)
    args = parser.parse_args()
    import shutil
    import tempfile

    with tempfile.TemporaryDirectory(prefix="mentor-xapi-") as folder:
        database = args.database
        if database is None:
            import dataset
            import server_database

            demo = dataset.demo_dataset(50_000, 2_000, anchor=False).path
            database = Path(folder) / "server.db"
            shutil.copyfile(server_database.server_database(demo), database)
        result = measure(database, Path(folder), args.statements)
    rate = float(result["statements_per_second"] or 0)
    verdict = "ok" if rate >= TARGET else "MISSES"
    print(f"{result['statements']:,} statements ({result['applied']:,} applied) in "
          f"{result['seconds']:.2f} s: {rate:,.0f} statements/s ({verdict} >= {TARGET:,})"
          f"{cpu_note(result)}")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
