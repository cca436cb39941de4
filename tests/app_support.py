"""Shared set-up for the app's Pilot and snapshot tests: a small demo store with a frozen clock."""

from __future__ import annotations

import contextlib
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from textual import events
from textual.widgets import Input, TextArea
from textual.worker import WorkerCancelled

from mentor_tui.config import Config
from mentor_tui.core import clock
from mentor_tui.core.people.settings import sign_in
from mentor_tui.core.services import Services
from mentor_tui.db.engine import make_engine, session_scope

REFERENCE = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
FROZEN_NOW = REFERENCE + timedelta(minutes=17)
MENTOR = "mentor@example.org"
ADMIN = "admin@example.org"


def build_template(folder: Path) -> Path:
    from mentor_tui.demo.build import build_demo

    path = folder / "template.db"
    build_demo(path, students=60, mentors=5, seed=7, reference=REFERENCE)
    return path


def copy_store(template: Path, target: Path) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(template, target)
    return target


def services_for(path: Path, email: str | None) -> Services:
    engine = make_engine(path)
    actor = None
    if email is not None:
        with session_scope(engine) as session:
            actor = sign_in(session, email)
    return Services(engine, path, Config(), actor)


@pytest.fixture(autouse=True)
def frozen_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """The app's clock stands at ``FROZEN_NOW`` (autouse where a test module imports it)."""
    monkeypatch.setattr(clock, "now", lambda: FROZEN_NOW)


def mentor_app(template: Path, tmp_path: Path):
    """The app on a copy of the demo store, signed in as ``MENTOR``."""
    from mentor_tui.app.main import MentorApp

    return MentorApp(services_for(copy_store(template, tmp_path / "s.db"), MENTOR))


def compiled_now(services, read) -> list[bool]:
    """For each statement ``read`` runs: was it compiled for it (not found in the cache)?"""
    from sqlalchemy import event
    from sqlalchemy.engine.default import CACHE_MISS

    missed: list[bool] = []

    def seen(conn, cursor, statement, parameters, context, executemany) -> None:
        missed.append(context.cache_hit is CACHE_MISS)

    event.listen(services.engine, "before_cursor_execute", seen)
    try:
        read()
    finally:
        event.remove(services.engine, "before_cursor_execute", seen)
    return missed


async def type_keys(pilot, text: str) -> None:
    """Type ``text`` key by key, as a person would: one key event (and the wait for the app to
    go idle) per character. For tests where the keystrokes themselves are the behaviour."""
    for char in text:
        await pilot.press(char)


def _pastes_like_keys(box: object, text: str) -> bool:
    """Whether a paste of ``text`` into ``box`` (the focused widget) does what typing it key by
    key does: a text box that is writable takes a printable character key by inserting it at the
    cursor (or over the selection), and a paste inserts the same text the same way (an Input
    keeps a paste's first line only, so no line breaks). The app binds no printable key with
    priority, so such a key reaches the focused box before any binding."""
    if not text.isprintable():
        return False
    if isinstance(box, TextArea):
        return not box.read_only
    return isinstance(box, Input) and not box.disabled


async def type_text(pilot, text: str) -> None:
    """Put ``text`` into the focused text box, as typing it would.

    Typing key by key costs a key event, a repaint and a wait for idle per character, which adds
    up over a suite; where the focused widget is a writable text box, the text goes in as one
    paste event instead (the same insert at the cursor, one ``Changed``), sent the way a terminal's
    paste arrives: to the app, which hands it to the focused widget. Anywhere else (a list, a
    screen whose keys are bindings) it is typed key by key. Use ``type_keys`` where the keystrokes
    themselves are what a test is about."""
    box = pilot.app.focused
    if not _pastes_like_keys(box, text):
        await type_keys(pilot, text)
        return
    pilot.app.post_message(events.Paste(text))  # as a terminal's paste comes: the app hands it on
    await pilot.pause()


async def wait_for_workers(app) -> None:
    """Wait for every worker the app has now to end. As ``app.workers.wait_for_complete()``,
    except that a worker cancelled meanwhile has ended too (an exclusive worker replaced by a
    newer one, such as the status read that each data change starts), where that raised
    WorkerCancelled; a worker that failed still raises WorkerFailed."""
    for worker in list(app.workers):
        with contextlib.suppress(WorkerCancelled):
            await worker.wait()


async def settle(pilot) -> None:
    """Let every worker finish and the screen repaint."""
    for _ in range(3):
        await wait_for_workers(pilot.app)
        await pilot.pause()


async def open_screen(pilot, key: str):
    """From the app settled, the screen of ``key`` opened and settled: that screen."""
    await settle(pilot)
    await pilot.press(key)
    await settle(pilot)
    return pilot.app.screen
