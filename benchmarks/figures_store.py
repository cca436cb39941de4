"""The figures of the store itself, without the app: the demo build, note search, analytics
and matching. Each function is one entry of ``run.py``'s ``FIGURES``."""

from __future__ import annotations

import statistics
import time

import pilot_timing
from context import ADMIN, BenchRun
from report import Figure, log

NOTE_QUERIES = ("progress", "capstone idea", "nudge", "CV", "check-ins", "reviewed variables")


def demo_build(run: BenchRun) -> None:
    data = run.data
    rate, raw = data.build_rows_per_second, data.raw_rows_per_second
    when = "this run" if data.built_now else f"cached build of {data.built_at}"
    run.add(Figure(
        "demo_build", f"demo build, {data.rows:,} rows", rate, "rows/s", ">= 0.5x anchor",
        raw, rate / raw, rate / raw >= 0.5,
        f"anchor: raw sqlite3.executemany of the same rows; {when}",
    ))  # fmt: skip


def matching(run: BenchRun) -> None:
    import matching

    students, mentors = run.sizes["match"]
    log(f"matching {students:,} x {mentors:,} ...")
    path = run.work / "matching.db"
    actor = matching.build_store(path, students=students, mentors=mentors, seed=7)
    result = matching.measure(path, actor, 1 if run.quick else 3)
    seconds = result["seconds"]
    run.add(Figure(
        "matching", f"matching {students:,} students x {mentors:,} mentors", seconds, "s",
        "<= 5 s", None, None, seconds <= 5, f"cpu {result['cpu_seconds']:.2f} s",
    ))  # fmt: skip


def note_search(run: BenchRun) -> None:
    from mentor_tui.core.notes.notes import search_notes
    from mentor_tui.core.people.settings import sign_in
    from mentor_tui.db.engine import make_engine, session_scope

    store = run.store
    data = run.data
    log("note search ...")
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
    run.add(Figure(
        "note_search_p95", f"note search p95, mentor, store of {total:,} notes", value, "ms",
        "<= 50 ms", None, None, value <= 50, f"{len(samples)} searches",
    ))  # fmt: skip


def analytics(run: BenchRun) -> None:
    """The per-mentor table (``mentor_table``) and the whole program report for the admin,
    each the median of three reads in fresh transactions; the note gives the CPU seconds of
    the process (every thread: both read part of their figures on more connections in
    threads, so the time to ready is less than the work on two cores)."""
    from mentor_tui.config import Config
    from mentor_tui.core.analytics.mentors import mentor_table
    from mentor_tui.core.analytics.program import program_report
    from mentor_tui.core.people.settings import sign_in
    from mentor_tui.db.engine import make_engine, session_scope

    store = run.store
    log("analytics ...")
    engine = make_engine(store)
    config = Config()
    mentors: list[float] = []
    program: list[float] = []
    cpu: dict[str, list[float]] = {"analytics_mentors": [], "analytics_program": []}
    count = 0
    try:
        with session_scope(engine) as session:
            actor = sign_in(session, ADMIN)
        for _ in range(3):
            with session_scope(engine) as session:
                started, used = time.perf_counter(), time.process_time()
                count = len(mentor_table(session, actor, config))
                mentors.append(time.perf_counter() - started)
                cpu["analytics_mentors"].append(time.process_time() - used)
            with session_scope(engine) as session:
                started, used = time.perf_counter(), time.process_time()
                program_report(session, actor, config)
                program.append(time.perf_counter() - started)
                cpu["analytics_program"].append(time.process_time() - used)
    finally:
        engine.dispose()
    for name, what, samples in (
        ("analytics_mentors", f"per-mentor table, admin, {count:,} mentors", mentors),
        ("analytics_program", "program report (every program figure), admin", program),
    ):
        value = statistics.median(samples)
        run.add(Figure(
            name, what, value, "s", "<= 2 s", None, None, value <= 2.0,
            f"median of {len(samples)}, CPU {statistics.median(cpu[name]):.2f} s",
        ))  # fmt: skip


def report_export(run: BenchRun) -> None:
    """``mentor-tui report program`` / ``report mentors`` to a file, start to exit, beside
    ``mentor-tui --version`` (``report_export.py``)."""
    import report_export

    log("report export ...")
    for figure in report_export.measure(run.store, run.data.admin_email, run.sizes["runs"]):
        run.add(Figure(**figure))
