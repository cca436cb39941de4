"""A demo programme in a server's database, shaped as `mentor-tui serve` makes one: built once
from a cached demo store and cached beside it.

A benchmark of the server that served a copy of the local demo store would measure a file no
server has: the local store's 16 KiB pages, its local-only indexes (``module_progress`` has
seven b-trees there, a server four: three indexes serve only the local analytics) and its
local triggers. A server's database is the server's shape: ``make_server_engine`` on a
fresh file (SQLite's 4 KiB pages) and ``ensure_schema`` (the server revisions' tables and
indexes only). The demo's rows are then written straight into it, the project's own way for
"a database built without the server" (``ensure_schema``'s ``_position_unlogged_rows``): the
demo store ATTACHed, each server domain table filled with one ``INSERT ... SELECT`` of the
columns both have, parents before children, and ``ensure_schema`` run again to give every row
its change-log position.

Cached as ``benchmarks/.cache/<demo key>-server<server HEAD>.db``: a new demo store or a new
server revision builds another; a benchmark works on a copy.

    python benchmarks/server_database.py --students 50000 --mentors 2000
"""

from __future__ import annotations

import argparse
import fcntl
import sqlite3
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HERE = Path(__file__).resolve().parent
for folder in (str(HERE), str(ROOT)):
    if folder not in sys.path:
        sys.path.insert(0, folder)

import dataset  # noqa: E402


def cache_path(demo: Path) -> Path:
    """Where the server database of the demo store ``demo`` is cached."""
    from mentor_tui.server.migrations import HEAD

    return demo.with_name(f"{demo.stem}-server{HEAD}.db")


def server_database(demo: Path, log=print) -> Path:
    """The cached server database holding the demo store ``demo``'s programme, built if
    missing (under a lock: two runners build it once)."""
    path = cache_path(demo)
    with open(path.with_suffix(".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not path.exists():
            build(demo, path, log)
    return path


def build(demo: Path, path: Path, log=print) -> None:
    from mentor_tui.server.schema import domain_tables, ensure_schema, make_server_engine

    log(f"building the server database of {demo.name} ...")
    started = time.perf_counter()
    partial = path.with_suffix(".partial")
    for stale in (partial, Path(f"{partial}-wal"), Path(f"{partial}-shm")):
        stale.unlink(missing_ok=True)
    engine = make_server_engine(str(partial))
    try:
        ensure_schema(engine)  # the server's tables, no rows yet
        with engine.connect() as conn:
            raw = conn.connection.dbapi_connection
            assert isinstance(raw, sqlite3.Connection)
            rows = _copy_rows(raw, demo, [table.name for table in domain_tables()])
        ensure_schema(engine)  # every row copied joins the change log
        with engine.connect() as conn:
            raw = conn.connection.dbapi_connection
            assert isinstance(raw, sqlite3.Connection)
            raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # one self-contained file to copy
    finally:
        engine.dispose()
    partial.rename(path)
    log(f"  {rows:,} rows in {time.perf_counter() - started:.1f} s")


def _copy_rows(raw: sqlite3.Connection, demo: Path, tables: list[str]) -> int:
    """Every row of ``tables`` (parents first) from the demo store into this database, the
    columns both have, one transaction."""
    raw.execute("ATTACH DATABASE ? AS demo", (str(demo),))
    rows = 0
    try:
        raw.execute("BEGIN IMMEDIATE")
        for table in tables:
            wanted = [r[1] for r in raw.execute(f'PRAGMA main.table_info("{table}")')]
            there = {r[1] for r in raw.execute(f'PRAGMA demo.table_info("{table}")')}
            columns = ", ".join(f'"{c}"' for c in wanted if c in there)
            if not columns:
                continue
            rows += raw.execute(
                f'INSERT INTO main."{table}" ({columns}) SELECT {columns} FROM demo."{table}"'
            ).rowcount
        raw.execute("COMMIT")
    except BaseException:
        raw.execute("ROLLBACK")
        raise
    finally:
        raw.execute("DETACH DATABASE demo")
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=50_000)
    parser.add_argument("--mentors", type=int, default=2_000)
    args = parser.parse_args(argv)
    data = dataset.demo_dataset(args.students, args.mentors, anchor=False)
    print(server_database(data.path))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
