"""Nothing typed is lost: the real app on a pseudo-terminal, typed into and never told to save,
puts the note in its store by itself, and killed with SIGKILL after that it still has it
(issue 6); while a person types on without a pause, it saves what was typed (a debounce alone
never would), and killed mid-word it keeps everything it had saved (issue 15).

No time limit is asserted (a loaded machine runs the app many times slower): the tests wait for
the store itself, up to pty_support.SAVE_CEILING seconds."""

from __future__ import annotations

import os
import random
import sys
import time
from functools import partial
from pathlib import Path

import pytest
from app_support import MENTOR, copy_store
from pty_support import Terminal, Typing, kill_9, reap, start_app, wait_until_stored
from sqlalchemy import select

from mentor_tui.db.engine import make_engine, session_scope
from mentor_tui.db.models import MentorshipNote

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")

TYPED = "Met on the train: résumé, 学习 & [b]plans[/b] 🎉"
KILLS = 3  # kill moments per run, each a fresh app on a fresh copy of the store


def _open_new_note(screen: Terminal) -> None:
    """From the dashboard: the notes screen (`4`), then a new note (ctrl+n), ready to type."""
    screen.wait_for(b"Dashboard")
    screen.mark()
    os.write(screen.master, b"4")
    screen.wait_for(b"Notes of")
    time.sleep(0.5)
    screen.mark()
    os.write(screen.master, b"\x0e")  # ctrl+n: a new note
    screen.wait_for(b"New note")


def _note_ids(store: Path) -> set[str]:
    engine = make_engine(store)
    try:
        with session_scope(engine) as session:
            return set(session.execute(select(MentorshipNote.id)).scalars())
    finally:
        engine.dispose()


def _new_notes(store: Path, before: set[str]) -> list[str]:
    engine = make_engine(store, migrate=False)
    try:
        with session_scope(engine) as session:
            rows = (
                session.execute(select(MentorshipNote).where(MentorshipNote.id.not_in(before)))
                .scalars()
                .all()
            )
            return [row.note for row in rows]
    finally:
        engine.dispose()


def _the_new_note(store: Path, before: set[str]) -> str | None:
    """The text of the one note not in ``before`` (None while there is none, or several)."""
    notes = _new_notes(store, before)
    return notes[0] if len(notes) == 1 else None


def test_kill_9_after_typing_loses_nothing(template: Path, tmp_path: Path) -> None:
    store = copy_store(template, tmp_path / "store" / "m.db")
    before = _note_ids(store)
    child, master = start_app(store, tmp_path, MENTOR)
    screen = Terminal(master)
    try:
        _open_new_note(screen)
        screen.type(TYPED)  # and no key to save: the app saves by itself
        wait_until_stored(lambda: _the_new_note(store, before), TYPED, "the typed note")
        kill_9(child)
    finally:
        reap(child)
        os.close(master)
    assert _new_notes(store, before) == [TYPED]


def test_kill_9_while_typing_on_loses_nothing_saved(template: Path, tmp_path: Path) -> None:
    """Typing without a pause (a key every 30-50 ms); what was typed after a random 2-4 s is
    marked, and the typing goes on until the store holds it, then SIGKILL: the note in the store
    holds all the store held before the kill. With a debounce alone (no maximum wait) nothing is
    saved while the typing goes on, so the store never holds the marked keys and the test fails."""
    seed = random.randrange(2**32)
    rng = random.Random(seed)
    for run in range(KILLS):
        store = copy_store(template, tmp_path / f"store{run}" / "m.db")
        before = _note_ids(store)
        child, master = start_app(store, tmp_path, MENTOR)
        typing = Typing(rng)
        try:
            _open_new_note(Terminal(master))
            typing.type_then_kill(child, master, (2.0, 4.0), partial(_the_new_note, store, before))
        finally:
            reap(child)
            os.close(master)
        saved = _new_notes(store, before)
        context = f"seed {seed}, kill {run + 1}"
        assert len(saved) == 1, f"{context}: no note saved (or several: {saved!r})"
        typing.check_kept(saved[0], context)
