"""Sync figures of SPEC section 10, measured against a real `mentor-tui serve` process.

1. Initial pull of the admin's view of the demo programme into an empty store, in rows per
   second, beside a plain SELECT of the same rows on the same server database (the limit):
   the median of ``--pulls`` pulls beside the median of a SELECT before each and after the last.
2. The time from a push on client A (the demo mentor sends a message) to the change being in
   client B's store (the admin's, waiting in a long poll), five times.

    python benchmarks/sync_pull.py                      # 50,000 students, 2,000 mentors
    python benchmarks/sync_pull.py --students 5000 --mentors 200

The demo database is built with ``mentor_tui.demo.build.build_demo`` straight into the
server's database file (kept in ``--workdir`` between runs with ``--reuse``).
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PASSWORD = "benchmark password"
TARGET_ROWS_PER_SECOND = 25_000
TARGET_RATIO = 0.3
TARGET_VISIBLE_SECONDS = 1.0
SERVE = (
    "import sys, uvicorn\n"
    "from mentor_tui.server.app import create_app\n"
    "from mentor_tui.server.schema import make_server_engine\n"
    "uvicorn.run(create_app(make_server_engine(sys.argv[1])), host='127.0.0.1',"
    " port=int(sys.argv[2]), log_level='warning')\n"
)


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def build(database: Path, students: int, mentors: int, seed: int, reuse: bool) -> tuple[str, str]:
    from mentor_tui.demo.build import build_demo

    if reuse and database.exists():
        conn = sqlite3.connect(database)
        admin = conn.execute(
            "SELECT email FROM users WHERE role = 'admin' ORDER BY email LIMIT 1"
        ).fetchone()[0]
        mentor = conn.execute(
            "SELECT m.email FROM users m JOIN users s ON s.mentor_id = m.id "
            "GROUP BY m.id ORDER BY count(*) DESC, m.email LIMIT 1"
        ).fetchone()[0]
        conn.close()
        return admin, mentor
    database.unlink(missing_ok=True)
    print(f"building the demo: {students:,} students, {mentors:,} mentors ...", file=sys.stderr)
    summary = build_demo(database, students=students, mentors=mentors, seed=seed)
    return summary.admin_email, summary.demo_mentor_email


def plain_select(database: Path, admin_email: str) -> tuple[int, float]:
    """The same rows the admin pulls, read with one raw SELECT per table (the limit)."""
    from sqlalchemy import select
    from sqlalchemy.dialects import sqlite

    from mentor_tui.core.access import Actor
    from mentor_tui.sync.protocol import table_specs
    from mentor_tui.sync.scopes import readable

    conn = sqlite3.connect(database)
    row = conn.execute(
        "SELECT id, role, email, full_name, timezone FROM users WHERE email = ?", (admin_email,)
    ).fetchone()
    admin = Actor(*row)
    queries = []
    for name, spec in table_specs().items():
        statement = select(*spec.table.c).where(
            spec.table.c.deleted_at.is_(None), readable(admin, name)
        )
        queries.append(
            str(statement.compile(dialect=sqlite.dialect(), compile_kwargs={"literal_binds": True}))
        )
    rows = 0
    started = time.perf_counter()
    for sql in queries:
        rows += len(conn.execute(sql).fetchall())
    elapsed = time.perf_counter() - started
    conn.close()
    return rows, elapsed


def measure(
    database: Path,
    admin_email: str,
    mentor_email: str,
    workdir: Path,
    rounds: int = 5,
    pulls: int = 1,
) -> dict[str, float | int | list[float]]:
    """Serve ``database`` (a demo store; its server schema is added in place), pull the admin's
    view into an empty store ``pulls`` times and time ``rounds`` pushes from A to B. Tokens and
    client stores stay in ``workdir``.

    The anchor is taken the way the pull is, interleaved with it: a plain SELECT before each
    pull and one after the last, all on the same server file with its pages in the OS cache
    (the copy and the first run put them there), timed by the wall clock like the pull; the
    pull's and the anchor's figures are the medians of their runs, so one run slowed by the
    machine moves neither."""
    os.environ["XDG_CONFIG_HOME"] = str(workdir / "config")  # tokens of this run stay here
    os.environ["XDG_DATA_HOME"] = str(workdir / "data")
    from mentor_tui.core import writes
    from mentor_tui.db.engine import make_engine, session_scope
    from mentor_tui.db.models import Message, User, new_id
    from mentor_tui.server.accounts import add_server_user
    from mentor_tui.server.schema import ensure_schema, make_server_engine
    from mentor_tui.sync import login, sync_once, wait_for_changes

    server_engine = make_server_engine(str(database))
    started = time.perf_counter()
    ensure_schema(server_engine)
    print(
        f"server schema and log positions: {time.perf_counter() - started:.1f} s", file=sys.stderr
    )
    add_server_user(server_engine, admin_email, role="admin", name=None, password=PASSWORD)
    add_server_user(server_engine, mentor_email, role="mentor", name=None, password=PASSWORD)
    server_engine.dispose()

    plain_rows, first_plain = plain_select(database, admin_email)
    plain_runs = [first_plain]
    port = free_port()
    server = subprocess.Popen([sys.executable, "-c", SERVE, str(database), str(port)], cwd=ROOT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(f"{url}/health", timeout=2)
                break
            except httpx.TransportError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise SystemExit("the server did not start") from None
                time.sleep(0.1)

        pull_runs: list[float] = []
        admin_store = None
        for _run in range(max(1, pulls)):
            if admin_store is not None:  # the next pull starts from an empty store again
                admin_store.dispose()
                plain_runs.append(plain_select(database, admin_email)[1])
            for name in ("admin.db", "admin.db-journal", "admin.db-wal", "admin.db-shm"):
                (workdir / name).unlink(missing_ok=True)
            admin_store = make_engine(workdir / "admin.db")
            login(admin_store, url, admin_email, PASSWORD, sync=False)
            started = time.perf_counter()
            pulled = sync_once(admin_store, bulk=True).pulled  # as `mentor-tui login`, `sync`
            pull_runs.append(time.perf_counter() - started)
        assert admin_store is not None
        plain_runs.append(plain_select(database, admin_email)[1])
        (workdir / "mentor.db").unlink(missing_ok=True)

        mentor_store = make_engine(workdir / "mentor.db")
        login(mentor_store, url, mentor_email, PASSWORD)
        with session_scope(mentor_store) as s:
            me = s.query(User).filter(User.email == mentor_email).one()
            # the admin is B: a message to them reaches their store (admins are not sent
            # other people's conversations)
            admin = s.query(User).filter(User.email == admin_email).one()
            me_id, admin_id = me.id, admin.id
        latencies = []
        for round_number in range(rounds):
            seen = threading.Event()
            body = f"benchmark message {round_number} {time.time_ns()}"

            def watch(body: str = body, seen: threading.Event = seen) -> None:
                while not seen.is_set():
                    wait_for_changes(admin_store, wait=10)
                    with admin_store.connect() as conn:
                        if conn.exec_driver_sql(
                            "SELECT 1 FROM messages WHERE body = ?", (body,)
                        ).first():
                            seen.set()

            watcher = threading.Thread(target=watch)
            watcher.start()
            time.sleep(0.3)  # B is waiting in its long poll
            started = time.perf_counter()
            with session_scope(mentor_store) as s:
                message_id = new_id()
                writes.insert(
                    s,
                    me_id,
                    Message(
                        id=message_id,
                        sender_id=me_id,
                        recipient_id=admin_id,
                        kind="direct",
                        body=body,
                        thread_id=message_id,
                    ),
                )
            sync_once(mentor_store)
            if not seen.wait(30):
                raise SystemExit("client B never saw client A's change")
            latencies.append(time.perf_counter() - started)
            watcher.join()
    finally:
        server.terminate()
        server.wait(30)

    pull_seconds, plain_seconds = statistics.median(pull_runs), statistics.median(plain_runs)
    rate = pulled / pull_seconds
    plain_rate = plain_rows / plain_seconds
    return {
        "pull_runs": pull_runs,
        "plain_runs": plain_runs,
        "pulled_rows": pulled,
        "pull_seconds": pull_seconds,
        "rows_per_second": rate,
        "plain_rows": plain_rows,
        "plain_seconds": plain_seconds,
        "plain_rows_per_second": plain_rate,
        "ratio": rate / plain_rate,
        "a_to_b_seconds": latencies,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=50_000)
    parser.add_argument("--mentors", type=int, default=2_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--workdir", type=Path, help="keep the databases here (default: a temp dir)"
    )
    parser.add_argument(
        "--reuse", action="store_true", help="reuse the server database in --workdir"
    )
    parser.add_argument("--rounds", type=int, default=5, help="A-to-B measurements")
    parser.add_argument("--pulls", type=int, default=3, help="initial pulls (the median)")
    args = parser.parse_args()

    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="mentor-sync-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    os.environ["XDG_CONFIG_HOME"] = str(workdir / "config")
    os.environ["XDG_DATA_HOME"] = str(workdir / "data")
    database = workdir / "server.db"
    admin_email, mentor_email = build(database, args.students, args.mentors, args.seed, args.reuse)

    result = measure(database, admin_email, mentor_email, workdir, args.rounds, args.pulls)
    pulled, pull_seconds = result["pulled_rows"], result["pull_seconds"]
    plain_rows, plain_seconds = result["plain_rows"], result["plain_seconds"]
    latencies = result["a_to_b_seconds"]
    rate = pulled / pull_seconds
    plain_rate = plain_rows / plain_seconds
    ratio = rate / plain_rate
    median, worst = statistics.median(latencies), max(latencies)
    rows = [
        ("initial pull, admin view", f"{pulled:,} rows in {pull_seconds:.1f} s = {rate:,.0f} rows/s",
         f">= {TARGET_ROWS_PER_SECOND:,} rows/s", rate >= TARGET_ROWS_PER_SECOND),
        ("plain SELECT of the same rows", f"{plain_rows:,} rows in {plain_seconds:.2f} s = {plain_rate:,.0f} rows/s",
         "(the limit)", None),
        ("pull vs plain SELECT", f"{ratio:.2f}x", f">= {TARGET_RATIO}x", ratio >= TARGET_RATIO),
        (f"push on A -> visible on B ({args.rounds} runs)", f"median {median:.2f} s, max {worst:.2f} s",
         f"< {TARGET_VISIBLE_SECONDS:.0f} s", worst < TARGET_VISIBLE_SECONDS),
    ]  # fmt: skip
    print(
        f"\nsync benchmark: {args.students:,} students, {args.mentors:,} mentors, seed {args.seed}"
    )
    widths = [max(len(r[i]) for r in rows) for i in range(3)]
    header = ("figure", "measured", "target")
    widths = [max(w, len(h)) for w, h in zip(widths, header, strict=True)]
    print("  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)) + "  ok")
    for figure, measured, target, ok in rows:
        mark = "" if ok is None else ("yes" if ok else "NO")
        print(
            "  ".join(v.ljust(w) for v, w in zip((figure, measured, target), widths, strict=True))
            + f"  {mark}"
        )
    return 0 if all(ok is not False for *_, ok in rows) else 1


if __name__ == "__main__":
    raise SystemExit(main())
