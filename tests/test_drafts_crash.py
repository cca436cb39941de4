"""Nothing typed is lost in the editors beside the notes (issue 15): the real app on a
pseudo-terminal, a person typing without a pause into the review feedback editor or a session's
agenda, killed with SIGKILL mid-word once the store's draft holds what was typed by a random
moment (a debounce alone never saves while keys keep coming): the draft still holds all it held
before the kill; started again, the editor brings the draft back. No time limit is asserted: the
test waits for the store itself (pty_support.SAVE_CEILING)."""

from __future__ import annotations

import os
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from app_support import MENTOR, copy_store
from pty_support import Terminal, Typing, reap, start_app
from sqlalchemy import select

from mentor_tui.db.draft_models import EditorDraft
from mentor_tui.db.engine import make_engine, session_scope

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")


def _open_feedback(screen: Terminal) -> None:
    """From the dashboard: the review queue (`3`), then approve (`a`) opens the feedback."""
    screen.wait_for(b"Dashboard")
    screen.mark()
    os.write(screen.master, b"3")
    screen.wait_for(b"Approve")
    time.sleep(0.5)
    screen.mark()
    os.write(screen.master, b"a")
    screen.wait_for(b"feedback optional")


def _open_agenda(screen: Terminal) -> None:
    """From the dashboard: the calendar (`5`), a new session (`n`), six tabs to the agenda."""
    screen.wait_for(b"Dashboard")
    screen.mark()
    os.write(screen.master, b"5")
    screen.wait_for(b"Calendar")
    time.sleep(0.5)
    screen.mark()
    os.write(screen.master, b"n")
    screen.wait_for(b"New session")
    time.sleep(0.5)
    for _ in range(6):
        os.write(screen.master, b"\t")
        time.sleep(0.1)
    time.sleep(0.3)


def _drafts(store: Path, kind: str) -> list[EditorDraft]:
    engine = make_engine(store, migrate=False)
    try:
        with session_scope(engine) as session:
            rows = session.execute(select(EditorDraft).where(EditorDraft.kind == kind)).scalars()
            return [EditorDraft.model_validate(row.model_dump()) for row in rows]
    finally:
        engine.dispose()


CASES: dict[str, tuple[Callable[[Terminal], None], str, str]] = {
    # editor: (how to reach it, the draft's kind, the field typed into)
    "review feedback": (_open_feedback, "feedback", "feedback"),
    "session agenda": (_open_agenda, "session", "agenda"),
}


def _draft_text(store: Path, kind: str, field: str) -> str | None:
    """The one draft of ``kind``'s ``field`` (None while there is none, or several)."""
    drafts = _drafts(store, kind)
    return drafts[0].fields.get(field) if len(drafts) == 1 else None


@pytest.mark.parametrize("editor", sorted(CASES))
def test_kill_9_while_typing_on_loses_nothing_saved(
    template: Path, tmp_path: Path, editor: str
) -> None:
    open_editor, kind, field = CASES[editor]
    seed = random.randrange(2**32)
    typing = Typing(random.Random(seed))
    store = copy_store(template, tmp_path / "store" / "m.db")
    child, master = start_app(store, tmp_path, MENTOR)
    try:
        open_editor(Terminal(master))
        typing.type_then_kill(child, master, (2.0, 3.5), lambda: _draft_text(store, kind, field))
    finally:
        reap(child)
        os.close(master)
    drafts = _drafts(store, kind)
    assert len(drafts) == 1, f"{editor}, seed {seed}: no draft kept (or several: {drafts!r})"
    typing.check_kept(drafts[0].fields[field], f"{editor}, seed {seed}")

    # started again on the same store, the same editor brings the draft back with a notice
    child, master = start_app(store, tmp_path, MENTOR)
    screen = Terminal(master)
    try:
        open_editor(screen)
        # the notice's first word (Textual writes a toast's cells in runs split where widgets
        # under it meet, so not its whole sentence)
        screen.wait_for(b"Restored", timeout=30)
    finally:
        reap(child)
        os.close(master)
