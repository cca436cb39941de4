"""The benchmark datasets: demo stores built once with ``build_demo`` and cached.

A store is cached under ``benchmarks/.cache/`` (git-ignored), keyed by the demo parameters
(students, mentors, seed, reference) and the store's schema version, beside a JSON file with
the build's figures: rows written, rows per second, and the anchor measured in the same run
right after the build — the same rows copied with raw ``sqlite3.executemany`` into a fresh
store of the same schema.

    python benchmarks/dataset.py --students 50000 --mentors 2000   # build (or find) one
"""

from __future__ import annotations

import argparse
import fcntl
import json
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlmodel import Session

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

CACHE = Path(__file__).resolve().parent / ".cache"
# A fixed reference keeps a cached store identical from run to run.
REFERENCE = datetime(2026, 11, 2, 12, 0, tzinfo=UTC)
CHUNK = 20_000


@dataclass(frozen=True)
class Dataset:
    path: Path
    students: int
    mentors: int
    seed: int
    admin_email: str
    mentor_email: str
    rows: int
    build_seconds: float
    build_rows_per_second: float
    raw_rows_per_second: float | None
    built_now: bool
    built_at: str


def schema_version() -> int:
    """The store's schema revision as a number (Alembic revisions are 0001, 0002, ...)."""
    from mentor_tui.db.migrations import HEAD, revision_number

    return revision_number(HEAD)


def cache_key(students: int, mentors: int, seed: int) -> str:
    stamp = REFERENCE.strftime("%Y%m%dT%H%M")
    return f"demo-s{students}-m{mentors}-seed{seed}-ref{stamp}-schema{schema_version()}"


def raw_executemany_rate(source: Path) -> tuple[int, float]:
    """Copy every demo row of ``source`` into a fresh store of the same schema with raw
    ``executemany`` (the demo's own INSERT statements and pragmas, one transaction); only
    the ``executemany`` calls are timed. Returns (rows, rows per second)."""
    from mentor_tui.db.engine import make_engine
    from mentor_tui.demo.build import COLUMNS, insert_sql

    with tempfile.TemporaryDirectory(prefix="mentor-bench-raw-") as folder:
        target = Path(folder) / "raw.db"
        make_engine(target).dispose()
        src = sqlite3.connect(source)
        dst = sqlite3.connect(target, isolation_level=None)
        try:
            dst.execute("PRAGMA foreign_keys=OFF")
            dst.execute("PRAGMA journal_mode=TRUNCATE")
            dst.execute("PRAGMA synchronous=OFF")
            dst.execute("PRAGMA cache_size=-262144")
            dst.execute("BEGIN IMMEDIATE")
            rows, seconds = 0, 0.0
            for table, columns in COLUMNS.items():
                names = ", ".join(("id", "created_at", "updated_at", *columns))
                cursor = src.execute(f"SELECT {names} FROM {table} ORDER BY rowid")
                statement = insert_sql(table)
                while chunk := cursor.fetchmany(CHUNK):
                    started = time.perf_counter()
                    dst.executemany(statement, chunk)
                    seconds += time.perf_counter() - started
                    rows += len(chunk)
            started = time.perf_counter()
            dst.execute("COMMIT")
            seconds += time.perf_counter() - started
        finally:
            src.close()
            dst.close()
    return rows, rows / seconds if seconds else 0.0


def demo_dataset(
    students: int,
    mentors: int,
    seed: int = 1,
    *,
    rebuild: bool = False,
    anchor: bool = True,
    log=print,
) -> Dataset:
    """The cached demo store for these parameters, built (and its build measured) if missing.
    ``anchor=False`` skips the raw executemany anchor (for a store whose build is not reported);
    its ``raw_rows_per_second`` is then None."""
    CACHE.mkdir(parents=True, exist_ok=True)
    key = cache_key(students, mentors, seed)
    path, meta_path = CACHE / f"{key}.db", CACHE / f"{key}.json"
    with open(CACHE / f"{key}.lock", "w") as lock:  # two runners build one store once
        fcntl.flock(lock, fcntl.LOCK_EX)
        return _demo_dataset(students, mentors, seed, path, meta_path, rebuild, anchor, log)


def _demo_dataset(
    students: int,
    mentors: int,
    seed: int,
    path: Path,
    meta_path: Path,
    rebuild: bool,
    anchor: bool,
    log,
) -> Dataset:
    built_now = False
    if rebuild or not (path.exists() and meta_path.exists()):
        from mentor_tui.config import Config
        from mentor_tui.demo.build import build_demo

        for stale in (path, meta_path, Path(f"{path}-wal"), Path(f"{path}-shm")):
            stale.unlink(missing_ok=True)
        log(f"building the demo store: {students:,} students, {mentors:,} mentors ...")
        partial = path.with_suffix(".partial")
        partial.unlink(missing_ok=True)
        summary = build_demo(
            partial, students=students, mentors=mentors, seed=seed, reference=REFERENCE,
            config=Config(),
        )  # fmt: skip
        log(f"  {summary.rows:,} rows in {summary.elapsed_seconds:.1f} s")
        raw_rows, raw_rate = None, None
        if anchor:
            log("  the anchor: the same rows with raw executemany ...")
            raw_rows, raw_rate = raw_executemany_rate(partial)
        partial.rename(path)
        meta = {
            "students": students,
            "mentors": mentors,
            "seed": seed,
            "admin_email": summary.admin_email,
            "mentor_email": summary.demo_mentor_email,
            "rows": summary.rows,
            "build_seconds": summary.elapsed_seconds,
            "build_rows_per_second": summary.rows_per_second,
            "raw_rows": raw_rows,
            "raw_rows_per_second": raw_rate,
            "built_at": datetime.now(UTC).isoformat(timespec="seconds"),
        }
        meta_path.write_text(json.dumps(meta, indent=2), encoding="utf-8")
        built_now = True
    else:
        # a store cached before Alembic is stamped when first opened: here, under the lock,
        # not in a timed start (at the current revision this costs one query)
        from mentor_tui.db.engine import make_engine

        make_engine(path).dispose()
    _risk_to_now(path)
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    return Dataset(
        path=path,
        students=meta["students"],
        mentors=meta["mentors"],
        seed=meta["seed"],
        admin_email=meta["admin_email"],
        mentor_email=meta["mentor_email"],
        rows=meta["rows"],
        build_seconds=meta["build_seconds"],
        build_rows_per_second=meta["build_rows_per_second"],
        raw_rows_per_second=meta["raw_rows_per_second"],
        built_now=built_now,
        built_at=meta["built_at"],
    )


def _risk_to_now(path: Path) -> int:
    """The store's kept at-risk scores brought up to now, as the app does after its start-up
    figures (and hourly): the figures then time a store its user opened today, not one whose
    scores are as of the build's reference moment, whose catching-up (seconds of CPU at
    50,000 students a month on) would run in every timed app beside its keys. Here, under the
    cache's lock; ``risk_order.py --days-away`` times that catching-up itself."""
    from mentor_tui.core.people import risk_keys
    from mentor_tui.db.engine import make_engine, session_scope

    engine = make_engine(path)

    def run(step: Callable[[Session], int]) -> int:
        with session_scope(engine) as session:
            return step(session)

    try:
        return risk_keys.refresh(run)
    finally:
        engine.dispose()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=50_000)
    parser.add_argument("--mentors", type=int, default=2_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--rebuild", action="store_true")
    args = parser.parse_args(argv)
    data = demo_dataset(args.students, args.mentors, args.seed, rebuild=args.rebuild)
    print(json.dumps({**data.__dict__, "path": str(data.path)}, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
