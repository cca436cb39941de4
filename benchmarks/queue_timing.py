"""The review queue at scale (issue #5): opening it with about 100,000 pending submissions, and
the keys of approve-and-next, measured in-process with Textual's Pilot like ``pilot_timing``.

The store is a copy of the large demo store. The demo holds fewer pending submissions than the
figure asks for (about 19,000 of its 940,000), so ``prepare`` turns the decided submissions
with the lowest ids (a spread over every student and time, ids being random) back into
pending ones until ``pending`` wait, with raw SQL like the demo builder: a baseline, not a
change, so nothing goes to the journal.

- open: from `3` pressed on the admin's dashboard (the queue screen not made yet) to its first
  rows painted, in a fresh app in a fresh process each run (the first `3` after starting the
  app); apart, until the preview of the first item is painted.
- approve and next: `a` to the feedback editor (a panel of the queue screen) laid out, focused
  and painted; `ctrl+s` (approve, no feedback) to the decision written, its row taken out of
  the table's list (``PagedTable.remove_rows``, no reload) with the cursor on the next item, and
  that item's preview painted (the screen sets ``_preview`` in the same call that gives the
  preview pane its rendered lines). Each key is pressed with the app idle, as a reviewer
  reads the work before `a` and types before `ctrl+s`: the previews the queue renders ahead in
  workers, and what a decision does a moment after its landing (``_idle``), are done by then,
  and are not charged to the next key.
"""

from __future__ import annotations

import asyncio
import sqlite3
import statistics
import time
from dataclasses import dataclass
from pathlib import Path

from pilot_timing import _app, _has_rows, _repainted, _send_key, in_fresh_process
from textual.worker import WorkerCancelled

TIMEOUT_SECONDS = 60
POLL_SECONDS = 0.0005
# Before each key: far less than a person takes to read the work or type, more than the app
# waits after a frame before its follow-up work (``AFTER_LANDING_SECONDS``, 50 ms).
READING_SECONDS = 0.2


@dataclass(frozen=True)
class QueueTimings:
    pending: int
    open_ms: float  # median, first rows painted
    open_preview_ms: float  # median, first item's preview painted too
    approve_ms: list[float]  # `a`: the feedback editor painted
    decide_ms: list[float]  # `ctrl+s`: decided, next item selected and previewed


def prepare(path: Path, pending: int) -> int:
    """Make ``pending`` submissions pending in the store at ``path`` (at least the ones already
    pending); how many are pending now."""
    with sqlite3.connect(path) as db:
        (now_pending,) = db.execute(
            "SELECT count(*) FROM submissions WHERE status = 'pending' AND deleted_at IS NULL"
        ).fetchone()
        missing = max(0, pending - now_pending)
        if missing:
            db.execute(
                "UPDATE submissions SET status = 'pending', feedback = NULL, reviewer_id = NULL,"
                " reviewed_at = NULL WHERE id IN (SELECT id FROM submissions"
                " WHERE status != 'pending' AND deleted_at IS NULL ORDER BY id LIMIT ?)",
                (missing,),
            )
        (total,) = db.execute(
            "SELECT count(*) FROM submissions WHERE status = 'pending' AND deleted_at IS NULL"
        ).fetchone()
    return int(total)


def _queue_screen(app):
    from mentor_tui.screens.reviews.queue import ReviewQueueScreen

    return app.screen if isinstance(app.screen, ReviewQueueScreen) else None


def _previewing(app, key: str | None) -> bool:
    screen = _queue_screen(app)
    preview = getattr(screen, "_preview", None) if screen is not None else None
    return preview is not None and (key is None or preview.id == key)


def _editing(app) -> bool:
    from mentor_tui.screens.reviews.feedback_editor import FeedbackPanel

    screen = _queue_screen(app)
    if screen is None:
        return False
    panel = screen.query_one(FeedbackPanel)
    return panel.is_open and panel.has_focus_within and panel.region.height > 0  # laid out


