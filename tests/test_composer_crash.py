"""Nothing typed in the composer is lost: the real app on a pseudo-terminal, typed into and never
told to save, puts the message in its drafts by itself, and killed with SIGKILL after that it
still has it; the next composer for the same audience brings it back (issue 17, as the note
editor: issue 6). No time limit is asserted: the test waits for the store itself, up to
pty_support.SAVE_CEILING seconds."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import pytest
from app_support import MENTOR, copy_store
from pty_support import Terminal, kill_9, reap, start_app, wait_until_stored
from sqlalchemy import select

from mentor_tui.db.draft_models import EditorDraft
from mentor_tui.db.engine import make_engine, session_scope

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")

TYPED = "Office hours move to Friday: résumé, 学习 & [b]plans[/b] 🎉"


def _drafts(store: Path) -> list[tuple[str, str]]:
    engine = make_engine(store, migrate=False)
    try:
        with session_scope(engine) as session:
            query = select(EditorDraft).where(EditorDraft.kind == "message")
            rows = session.execute(query).scalars().all()
            return [(row.key, row.fields["body"]) for row in rows]
    finally:
        engine.dispose()


def test_kill_9_after_typing_in_the_composer_loses_nothing(template: Path, tmp_path: Path) -> None:
    store = copy_store(template, tmp_path / "store" / "m.db")
    child, master = start_app(store, tmp_path, MENTOR, columns=100, lines=30)
    screen = Terminal(master)
    try:
        screen.wait_for(b"Dashboard")
        screen.mark()
        os.write(master, b"7")
        screen.wait_for(b"Conversations")
        time.sleep(0.5)
        screen.mark()
        os.write(master, b"A")  # an announcement to the mentor's students
        screen.wait_for(b"saved as you type")
        screen.type(TYPED)  # and no key to save: the app saves by itself
        wanted = [("audience:students", TYPED)]
        wait_until_stored(lambda: _drafts(store), wanted, "the typed message")
        kill_9(child)
    finally:
        reap(child)
        os.close(master)
    assert _drafts(store) == [("audience:students", TYPED)]
