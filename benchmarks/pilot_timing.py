"""Key press to repaint, and opening a long list, measured in-process with Textual's Pilot.

The app is the real ``MentorApp`` on a real store, run headless with ``App.run_test`` at
120x40, its notifications on as in a terminal (``run_test`` turns them off by default: a toast
the user would see, and its layout, would not be timed). One sample is the time from posting the key event to the app (as the driver does for a
real key; not ``pilot.press``, which adds two 20 ms CPU-idle waits of its own) to the moment
the screen has repainted with the answer: the key's events processed, every worker the key
started finished (the DB jobs of ``run_db`` and the list's page loader), the
messages they posted handled — again until no worker is left running, since a key reaches the
table through several message hops and a count can start a page load — and then the
screen's pending refresh rendered with ``screen._on_timer_update()`` (what Pilot's own
``pause`` does; the headless driver renders the frame and does not write it anywhere).
A screen switch is timed to the new screen's first frame (it shows the data it already had);
the time until the data it reloads on showing is painted is kept apart.
"""

from __future__ import annotations

import asyncio
import json
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class KeyTimings:
    switch_ms: list[float]
    switch_data_ms: list[float]
    filter_ms: list[float]  # to the frame with the filtered rows
    filter_count_ms: list[float]  # to the frame with their count too (painted a moment later)
    next_ms: list[float]
    scroll_ms: list[float]  # page down into rows not loaded yet, and jumps to the end and back


