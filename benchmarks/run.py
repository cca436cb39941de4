"""Every mentor-tui benchmark in one run, each beside its target and an anchor of the same run.

    python benchmarks/run.py                 # the large demo store (50,000 students), minutes
    python benchmarks/run.py --quick         # a small store, the same benchmarks, < 2 minutes
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
- key press to repaint (p95): Textual's Pilot in-process on the real app (``pilot_timing.py``).
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
  on a copy of the demo store (20,000; 4,000 in --quick), each applied to a student's progress.

Timings are reports, never pass/fail: the exit status is 0 whenever every benchmark ran.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
for folder in (str(HERE), str(ROOT)):
    if folder not in sys.path:
        sys.path.insert(0, folder)

import app_timing
import dataset
import pilot_timing
import report_export

ADMIN = "admin@example.org"
DASHBOARD_TEXT = "Needs attention"
# labels each painted only with one part's figures from the store: the student cards, the
# review queue card, the performance or program section (the costliest part is the first)
FIGURES_TEXTS = ("Average completion", "Pending reviews", "Graduated")
NO_TARGET = "none (report)"
NOTE_QUERIES = ("progress", "capstone idea", "nudge", "CV", "check-ins", "reviewed variables")

FULL = {"students": 50_000, "mentors": 2_000, "list_students": 100_000, "match": (10_000, 500)}
QUICK = {"students": 600, "mentors": 30, "list_students": 600, "match": (1_000, 50)}
QUEUE_PENDING = {"full": 100_000, "quick": 2_000}  # pending submissions for the queue figures
# screen 7: the mentor's notifications and the messages of one conversation
INBOX = {"full": (100_000, 10_000), "quick": (5_000, 1_000)}

NAMES = (
    "start_admin",
    "start_mentor",
    "figures_admin",
    "figures_mentor",
    "key_switch_p95",
    "key_filter_p95",
    "key_next_p95",
    "key_scroll_p95",
    "open_list",
    "queue_open",
    "queue_decide_p95",
    "inbox_open",
    "inbox_thread",
    "demo_build",
    "peak_rss_admin",
    "matching",
    "sync_pull",
    "sync_a_to_b",
    "lms_first_pass",
    "lms_incremental",
    "xapi_ingest",
    "web_session_memory",
    "web_sessions_per_host",
    "note_search_p95",
    "analytics_mentors",
    "analytics_program",
    "report_export_program",
    "report_export_mentors",
)


@dataclass
class Figure:
    name: str
    figure: str
    value: float
    unit: str
    target: str
    anchor: float | None
    ratio: float | None
    ok: bool
    note: str = ""


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


class Runner:
    def __init__(self, quick: bool, rebuild: bool, work: Path) -> None:
        self.sizes = QUICK if quick else FULL
        self.quick = quick
        self.rebuild = rebuild
        self.work = work
        self.figures: list[Figure] = []
        self.env = {
            "XDG_CONFIG_HOME": str(work / "config"),
            "XDG_DATA_HOME": str(work / "data"),
        }
        os.environ.update(self.env)  # the in-process benchmarks read no personal config either

    def add(self, figure: Figure) -> None:
        self.figures.append(figure)
        value = f"{figure.value:,.3g}" if figure.value < 100 else f"{figure.value:,.0f}"
        _log(f"  {figure.name}: {value} {figure.unit} ({_verdict(figure)} {figure.target})")

    def copy(self, data: dataset.Dataset, name: str) -> Path:
        target = self.work / name
        shutil.copyfile(data.path, target)
        return target

    # ----------------------------------------------------------------- figures

    def start_and_memory(self, store: Path, data: dataset.Dataset) -> None:
        _log("start-up in a pseudo-terminal ...")
        runs = 1 if self.quick else 3
        app = [sys.executable, "-m", "mentor_tui", "--db", str(store), "--user"]
        hellos, admins, mentors = [], [], []
        for _ in range(runs):  # interleaved, so that a busy moment hits all three alike
            hellos.append(app_timing.start_in_pty(
                [sys.executable, str(HERE / "hello_app.py")], "hello row 00", env=self.env,
                keys=(b"j",),
            ))  # fmt: skip
            admins.append(app_timing.start_in_pty(
                [*app, data.admin_email], DASHBOARD_TEXT, then=FIGURES_TEXTS, env=self.env,
                cwd=ROOT, keys=(b"2",),
            ))  # fmt: skip
            mentors.append(app_timing.start_in_pty(
                [*app, data.mentor_email], DASHBOARD_TEXT, then=FIGURES_TEXTS, env=self.env,
                cwd=ROOT,
            ))  # fmt: skip
        hello, admin, mentor = (
            app_timing.PtyRun(
                statistics.median(r.first_frame_seconds for r in results),
                max(r.peak_rss_mib for r in results),
                0,
            )
            for results in (hellos, admins, mentors)
        )
        anchor = hello.first_frame_seconds
        for name, who, run in (("start_admin", "admin", admin), ("start_mentor", "mentor", mentor)):
            ratio = run.first_frame_seconds / anchor
            self.add(Figure(
                name, f"start to first dashboard frame, {who}", run.first_frame_seconds, "s",
                "<= 1.5x anchor", anchor, ratio, ratio <= 1.5,
                f"pty, median of {runs}, until the output holds the dashboard; anchor: hello app",
            ))  # fmt: skip
        for name, who, results in (
            ("figures_admin", "admin", admins),
            ("figures_mentor", "mentor", mentors),
        ):
            seconds = statistics.median(r.then_seconds for r in results)
            self.add(Figure(
                name, f"start to dashboard figures painted, {who}", seconds, "s", NO_TARGET,
                anchor, seconds / anchor, True,
                f"pty, median of {runs}, until the output also holds {', '.join(FIGURES_TEXTS)}",
            ))  # fmt: skip
        self.add(Figure(
            "peak_rss_admin", "peak memory (RSS), admin: dashboard then students", admin.peak_rss_mib,
            "MiB", "<= 150 MiB", hello.peak_rss_mib, admin.peak_rss_mib / hello.peak_rss_mib,
            admin.peak_rss_mib <= 150, "VmHWM of the app process before quitting; anchor: hello app",
        ))  # fmt: skip

    def keys(self, store: Path) -> None:
        _log("key press to repaint (Pilot) ...")
        timings = pilot_timing.key_timings(store, ADMIN, rounds=5 if self.quick else 10)
        for name, label, samples in (
            ("key_switch_p95", "key to repaint p95: switch screen 1/2", timings.switch_ms),
            ("key_filter_p95", "key to repaint p95: filter character, students", timings.filter_ms),
            ("key_next_p95", "key to repaint p95: next student (down)", timings.next_ms),
            (
                "key_scroll_p95",
                "key to repaint p95: scroll (pagedown, end, pageup, home)",
                timings.scroll_ms,
            ),
        ):
            value = pilot_timing.p95(samples)
            note = f"{len(samples)} samples, median {statistics.median(samples):.0f} ms"
            if name == "key_switch_p95":
                note += (
                    "; to the new screen's frame. Until its reloaded data is painted: p95 "
                    f"{pilot_timing.p95(timings.switch_data_ms):.0f} ms"
                )
            self.add(Figure(
                name, label, value, "ms", "<= 50 ms", None, None, value <= 50, note
            ))  # fmt: skip

    def open_list(self) -> None:
        students = self.sizes["list_students"]
        if students == self.sizes["students"]:
            data = self.data
        else:
            data = dataset.demo_dataset(
                students, self.sizes["mentors"], rebuild=self.rebuild, anchor=False, log=_log
            )
        store = self.copy(data, "list.db")
        _log(f"open the students list ({students:,} students) ...")
        ms, rows = pilot_timing.open_list(store, ADMIN)
        store.unlink()
        self.add(Figure(
            "open_list", f"open a list of {rows:,} rows to first rows painted", ms, "ms",
            "<= 100 ms", None, None, ms <= 100, "students screen as admin; Pilot, median of 3 fresh processes",
        ))  # fmt: skip

    def review_queue(self) -> None:
        import queue_timing

        store = self.copy(self.data, "queue.db")
        pending = queue_timing.prepare(store, QUEUE_PENDING["quick" if self.quick else "full"])
        _log(f"open the review queue ({pending:,} pending) and approve-and-next ...")
        timings = queue_timing.queue_timings(store, ADMIN, rounds=8 if self.quick else 20)
        store.unlink()
        self.add(Figure(
            "queue_open", f"open the review queue, {pending:,} pending, to first rows painted",
            timings.open_ms, "ms", "<= 100 ms", None, None, timings.open_ms <= 100,
            f"`3` as admin; Pilot, median of 3 fresh processes; with the first preview {timings.open_preview_ms:.0f} ms",
        ))  # fmt: skip
        samples = timings.approve_ms + timings.decide_ms
        value = pilot_timing.p95(samples)
        self.add(Figure(
            "queue_decide_p95", "key to repaint p95: approve and next (`a`, `ctrl+s`)", value, "ms",
            "<= 50 ms", None, None, value <= 50,
            f"{len(timings.decide_ms)} approvals; p95 `a` {pilot_timing.p95(timings.approve_ms):.0f}"
            f" ms, `ctrl+s` (decide, next item listed and previewed) "
            f"{pilot_timing.p95(timings.decide_ms):.0f} ms",
        ))  # fmt: skip

    def inbox(self) -> None:
        import inbox_timing

        store = self.copy(self.data, "inbox.db")
        notifications, thread = INBOX["quick" if self.quick else "full"]
        _log(f"open screen 7 ({notifications:,} notifications, a {thread:,}-message thread) ...")
        timings = inbox_timing.inbox_timings(store, self.data.mentor_email, notifications, thread)
        store.unlink()
        self.add(Figure(
            "inbox_open",
            f"open screen 7, {timings.notifications:,} notifications, to first pages painted",
            timings.open_ms, "ms", "<= 100 ms", None, None, timings.open_ms <= 100,
            "`7` as the demo mentor; both lists' first page; Pilot, median of 3 fresh processes",
        ))  # fmt: skip
        self.add(Figure(
            "inbox_thread",
            f"open a {timings.thread:,}-message conversation to its first page painted",
            timings.thread_ms, "ms", "<= 100 ms", None, None, timings.thread_ms <= 100,
            "`enter` on screen 7's newest conversation; Pilot, median of 3 fresh processes",
        ))  # fmt: skip

    def demo_build(self, data: dataset.Dataset) -> None:
        rate, raw = data.build_rows_per_second, data.raw_rows_per_second
        when = "this run" if data.built_now else f"cached build of {data.built_at}"
        self.add(Figure(
            "demo_build", f"demo build, {data.rows:,} rows", rate, "rows/s", ">= 0.5x anchor",
            raw, rate / raw, rate / raw >= 0.5,
            f"anchor: raw sqlite3.executemany of the same rows; {when}",
        ))  # fmt: skip

    def matching(self) -> None:
        import matching

        students, mentors = self.sizes["match"]
        _log(f"matching {students:,} x {mentors:,} ...")
        path = self.work / "matching.db"
        actor = matching.build_store(path, students=students, mentors=mentors, seed=7)
        result = matching.measure(path, actor, 1 if self.quick else 3)
        seconds = result["seconds"]
        self.add(Figure(
            "matching", f"matching {students:,} students x {mentors:,} mentors", seconds, "s",
            "<= 5 s", None, None, seconds <= 5, f"cpu {result['cpu_seconds']:.2f} s",
        ))  # fmt: skip

    def sync(self, data: dataset.Dataset) -> None:
        import sync_pull

        _log("sync pull against a real server ...")
        folder = self.work / "sync"
        folder.mkdir()
        database = self.copy(data, "sync/server.db")
        result = sync_pull.measure(database, data.admin_email, data.mentor_email, folder, 5)
        os.environ.update(self.env)
        rate, plain = result["rows_per_second"], result["plain_rows_per_second"]
        self.add(Figure(
            "sync_pull", f"sync initial pull, admin, {result['pulled_rows']:,} rows", rate,
            "rows/s", ">= 25,000 rows/s and >= 0.3x anchor", plain, rate / plain,
            rate >= 25_000 and rate / plain >= 0.3, "anchor: plain SELECT of the same rows",
        ))  # fmt: skip
        worst = max(result["a_to_b_seconds"])
        self.add(Figure(
            "sync_a_to_b", "push on A to visible on B (worst of 5)", worst, "s", "< 1 s", None,
            None, worst < 1, f"median {statistics.median(result['a_to_b_seconds']):.2f} s",
        ))  # fmt: skip
        shutil.rmtree(folder, ignore_errors=True)

    def lms_bridge(self) -> None:
        import lms_bridge

        base = lms_bridge.database_url()
        if base is None:
            _log(f"learning platform bridge: skipped ({lms_bridge.URL_VARIABLES[0]} is not set)")
            return
        _log("learning platform bridge against PostgreSQL ...")
        folder = self.work / "lms"
        folder.mkdir()
        result = lms_bridge.measure(base, self.sizes["students"], folder)
        rate, plain = result["rows_per_second"], result["plain_rows_per_second"]
        self.add(Figure(
            "lms_first_pass",
            f"lms first pass, {result['students']:,} students, {result['rows']:,} rows", rate,
            "rows/s", f">= {lms_bridge.TARGET_RATIO}x anchor", plain, rate / plain,
            rate / plain >= lms_bridge.TARGET_RATIO, "anchor: plain SELECT of the same rows",
        ))  # fmt: skip
        seconds = result["incremental_seconds"]
        self.add(Figure(
            "lms_incremental", "lms incremental pass, 100 rows changed", seconds, "s",
            f"< {lms_bridge.TARGET_INCREMENTAL_SECONDS:g} s", None, None,
            seconds < lms_bridge.TARGET_INCREMENTAL_SECONDS,
            f"{result['incremental_rows_in']} rows taken in",
        ))  # fmt: skip
        shutil.rmtree(folder, ignore_errors=True)

    def xapi(self, data: dataset.Dataset) -> None:
        import xapi_ingest

        _log("xAPI ingest against a real server ...")
        folder = self.work / "xapi"
        folder.mkdir()
        database = self.copy(data, "xapi/server.db")
        count = 4_000 if self.quick else 20_000
        result = xapi_ingest.measure(database, folder, count)
        os.environ.update(self.env)
        rate = float(result["statements_per_second"])
        self.add(Figure(
            "xapi_ingest", f"xAPI statements posted in batches of {xapi_ingest.BATCH}", rate,
            "statements/s", f">= {xapi_ingest.TARGET:,} statements/s", None, None,
            rate >= xapi_ingest.TARGET,
            f"{result['applied']:,} of {result['statements']:,} applied to progress",
        ))  # fmt: skip
        shutil.rmtree(folder, ignore_errors=True)

    def web_sessions(self, data: dataset.Dataset) -> None:
        import web_sessions

        _log("mentor-tui web: sessions against a real server ...")
        folder = self.work / "web"
        folder.mkdir()
        database = self.copy(data, "web/server.db")
        result = web_sessions.measure(database, folder, 2 if self.quick else 4)
        os.environ.update(self.env)
        per_session = float(result["rss_mib_median"])
        setting = int(result["memory_setting_mib"])
        per_host = float(result["sessions_per_host"])
        self.add(
            Figure(
                "web_session_memory",
                "web: memory of one session's app (RSS, median)",
                per_session,
                "MiB",
                f"<= {setting} MiB (the session limit's figure)",
                None,
                None,
                per_session <= setting,
                f"{result['sessions']} students signed in, each app on its first screen; "
                f"max {float(result['rss_mib_max']):.0f} MiB; sign-in (login and first sync) "
                f"{float(result['sign_in_seconds_median']):.1f} s median",
            )
        )
        self.add(Figure(
            "web_sessions_per_host", "web: sessions on a 2-core, 24 GiB host", per_host,
            "sessions", f">= {web_sessions.TARGET_PER_HOST} sessions", None, None,
            per_host >= web_sessions.TARGET_PER_HOST,
            f"75% of 24 GiB at the measured memory; `mentor-tui web` refuses past "
            f"{result['sessions_per_host_setting']} there (its setting: {setting} MiB each)",
        ))  # fmt: skip
        shutil.rmtree(folder, ignore_errors=True)

    def note_search(self, store: Path, data: dataset.Dataset) -> None:
        from mentor_tui.core.notes.notes import search_notes
        from mentor_tui.core.people.settings import sign_in
        from mentor_tui.db.engine import make_engine, session_scope

        _log("note search ...")
        engine = make_engine(store)
        samples: list[float] = []
        try:
            with session_scope(engine) as session:
                actor = sign_in(session, data.mentor_email)
                total = session.execute(
                    __import__("sqlalchemy").text("SELECT count(*) FROM mentorship_notes")
                ).scalar_one()
                for _ in range(5):
                    for query in NOTE_QUERIES:
                        started = time.perf_counter()
                        search_notes(session, actor, query)
                        samples.append((time.perf_counter() - started) * 1000)
        finally:
            engine.dispose()
        value = pilot_timing.p95(samples)
        self.add(Figure(
            "note_search_p95", f"note search p95, mentor, store of {total:,} notes", value, "ms",
            "<= 50 ms", None, None, value <= 50, f"{len(samples)} searches",
        ))  # fmt: skip

    def analytics(self, store: Path) -> None:
        """The per-mentor table (``mentor_table``) and the whole program report for the admin,
        each the median of three reads in fresh transactions."""
        from mentor_tui.config import Config
        from mentor_tui.core.analytics.mentors import mentor_table
        from mentor_tui.core.analytics.program import program_report
        from mentor_tui.core.people.settings import sign_in
        from mentor_tui.db.engine import make_engine, session_scope

        _log("analytics ...")
        engine = make_engine(store)
        config = Config()
        mentors: list[float] = []
        program: list[float] = []
        count = 0
        try:
            with session_scope(engine) as session:
                actor = sign_in(session, ADMIN)
            for _ in range(3):
                with session_scope(engine) as session:
                    started = time.perf_counter()
                    count = len(mentor_table(session, actor, config))
                    mentors.append(time.perf_counter() - started)
                with session_scope(engine) as session:
                    started = time.perf_counter()
                    program_report(session, actor, config)
                    program.append(time.perf_counter() - started)
        finally:
            engine.dispose()
        for name, what, samples in (
            ("analytics_mentors", f"per-mentor table, admin, {count:,} mentors", mentors),
            ("analytics_program", "program report (every program figure), admin", program),
        ):
            value = statistics.median(samples)
            self.add(Figure(
                name, what, value, "s", "<= 2 s", None, None, value <= 2.0,
                f"median of {len(samples)}",
            ))  # fmt: skip

    # ----------------------------------------------------------------- run

    def run(self, only: set[str] | None = None) -> list[Figure]:
        def wanted(*names: str) -> bool:
            return only is None or any(name in only for name in names)

        self.data = dataset.demo_dataset(
            self.sizes["students"], self.sizes["mentors"], rebuild=self.rebuild, log=_log
        )
        store = self.copy(self.data, "store.db")
        steps: list[tuple[tuple[str, ...], Callable[[], None]]] = [
            (("demo_build",), lambda: self.demo_build(self.data)),
            (("start_admin", "start_mentor", "figures_admin", "figures_mentor", "peak_rss_admin"),
             lambda: self.start_and_memory(store, self.data)),
            (("key_switch_p95", "key_filter_p95", "key_next_p95", "key_scroll_p95"),
             lambda: self.keys(store)),
            (("open_list",), self.open_list),
            (("queue_open", "queue_decide_p95"), self.review_queue),
            (("inbox_open", "inbox_thread"), self.inbox),
            (("note_search_p95",), lambda: self.note_search(store, self.data)),
            (("analytics_mentors", "analytics_program"), lambda: self.analytics(store)),
            (("report_export_program", "report_export_mentors"),
             lambda: [self.add(Figure(**f)) for f in report_export.measure(
                 store, self.data.admin_email, 1 if self.quick else 3)]),
            (("matching",), self.matching),
            (("sync_pull", "sync_a_to_b"), lambda: self.sync(self.data)),
            (("lms_first_pass", "lms_incremental"), self.lms_bridge),
            (("xapi_ingest",), lambda: self.xapi(self.data)),
            (("web_session_memory", "web_sessions_per_host"), lambda: self.web_sessions(self.data)),
        ]  # fmt: skip
        for names, step in steps:
            if wanted(*names):
                step()
        return sorted(self.figures, key=lambda f: NAMES.index(f.name))


def _verdict(figure: Figure) -> str:
    if figure.target == NO_TARGET:
        return "-"
    return "ok" if figure.ok else "MISSES"


def _value(value: float | None, unit: str = "") -> str:
    if value is None:
        return "-"
    text = f"{value:,.0f}" if abs(value) >= 100 else f"{value:.3g}"
    return f"{text} {unit}".rstrip()


def table(figures: list[Figure]) -> str:
    rows = [("figure", "value", "target", "anchor", "ratio", "")]
    for f in figures:
        anchor_unit = "" if f.anchor is None else f.unit
        ratio = "-" if f.ratio is None else f"{f.ratio:.2f}x"
        rows.append((
            f.figure, _value(f.value, f.unit), f.target, _value(f.anchor, anchor_unit), ratio,
            _verdict(f),
        ))  # fmt: skip
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return "\n".join(
        "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
        for row in rows
    )


def machine() -> str:
    """The machine the figures were measured on: cores, CPU model, Python (targets must hold on
    a 2-core machine like CI's, so every run says which it was)."""
    model = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return f"{cores} cores, {model}, Python {platform.python_version()}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a small store, under two minutes")
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write the figures here")
    parser.add_argument("--rebuild", action="store_true", help="build the cached stores again")
    parser.add_argument("--only", nargs="+", choices=NAMES, help="run just these figures")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="mentor-bench-") as folder:
        figures = Runner(args.quick, args.rebuild, Path(folder)).run(
            set(args.only) if args.only else None
        )
    size = "quick (small store)" if args.quick else "full (large store)"
    print(f"\nmentor-tui benchmarks, {size}, {time.perf_counter() - started:.0f} s")
    print(f"machine: {machine()}\n")
    print(table(figures))
    notes = [f"  {f.name}: {f.note}" for f in figures if f.note]
    print("\nnotes:\n" + "\n".join(notes))
    if args.json:
        args.json.write_text(
            json.dumps([asdict(f) for f in figures], indent=2) + "\n", encoding="utf-8"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
