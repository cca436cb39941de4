"""The figures of the app as a person uses it: start-up and memory in a pseudo-terminal, key
press to repaint (anchored on the echo app), and opening the long lists (students, the review
queue, screen 7) in fresh processes. Each function is one entry of ``run.py``'s ``FIGURES``."""

from __future__ import annotations

import statistics
import sys
from pathlib import Path

import app_timing
import dataset
import pilot_timing
from context import ADMIN, BenchRun
from report import Figure, log

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DASHBOARD_TEXT = "Needs attention"
# labels each painted only with one part's figures from the store: the student cards, the
# review queue card, the performance or program section (the costliest part is the first)
FIGURES_TEXTS = ("Average completion", "Pending reviews", "Graduated")
FIGURES_SECONDS = 1.0
"""Issue 21's target: every dashboard figure painted within a second of start, on 50,000."""


def start_and_memory(run: BenchRun) -> None:
    store = run.store
    data = run.data
    log("start-up in a pseudo-terminal ...")
    runs, quiet = run.sizes["runs"], run.sizes["quiet"]
    app = [sys.executable, "-m", "mentor_tui", "--db", str(store), "--user"]
    hellos, admins, mentors = [], [], []
    for _ in range(runs):  # interleaved, so that a busy moment hits all three alike
        hellos.append(app_timing.start_in_pty(
            [sys.executable, str(HERE / "hello_app.py")], "hello row 00", env=run.env,
            keys=(b"j",), quiet=quiet,
        ))  # fmt: skip
        admins.append(app_timing.start_in_pty(
            [*app, data.admin_email], DASHBOARD_TEXT, then=FIGURES_TEXTS, env=run.env,
            cwd=ROOT, keys=(b"2",), quiet=quiet,
        ))  # fmt: skip
        mentors.append(app_timing.start_in_pty(
            [*app, data.mentor_email], DASHBOARD_TEXT, then=FIGURES_TEXTS, env=run.env,
            cwd=ROOT, quiet=quiet,
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
    for name, who, started in (("start_admin", "admin", admin), ("start_mentor", "mentor", mentor)):
        ratio = started.first_frame_seconds / anchor
        run.add(Figure(
            name, f"start to first dashboard frame, {who}", started.first_frame_seconds, "s",
            "<= 1.5x anchor", anchor, ratio, ratio <= 1.5,
            f"pty, median of {runs}, until the output holds the dashboard; anchor: hello app",
        ))  # fmt: skip
    for name, who, results in (
        ("figures_admin", "admin", admins),
        ("figures_mentor", "mentor", mentors),
    ):
        seconds = statistics.median(r.then_seconds for r in results)
        run.add(Figure(
            name, f"start to dashboard figures painted, {who}", seconds, "s",
            f"<= {FIGURES_SECONDS:g} s", anchor, seconds / anchor, seconds <= FIGURES_SECONDS,
            f"pty, median of {runs}, until the output also holds {', '.join(FIGURES_TEXTS)}",
        ))  # fmt: skip
    run.add(Figure(
        "peak_rss_admin", "peak memory (RSS), admin: dashboard then students", admin.peak_rss_mib,
        "MiB", "<= 150 MiB", hello.peak_rss_mib, admin.peak_rss_mib / hello.peak_rss_mib,
        admin.peak_rss_mib <= 150, "VmHWM of the app process before quitting; anchor: hello app",
    ))  # fmt: skip


def keys(run: BenchRun) -> None:
    store = run.store
    log("key press to repaint (Pilot), and the echo app's as their anchor ...")
    echo = pilot_timing.echo_key_timings(run.sizes["echo_keys"])
    anchor = pilot_timing.p95(echo)
    timings = pilot_timing.key_timings(store, ADMIN, rounds=run.sizes["key_rounds"])
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
        if name == "key_filter_p95":  # said once: every key figure has the same anchor
            note += (
                "; to the filtered rows painted (the count follows: until it is painted too, "
                f"p95 {pilot_timing.p95(timings.filter_count_ms):.0f} ms)"
            )
            note += (
                f"; anchor: echo_app.py, p95 of {len(echo)} keys (median "
                f"{statistics.median(echo):.0f} ms), the floor for key to screen"
            )
        if name == "key_switch_p95":
            note += (
                "; to the new screen's frame. Until its reloaded data is painted: p95 "
                f"{pilot_timing.p95(timings.switch_data_ms):.0f} ms"
            )
        run.add(Figure(
            name, label, value, "ms", "<= 50 ms", anchor, value / anchor, value <= 50, note
        ))  # fmt: skip


def open_list(run: BenchRun) -> None:
    students = run.sizes["list_students"]
    if students == run.sizes["students"]:
        data = run.data
    else:
        data = dataset.demo_dataset(
            students, run.sizes["mentors"], rebuild=run.rebuild, anchor=False, log=log
        )
    store = run.copy(data, "list.db")
    log(f"open the students list ({students:,} students) ...")
    fresh = run.sizes["fresh"]
    ms, rows = pilot_timing.open_list(store, ADMIN, runs=fresh)
    store.unlink()
    run.add(Figure(
        "open_list", f"open a list of {students:,} students to first rows painted", ms, "ms",
        "<= 100 ms", None, None, ms <= 100,
        f"students screen as admin; Pilot, median of {fresh} fresh processes; {rows:,} rows"
        " counted when the first were painted (the count follows the first page)",
    ))  # fmt: skip


def review_queue(run: BenchRun) -> None:
    import queue_timing

    store = run.copy(run.data, "queue.db")
    pending = queue_timing.prepare(store, run.sizes["queue_pending"])
    log(f"open the review queue ({pending:,} pending) and approve-and-next ...")
    fresh = run.sizes["fresh"]
    timings = queue_timing.queue_timings(
        store, ADMIN, rounds=run.sizes["queue_rounds"], opens=fresh
    )
    store.unlink()
    run.add(Figure(
        "queue_open", f"open the review queue, {pending:,} pending, to first rows painted",
        timings.open_ms, "ms", "<= 100 ms", None, None, timings.open_ms <= 100,
        f"`3` as admin; Pilot, median of {fresh} fresh processes; with the first preview {timings.open_preview_ms:.0f} ms",
    ))  # fmt: skip
    samples = timings.approve_ms + timings.decide_ms
    value = pilot_timing.p95(samples)
    run.add(Figure(
        "queue_decide_p95", "key to repaint p95: approve and next (`a`, `ctrl+s`)", value, "ms",
        "<= 50 ms", None, None, value <= 50,
        f"{len(timings.decide_ms)} approvals; p95 `a` {pilot_timing.p95(timings.approve_ms):.0f}"
        f" ms, `ctrl+s` (decide, next item listed and previewed) "
        f"{pilot_timing.p95(timings.decide_ms):.0f} ms",
    ))  # fmt: skip


def inbox(run: BenchRun) -> None:
    import inbox_timing

    store = run.copy(run.data, "inbox.db")
    notifications, thread = run.sizes["inbox"]  # the mentor's, and one conversation's messages
    log(f"open screen 7 ({notifications:,} notifications, a {thread:,}-message thread) ...")
    fresh = run.sizes["fresh"]
    timings = inbox_timing.inbox_timings(
        store, run.data.mentor_email, notifications, thread, runs=fresh
    )
    store.unlink()
    run.add(Figure(
        "inbox_open",
        f"open screen 7, {timings.notifications:,} notifications, to first pages painted",
        timings.open_ms, "ms", "<= 100 ms", None, None, timings.open_ms <= 100,
        f"`7` as the demo mentor; both lists' first page; Pilot, median of {fresh} fresh processes",
    ))  # fmt: skip
    run.add(Figure(
        "inbox_thread",
        f"open a {timings.thread:,}-message conversation to its newest page painted",
        timings.thread_ms, "ms", "<= 100 ms", None, None, timings.thread_ms <= 100,
        f"`enter` on screen 7's newest conversation; Pilot, median of {fresh} fresh processes",
    ))  # fmt: skip