def in_fresh_process(module: str, function: str, path: Path, email: str) -> Any:
    """``module.function(path, email)`` (a coroutine function returning JSON values) run in a
    new interpreter: opening a screen for the first time after the app started, as a user
    does, with nothing imported or compiled by an earlier run in the same process."""
    code = (
        "import asyncio, json, sys; from pathlib import Path; sys.path.insert(0, sys.argv[1]); "
        "run = getattr(__import__(sys.argv[2]), sys.argv[3]); "
        "print(json.dumps(asyncio.run(run(Path(sys.argv[4]), sys.argv[5]))))"
    )
    argv = [sys.executable, "-c", code, str(Path(__file__).parent), module, function]
    done = subprocess.run([*argv, str(path), email], capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def p95(values: list[float]) -> float:
    if len(values) < 2:
        return values[0]
    return statistics.quantiles(values, n=20, method="inclusive")[-1]


def _app(path: Path, email: str):
    from mentor_tui.app.main import MentorApp
    from mentor_tui.config import Config
    from mentor_tui.core.people.settings import sign_in
    from mentor_tui.core.services import Services
    from mentor_tui.db.engine import make_engine, session_scope

    engine = make_engine(path)
    with session_scope(engine) as session:
        actor = sign_in(session, email)
    return MentorApp(Services(engine, path, Config(), actor))


async def _repainted(pilot, *, workers: bool = True) -> None:
    """Until the key's work is done and painted. A key's effects hop through message queues
    (key -> Input -> Changed -> screen -> the table's worker -> its messages), and one wait for
    the screen only covers what was queued when it began: wait again until no worker is left."""
    app = pilot.app
    # the work the app starts once its first frame is out (the dashboard's readers) counts too
    deadline = time.perf_counter() + 30
    while not getattr(app, "first_frame_written", True) and time.perf_counter() < deadline:
        await pilot.pause()
    for rounds in range(1, 21):
        if workers:
            await app.workers.wait_for_complete()
        await pilot._wait_for_screen()
        if rounds >= 3 and not (workers and any(w.is_running for w in app.workers)):
            break
    app.screen._on_timer_update()


def _send_key(app, key: str) -> None:
    """Post one key to the app the way the terminal driver does (Pilot's translation)."""
    import unicodedata

    from textual import events
    from textual.keys import REPLACED_KEYS, _character_to_key, _get_unicode_name_from_key

    if len(key) == 1 and not key.isalnum():
        key = _character_to_key(key)
    original = REPLACED_KEYS.get(key, key)
    try:
        char: str | None = unicodedata.lookup(_get_unicode_name_from_key(original))
    except KeyError:
        char = key if len(key) == 1 else None
    event = events.Key(key, char)
    event.set_sender(app)
    app._driver.send_message(event)


async def _timed(pilot, key: str, *, workers: bool = True) -> float:
    started = time.perf_counter()
    _send_key(pilot.app, key)
    await _repainted(pilot, workers=workers)
    return (time.perf_counter() - started) * 1000


async def _timed_rows(pilot, key: str) -> tuple[float, float]:
    """A key that gives the students list a new source (a filter character): ms to the frame
    showing the new source's first rows (or its "no students" line), and ms until everything
    the key started is done and painted too (the count, which follows the rows)."""
    app = pilot.app
    table = _table(app)
    before = table._generation
    started = time.perf_counter()
    _send_key(app, key)
    await pilot._wait_for_screen()
    while not (
        table._generation != before
        and table._count_known
        and (table._row_count == 0 or table._pages.peek(0) is not None)
    ):
        await asyncio.sleep(0.0005)
        await pilot._wait_for_screen()
        if time.perf_counter() - started > 60:
            raise TimeoutError("the filtered rows never came")
    app.screen._on_timer_update()
    rows = (time.perf_counter() - started) * 1000
    await _repainted(pilot)
    return rows, (time.perf_counter() - started) * 1000


def _has_rows(app) -> bool:
    from mentor_tui.widgets.paged_table import PagedTable

    tables = app.screen.query(PagedTable)
    return bool(tables) and tables.first()._count_known and len(tables.first()._pages) > 0


def _table(app):
    from mentor_tui.widgets.paged_table import PagedTable

    return app.screen.query_one(PagedTable)


async def _key_timings(path: Path, email: str, rounds: int) -> KeyTimings:
    app = _app(path, email)
    switch, switch_data, typed, counted, moved, scrolled = [], [], [], [], [], []
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await _repainted(pilot)
        await pilot.press("2")  # the students screen exists from now on: switches reuse it
        await _repainted(pilot)
        for _ in range(rounds):
            for key in ("1", "2"):
                started = time.perf_counter()
                switch.append(await _timed(pilot, key, workers=False))
                await _repainted(pilot)
                switch_data.append((time.perf_counter() - started) * 1000)
        for _ in range(rounds * 2):
            moved.append(await _timed(pilot, "down"))
        for _ in range(rounds):  # each sample waits for the rows it shows to be fetched
            scrolled.append(await _timed(pilot, "pagedown"))
        for key in ("end", "pageup", "home") * max(1, (rounds + 2) // 3):
            scrolled.append(await _timed(pilot, key))
        await pilot.press("/")
        await _repainted(pilot)
        for index in range(rounds):
            for key in ("ae"[index % 2], "backspace"):
                rows, whole = await _timed_rows(pilot, key)
                typed.append(rows)
                counted.append(whole)
    return KeyTimings(switch, switch_data, typed, counted, moved, scrolled)


def key_timings(path: Path, email: str, rounds: int = 10) -> KeyTimings:
    """Samples of `1`/`2` screen switches (to the new screen's first frame, which shows the
    data it had; and, apart, until the data it reloads on showing is painted too), `down` on the
    students list, scrolling it (`pagedown`, `end`, `pageup`, `home`, each until the rows it
    shows are fetched and painted) and one filter character typed (and erased) on it (to the
    filtered rows painted; and, apart, until their count is painted too)."""
    return asyncio.run(_key_timings(path, email, rounds))


async def _echo_key_timings(samples: int) -> list[float]:
    from echo_app import EchoApp

    app = EchoApp()
    timed: list[float] = []
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await _repainted(pilot)
        for key in "echo":  # warm up, as the real app's keys come after its first screens
            await _timed(pilot, key)
        for index in range(samples):
            timed.append(await _timed(pilot, "ae"[index % 2]))
    return timed


def echo_key_timings(samples: int = 40) -> list[float]:
    """The anchor of the key figures: ``echo_app.py`` (a Static showing the key just pressed)
    timed key by key exactly like the real app's keys, at the same size."""
    return asyncio.run(_echo_key_timings(samples))


async def _open_list(path: Path, email: str) -> tuple[float, int]:
    app = _app(path, email)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await _repainted(pilot)
        started = time.perf_counter()
        _send_key(app, "2")
        # Until the first rows are in (not until every worker is done: the table may already be
        # fetching the rows a screen further down, which nobody is waiting for).
        await pilot._wait_for_screen()
        while not _has_rows(app):
            await asyncio.sleep(0.001)
            await pilot._wait_for_screen()
            if time.perf_counter() - started > 60:
                raise TimeoutError("the students list never showed its first rows")
        app.screen._on_timer_update()
        elapsed = (time.perf_counter() - started) * 1000
        return elapsed, _table(app)._row_count


def open_list(path: Path, email: str, runs: int = 3) -> tuple[float, int]:
    """Median ms from pressing `2` (the students screen not yet made) to its first rows
    painted, in a fresh app in a fresh process each run; and the rows the list holds."""
    results = [in_fresh_process("pilot_timing", "_open_list", path, email) for _ in range(runs)]
    return statistics.median(ms for ms, _ in results), results[0][1]
