"""The keys a browser keeps for itself (issue 23): ctrl+n (new window) and ctrl+t (new tab)
never reach an app in a Chromium, Firefox or Edge page on Linux or Windows, so each action on
them has an alternative the page does get: `alt+n` new note, `alt+c` done (notes), `alt+a`
agenda templates (session form). Pressed for real (Pilot) and checked in the store; and the
bytes a browser's terminal (xterm.js) sends for them are read as those keys."""

from __future__ import annotations

import asyncio
import time

import pytest
from app_support import FROZEN_NOW, MENTOR, copy_store, services_for, settle, type_text
from sqlalchemy import select
from textual._xterm_parser import XTermParser

from mentor_tui.app.main import MentorApp
from mentor_tui.core import clock
from mentor_tui.db.engine import session_scope
from mentor_tui.db.models import MentorshipNote, MentorshipSession, User
from mentor_tui.screens.calendar.session_form import SessionFormModal
from mentor_tui.screens.calendar.session_templates import TemplatesScreen
from mentor_tui.screens.notes.notes import NotesScreen
from mentor_tui.widgets.key_list import screen_actions

SIZE = (130, 40)


def _notes(services) -> dict[str, MentorshipNote]:
    with session_scope(services.engine) as s:
        mentor = s.execute(select(User).where(User.email == MENTOR)).scalar_one()
        rows = s.execute(
            select(MentorshipNote).where(
                MentorshipNote.mentor_id == mentor.id, MentorshipNote.deleted_at.is_(None)
            )
        ).scalars()
        return {r.id: MentorshipNote.model_validate(r) for r in rows}


@pytest.mark.parametrize(
    ("sent", "key"), [("\x1bn", "alt+n"), ("\x1bc", "alt+c"), ("\x1ba", "alt+a")]
)
def test_what_a_browser_terminal_sends_for_the_alternatives_is_read_as_them(
    sent: str, key: str
) -> None:
    """xterm.js (textual-serve's page) sends alt+letter as ESC and the letter, as a terminal."""
    parser = XTermParser()
    keys = [e.key for e in parser.feed(sent)]
    time.sleep(0.15)  # a lone ESC waits a moment for what follows
    keys += [e.key for e in parser.tick()]
    assert keys == [key]


async def test_alt_n_writes_a_new_note_and_alt_c_marks_it_done(template, tmp_path) -> None:
    services = services_for(copy_store(template, tmp_path / "m.db"), MENTOR)
    before = set(_notes(services))
    app = MentorApp(services)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("4")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, NotesScreen)
        await pilot.press("question_mark")  # help names both keys of each action
        await settle(pilot)
        keys = dict((description, key) for key, description in app.screen.key_rows())
        assert keys["New note"] == "^n/alt+n"
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("alt+n")
        await type_text(pilot, "Book the demo room")
        await asyncio.sleep(1.0)  # the autosave
        await settle(pilot)
        made = set(_notes(services)) - before
        assert len(made) == 1
        note_id = made.pop()
        assert _notes(services)[note_id].note == "Book the demo room"
        await pilot.press("ctrl+k", "ctrl+k")  # an action item
        await settle(pilot)
        assert _notes(services)[note_id].kind == "action_item"
        done = [a.keys for a in screen_actions(screen) if a.description == "Done"]
        assert done == ["^t/alt+c"]  # what help lists for it
        await pilot.press("alt+c")
        await settle(pilot)
        assert _notes(services)[note_id].done is True
        await pilot.press("alt+c")
        await settle(pilot)
        assert _notes(services)[note_id].done is False


async def test_alt_a_opens_the_agenda_templates_from_the_session_form(
    template, tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(clock, "now", lambda: FROZEN_NOW)
    services = services_for(copy_store(template, tmp_path / "t.db"), MENTOR)
    app = MentorApp(services)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("5")
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, SessionFormModal)
        await pilot.press("space")  # the first student
        await pilot.press("tab", "end", "ctrl+u")
        await type_text(pilot, "2026-03-11 10:00")
        await pilot.press("alt+a")
        await settle(pilot)
        assert isinstance(app.screen, TemplatesScreen)
        await pilot.press("enter")  # the first template
        await settle(pilot)
        assert isinstance(app.screen, SessionFormModal)
        agenda = app.screen.query_one("#form-agenda").text
        assert agenda
        await pilot.press("ctrl+s")
        await settle(pilot)
        with session_scope(services.engine) as s:
            made = s.execute(
                select(MentorshipSession).order_by(MentorshipSession.created_at.desc())
            ).scalar()
            assert made is not None and made.agenda == agenda
