"""Report: one page of the students list in the at-risk order (issue 21), as the admin, on a
demo store: the first page (most at risk first) and a page read by keyset from a row half a
list in, each read as of a moment a little later than the one before (the clock moves
between reads). CPU (process) and wall seconds, min and median of ``--runs``.

    python benchmarks/risk_order.py STORE --reference 2026-11-02T12:00:00+00:00 [--runs 9]
        [--as-app] [--days-away 1]

``--as-app``: the store opened as the app opens it (``Services``, the clock at the reference):
on the first open after the upgrade to revision 0023 every score is counted there, and the
open is timed. ``--days-away D``: then, the clock D days on, the app's refresh (where this
checkout has one; not with ``--no-refresh``) and the first page after it, each timed once.

Opening the store migrates it to this checkout's schema: time a copy. Runs with whichever
mentor_tui is importable (another checkout through PYTHONPATH), so old and new code can be
timed alternately on their own copies.
"""

from __future__ import annotations

import argparse
import statistics
import time
from datetime import datetime, timedelta
from pathlib import Path

from mentor_tui.config import Config
from mentor_tui.core import clock
from mentor_tui.core.people import risk_keys
from mentor_tui.core.people.settings import sign_in
from mentor_tui.core.people.student_pages import read_page
from mentor_tui.core.services import Services
from mentor_tui.db.engine import make_engine, session_scope

ADMIN = "admin@example.org"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("store", type=Path)
    parser.add_argument("--reference", required=True, help="the demo's reference moment")
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--as-app", action="store_true")
    parser.add_argument("--days-away", type=float, default=0)
    parser.add_argument("--no-refresh", action="store_true", help="read before any refresh")
    parser.add_argument("--middle", type=int, default=20_000, help="the keyset page's row")
    args = parser.parse_args()
    config = Config()
    moment = datetime.fromisoformat(args.reference)
    clock.now = lambda: moment  # the benchmark's clock, for what reads it (the open's count)
    if args.as_app:
        c, w = time.process_time(), time.perf_counter()
        engine = Services(None, args.store, config).engine
        print(f"open: cpu {time.process_time() - c:.3f} s, wall {time.perf_counter() - w:.3f} s")
    else:
        engine = make_engine(args.store)
    with session_scope(engine) as session:
        actor = sign_in(session, ADMIN)
    options = {"sort": "at_risk", "descending": True, "include_graduated": False, "limit": 100}

    def page(after=None):  # type: ignore[no-untyped-def]
        nonlocal moment
        moment += timedelta(seconds=7)
        with session_scope(engine) as session:
            return read_page(session, actor, after=after, now=moment, config=config, **options)

    c, started = time.process_time(), time.perf_counter()
    first = page()  # the first read (a new schema's first: every score counted, unless opened)
    print(
        f"first read: cpu {time.process_time() - c:.3f} s, wall {time.perf_counter() - started:.3f} s"
    )
    with session_scope(engine) as session:  # an anchor half a list in
        middle = read_page(
            session, actor, skip=args.middle, now=moment, config=config, **{**options, "limit": 1}
        )
    anchor = middle[0][1]
    for name, after in (("first page", None), ("keyset page", anchor)):
        cpu, wall = [], []
        for _ in range(args.runs):
            c, w = time.process_time(), time.perf_counter()
            rows = page(after)
            cpu.append(time.process_time() - c)
            wall.append(time.perf_counter() - w)
            assert len(rows) == 100
        print(
            f"{name}: cpu min {min(cpu) * 1000:.1f} ms, median {statistics.median(cpu) * 1000:.1f}"
            f" ms; wall min {min(wall) * 1000:.1f} ms, median {statistics.median(wall) * 1000:.1f}"
            f" ms ({args.runs} runs)"
        )
    print("first rows:", [(row.full_name, len(row.at_risk_reasons)) for row, _ in first[:3]])
    if args.days_away:
        moment += timedelta(days=args.days_away)
        refresh = None if args.no_refresh else getattr(risk_keys, "refresh", None)
        if refresh is not None:  # the app's, after its start-up figures (a worker)

            def run(job):  # type: ignore[no-untyped-def]
                with session_scope(engine) as session:
                    return job(session)

            c, w = time.process_time(), time.perf_counter()
            done = refresh(run, config)
            print(
                f"refresh {args.days_away} days on: {done} counted, cpu"
                f" {time.process_time() - c:.3f} s, wall {time.perf_counter() - w:.3f} s"
            )
        c, w = time.process_time(), time.perf_counter()
        page()
        print(
            f"first page {args.days_away} days on: cpu {time.process_time() - c:.3f} s,"
            f" wall {time.perf_counter() - w:.3f} s"
        )


if __name__ == "__main__":
    main()
