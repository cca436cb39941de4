"""Every mentor-tui benchmark in one run, each beside its target and an anchor of the same run.

    python benchmarks/run.py                 # the large demo store (50,000 students), minutes
    python benchmarks/run.py --quick         # a small store, the same benchmarks, < 2 minutes
    python benchmarks/run.py --smoke         # each figure once on the smallest store (the test)
    python benchmarks/run.py --json out.json # also write the figures as a JSON list

The demo stores are built once and cached in ``benchmarks/.cache/`` (see ``dataset.py``);
``--rebuild`` builds them again (and so measures the build again). How each figure is taken:

- start to the first dashboard frame: ``python -m mentor_tui --db COPY --user EMAIL`` spawned
  in a 120x40 pseudo-terminal, timed from just before the spawn to the moment its output holds
  the dashboard's "Needs attention" title (``app_timing.py``): the first frame, whose cards
  still show "…" while a worker opens the store and reads the figures. Anchor: ``hello_app.py``
  (Header, a DataTable of 50 rows, Footer) spawned the same way, until its first row is on
  screen. Median of three runs, interleaved (one in --quick).
- start to the dashboard's figures painted: the same processes, until the output also holds
  "Average completion", "Pending reviews" and "Graduated", labels painted only with the figures
  read from the store (the dashboard reads its parts in separate workers and paints each as it
  arrives; the student cards are the costliest). Reported beside the first frame (same anchor)
  so that a fast first frame cannot hide a slow store.
- peak memory: the same admin process, which then opens the students list (`2`); its RSS
  high-water mark (VmHWM) is read just before ctrl+q quits it. Anchor: the hello-world app's.
  (Not ``ru_maxrss``: for a child forked from this runner Linux counts the runner's size.)
- key press to repaint (p95): Textual's Pilot in-process on the real app (``pilot_timing.py``);
  a filter character to the frame with the filtered rows (their count, painted a moment
  later, is timed in the note).
  Anchor: ``echo_app.py`` (a Textual app that shows the key just pressed), timed the same way:
  the floor for key to screen in this Textual on this machine.
- open the students list (admin, 100,000 students in the full run): pressing `2` to the first
  rows painted, Pilot, median of three fresh apps, each in a fresh process.
- open the review queue (admin, about 100,000 pending in the full run) and approve-and-next:
  ``queue_timing.py`` on a copy of the store with decided submissions turned back to pending
  until that many wait; `3` to the first rows painted (median of three fresh apps, each in a
  fresh process), and the p95 of each key of approving one and landing on the next: `a`,
  then `ctrl+s`.
- screen 7 (``inbox_timing.py``): on a copy of the store whose demo mentor gets 100,000
  notifications (5,000 in --quick) and a 10,000-message conversation (1,000), `7` to the
  first page of both lists painted, and `enter` on that conversation to its first page painted
  (median of three fresh apps, each in a fresh process).
- demo build rows/s: ``build_demo`` of the cached store; anchor: the same rows copied with raw
  ``sqlite3.executemany`` into a fresh store right after the build (both from the run that
  built the cache, shown with its date when the cache is reused).
- learning platform bridge (``lms_bridge.py``, only when ``MENTOR_TUI_BENCH_DATABASE_URL`` or
  ``MENTOR_TUI_TEST_DATABASE_URL`` names a PostgreSQL database): a first pass of as many
  students as the demo store into an empty store, beside a plain SELECT of the same rows, and an
  incremental pass after 100 progress rows changed.
- matching, sync and note search call ``matching.py``, ``sync_pull.py`` and
  ``mentor_tui.core.notes.notes.search_notes``.
- sync initial pull: the CLI's first pull (``sync_once(bulk=True)``) of the admin's view into an
  empty store from a real server process on a copy of the demo store, wall clock, three times
  (once in --quick); anchor: a plain SELECT of the same rows on the server's file, wall clock,
  before each pull and once after the last (so interleaved with them, and with the file's
  pages in the OS cache, as the server reads them). The figure is the median pull beside the
  median anchor: both swing by a fifth from run to run on a shared machine, and one slow
  anchor or pull alone must not move the ratio.
- mentor-tui web (``web_sessions.py``): students sign in to a real `mentor-tui web` in front of
  a real server process on a copy of the demo store and open their apps (2 in --quick, 4);
  each app's RSS once its first screen has its figures; the median, and the sessions that fit
  in 75% of a 24 GiB host at that size (2 cores are not the limit: an idle app takes none).
- analytics: ``mentor_table`` (the per-mentor table) and ``program_report`` (every program
  figure and correlation) for the admin on a copy of the demo store, median of three.
- report export: ``report_export.py`` runs ``mentor-tui report program --format md --out FILE``
  and ``mentor-tui report mentors --format csv --out FILE`` as the admin on the store copy,
  start to exit, beside ``mentor-tui --version`` (median of three, one in --quick).
- xAPI ingest: ``xapi_ingest.py`` posts statements in batches of 500 to a real server process
  (20,000; 4,000 in --quick), each applied to a student's progress, on a copy of a server's
  database holding the demo (``server_database.py``, built once from the demo store and cached
  beside it): a server's database is the server's shape (SQLite's 4 KiB pages, the server's
  indexes only), not the local store's 16 KiB pages, local-only indexes and triggers, and each
  statement writes a page of every index.

Timings are reports, never pass/fail: the exit status is 0 whenever every benchmark ran.

Each benchmark is one entry of ``FIGURES`` below: the names of the figures it adds, and a
function of the run (``context.BenchRun``) in ``figures_app.py`` (the app in a terminal or
Pilot), ``figures_store.py`` (the store alone) or ``figures_server.py`` (real servers). The
table lists the figures in the order of ``FIGURES``; the printing is ``report.py``.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
for folder in (str(HERE), str(ROOT)):
    if folder not in sys.path:
        sys.path.insert(0, folder)

import figures_app
import figures_server
import figures_store
from context import BenchRun
from report import Figure, print_report, write_json


class Entry(NamedTuple):
    names: tuple[str, ...]  # the figures it adds, in the order of the table
    measure: Callable[[BenchRun], None]


# Every benchmark of the runner, in the order they run and are listed: one line each.
FIGURES: tuple[Entry, ...] = (
    Entry(("start_admin", "start_mentor", "figures_admin", "figures_mentor", "peak_rss_admin"), figures_app.start_and_memory),
    Entry(("key_switch_p95", "key_filter_p95", "key_next_p95", "key_scroll_p95"), figures_app.keys),
    Entry(("open_list",), figures_app.open_list),
    Entry(("queue_open", "queue_decide_p95"), figures_app.review_queue),
    Entry(("inbox_open", "inbox_thread"), figures_app.inbox),
    Entry(("demo_build",), figures_store.demo_build),
    Entry(("note_search_p95",), figures_store.note_search),
    Entry(("analytics_mentors", "analytics_program"), figures_store.analytics),
    Entry(("report_export_program", "report_export_mentors"), figures_store.report_export),
    Entry(("matching",), figures_store.matching),
    Entry(("sync_pull", "sync_a_to_b"), figures_server.sync),
    Entry(("lms_first_pass", "lms_incremental"), figures_server.lms_bridge),
    Entry(("xapi_ingest",), figures_server.xapi),
    Entry(("web_session_memory", "web_sessions_per_host"), figures_server.web_sessions),
)  # fmt: skip
NAMES: tuple[str, ...] = tuple(name for entry in FIGURES for name in entry.names)


def run_figures(size: str, rebuild: bool, work: Path, only: set[str] | None) -> list[Figure]:
    run = BenchRun(size, rebuild, work)
    for entry in FIGURES:
        if only is None or only.intersection(entry.names):
            entry.measure(run)
    return sorted(run.figures, key=lambda f: NAMES.index(f.name))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sizes = parser.add_mutually_exclusive_group()
    sizes.add_argument("--quick", action="store_true", help="a small store, under two minutes")
    sizes.add_argument(
        "--smoke",
        action="store_true",
        help="each figure once on the smallest store: proves the runner works, times nothing",
    )
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write the figures here")
    parser.add_argument("--rebuild", action="store_true", help="build the cached stores again")
    parser.add_argument("--only", nargs="+", choices=NAMES, help="run just these figures")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="mentor-bench-") as folder:
        only = set(args.only) if args.only else None
        size = "smoke" if args.smoke else "quick" if args.quick else "full"
        figures = run_figures(size, args.rebuild, Path(folder), only)
    print_report(figures, size=size, seconds=time.perf_counter() - started)
    if args.json:
        write_json(figures, args.json)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