async def _until(pilot, started: float, done, what: str) -> float:
    """Until ``done()``, polled as the app handles its messages and its workers run (as the
    students list's open and the filter figure poll, ``pilot_timing``); then render the frame.
    Elapsed ms. It used to wait for every running worker before each look, which charged a
    figure with work the app does after the frame the person waits for (the queue's count,
    read once its first rows are painted; the previews read ahead)."""
    app = pilot.app
    await pilot._wait_for_screen()
    while not done():
        await asyncio.sleep(POLL_SECONDS)
        await pilot._wait_for_screen()
        if time.perf_counter() - started > TIMEOUT_SECONDS:
            raise TimeoutError(f"the review queue never showed {what}")
    app.screen._on_timer_update()
    return (time.perf_counter() - started) * 1000


async def _idle(pilot) -> None:
    """A reviewer's pause (``READING_SECONDS``), then until no worker runs and the screen's
    messages are handled. The pause lets the work a decision leaves for a moment after its
    landing frame (timers: the recount, the previews read ahead, the page left short) start
    before the workers are waited for; without it that work ran in the next key's sample."""
    app = pilot.app
    await asyncio.sleep(READING_SECONDS)
    for _ in range(20):
        try:
            await app.workers.wait_for_complete()
        except WorkerCancelled:
            pass
        await pilot._wait_for_screen()
        if not any(w.is_running for w in app.workers):
            return


async def _open(path: Path, email: str) -> tuple[float, float]:
    app = _app(path, email)
    async with app.run_test(size=(130, 40), notifications=True) as pilot:
        await _repainted(pilot)
        started = time.perf_counter()
        _send_key(app, "3")
        rows = await _until(
            pilot, started, lambda: _queue_screen(app) is not None and _has_rows(app), "rows"
        )
        preview = await _until(pilot, started, lambda: _previewing(app, None), "a preview")
        return rows, preview


async def _decide(path: Path, email: str, rounds: int) -> tuple[list[float], list[float]]:
    from mentor_tui.widgets.paged_table import PagedTable

    app = _app(path, email)
    approve, decide = [], []
    async with app.run_test(size=(130, 40), notifications=True) as pilot:
        await _repainted(pilot)
        await pilot.press("3")
        await _until(pilot, time.perf_counter(), lambda: _previewing(app, None), "a preview")
        for _ in range(rounds):
            table = app.screen.query_one(PagedTable)
            current = table.cursor_key
            # a reviewer reads the work before `a` and types feedback before `ctrl+s`: each key
            # is pressed with the app idle (the previews it renders ahead are done)
            await _idle(pilot)
            started = time.perf_counter()
            _send_key(app, "a")
            approve.append(await _until(pilot, started, lambda: _editing(app), "the editor"))
            await _idle(pilot)
            started = time.perf_counter()
            _send_key(app, "ctrl+s")

            def landed(table=table, current=current) -> bool:
                key = table.cursor_key
                return (
                    _queue_screen(app) is not None
                    and key is not None
                    and key != current
                    and _previewing(app, key)
                )

            decide.append(await _until(pilot, started, landed, "the next item"))
    return approve, decide


def queue_timings(path: Path, email: str, rounds: int = 20, opens: int = 3) -> QueueTimings:
    """Median open times over ``opens`` fresh apps (each in a fresh process, as the first `3`
    after starting the app), then ``rounds`` approve-and-next."""
    with sqlite3.connect(path) as db:
        (pending,) = db.execute(
            "SELECT count(*) FROM submissions WHERE status = 'pending' AND deleted_at IS NULL"
        ).fetchone()
    opened = [in_fresh_process("queue_timing", "_open", path, email) for _ in range(opens)]
    approve, decide = asyncio.run(_decide(path, email, rounds))
    return QueueTimings(
        pending=int(pending),
        open_ms=statistics.median(rows for rows, _ in opened),
        open_preview_ms=statistics.median(preview for _, preview in opened),
        approve_ms=approve,
        decide_ms=decide,
    )
