"""Text a person or a file gave never reaches the terminal as something it acts on: OSC, CSI,
BEL and NUL in a note, a session's title and agenda, a comment-bank snippet or an agenda
template are shown as visible symbols in every editor (control pictures, e.g. ESC as U+241B)
and in the lists. One test reads the very bytes the app writes to a pseudo-terminal."""

from __future__ import annotations

import os
import re
import signal
import sys
import time
from pathlib import Path

from app_support import (
    FROZEN_NOW,
    MENTOR,
    copy_store,
    frozen_clock,  # noqa: F401  (autouse: the clock stands still here)
    services_for,
    settle,
    type_text,
)
from pty_support import read_available, spawn_in_pty

from mentor_tui.app.main import MentorApp
from mentor_tui.core.notes import notes as core_notes
from mentor_tui.core.people.students import list_students
from mentor_tui.core.reviews.comment_bank import add_snippet
from mentor_tui.core.sessions.scheduling import edit_session
from mentor_tui.core.sessions.templates import save_template
from mentor_tui.core.sessions.views import list_sessions
from mentor_tui.db.engine import session_scope
from mentor_tui.db.models import MentorshipNote

SIZE = (130, 40)
LINE = "Osc\x1b]0;pwned\x07 Csi\x1b[31mRed Bell\x07 Nul\x00 Rlo\u202eevil"
TEXT = LINE + "\nsecond line"
# the right-to-left override is escaped in editors: it would reorder what the terminal shows
SHOWN_LINE = "Osc␛]0;pwned␇ Csi␛[31mRed Bell␇ Nul␀ Rlo\\u202eevil"
SHOWN_TEXT = SHOWN_LINE + "\nsecond line"
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
BIDI = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _hostile_note(path: Path) -> tuple[str, str]:
    """A hostile note on the first student the notes screen opens: (student id, note id)."""
    services = services_for(path, MENTOR)
    with session_scope(services.engine) as s:
        student = list_students(s, services.actor, limit=1)[0]
        note = core_notes.add_note(s, services.actor, student.id, TEXT)
        ids = (student.id, note.id)
    services.engine.dispose()
    return ids


def _assert_screen_is_clean(app: MentorApp) -> None:
    """What the app would paint: no control character from the user text in it."""
    screen = app.export_screenshot()
    assert "\x1b" not in screen and "\x07" not in screen and "\x00" not in screen
    assert not BIDI.search(screen), "a bidi control would reorder what is shown"
    assert "pwned" in screen or "Osc" in screen


# -- the bytes written to a real terminal ----------------------------------------------------


def _run_in_pty(argv: list[str], keys: list[bytes], wait_for: bytes) -> bytes:
    """Every byte ``argv`` writes to a 120x40 xterm pty until it paints ``wait_for`` and goes
    quiet after each of ``keys``; then ctrl+q, and every byte until it has exited."""
    proc, master = spawn_in_pty(argv, columns=120, lines=40)
    seen = b""

    def drain(quiet: float, limit: float) -> None:
        """Read until ``quiet`` seconds pass with no new paint. A blinking cursor writes the
        same two frames in turn for as long as it is shown: a write equal to one of the two
        before it is that blink, not a paint, so the screen that blinks is quiet too."""
        nonlocal seen
        end, last = time.monotonic() + limit, time.monotonic()
        recent: list[bytes] = []
        while time.monotonic() < end and time.monotonic() - last < quiet:
            chunk = read_available(master, 0.05)
            if chunk:
                seen += chunk
                if chunk not in recent:
                    last = time.monotonic()
                recent = [*recent[-1:], chunk]

    try:
        deadline = time.monotonic() + 60
        while wait_for not in seen:
            assert time.monotonic() < deadline, f"no {wait_for!r} on screen"
            assert proc.poll() is None, seen[-600:]
            seen += read_available(master, 0.5)
        drain(1.0, 20.0)
        for key in keys:
            os.write(master, key)
            drain(1.0, 20.0)
        os.write(master, b"\x11")  # ctrl+q
        end = time.monotonic() + 15
        while proc.poll() is None:  # every byte until it exits, then what is still unread
            assert time.monotonic() < end, "the app did not quit on ctrl+q"
            seen += read_available(master, 0.05)
        while chunk := read_available(master, 0.05):
            seen += chunk
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(10)
        os.close(master)
    return seen


def test_a_hostile_note_opened_in_the_editor_writes_no_escape_to_the_terminal(
    template: Path, tmp_path: Path
) -> None:
    path = copy_store(template, tmp_path / "pty.db")
    _hostile_note(path)
    app = [sys.executable, "-m", "mentor_tui", "--db", str(path), "--user", MENTOR]
    # 4: the notes area, which opens the first student's newest note (the hostile one) in the
    # editor; enter, enter: on to the notes list and into the editor
    written = _run_in_pty(app, [b"4", b"\r", b"\r"], wait_for=b"Dashboard")
    assert b"\x1b]0;pwned" not in written and b"pwned\x07" not in written
    assert b"\x1b[31mRed" not in written and b"\x00" not in written
    assert "␛]0;pwned␇".encode() in written, "the editor shows the note"
    assert "\u202e".encode() not in written, "the right-to-left override never reaches it"
    assert b"Rlo\\u202eevil" in written, "the editor shows it escaped"
    # the only OSC sequences are Textual's own (the pointer shape), the only BELs end them
    own = re.sub(rb"\x1b\]22;[a-z-]*\x07", b"", written)
    assert b"\x1b]" not in own and b"\x07" not in own


# -- every editor, through Pilot ----------------------------------------------------------------


async def test_the_notes_editor_shows_symbols_and_does_not_rewrite_the_note(
    template: Path, tmp_path: Path
) -> None:
    path = copy_store(template, tmp_path / "n.db")
    _, note_id = _hostile_note(path)
    services = services_for(path, MENTOR)
    app = MentorApp(services)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("4")
        await settle(pilot)
        screen = app.screen
        assert screen.draft is not None and screen.draft.note_id == note_id
        assert screen.query_one("#notes-editor").text == SHOWN_TEXT
        assert not screen.draft.dirty, "opening a note is not an edit"
        _assert_screen_is_clean(app)
        await pilot.pause(1.0)  # longer than the autosave delay
        await settle(pilot)
        with session_scope(services.engine) as s:
            assert s.get(MentorshipNote, note_id).note == TEXT, "nothing saved without a key"
        await pilot.press("enter", "enter")
        editor = screen.query_one("#notes-editor")
        editor.move_cursor(editor.document.end)
        await type_text(pilot, " ok")
        await pilot.press("ctrl+n")  # leaving the note saves it
        await settle(pilot)
    with session_scope(services.engine) as s:
        # an edited note is saved as the editor shows it: the symbols, not the controls
        assert s.get(MentorshipNote, note_id).note == SHOWN_TEXT + " ok"


async def test_the_session_form_shows_a_hostile_title_and_agenda_as_symbols(
    template: Path, tmp_path: Path
) -> None:
    services = services_for(copy_store(template, tmp_path / "c.db"), MENTOR)
    with session_scope(services.engine) as s:
        # the session the calendar highlights first: the next one still to come
        upcoming = next(
            v for v in list_sessions(s, services.actor, start=FROZEN_NOW) if v.status == "scheduled"
        )
        edit_session(s, services.actor, upcoming.id, title=LINE, agenda=TEXT)
    app = MentorApp(services)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("5")
        await settle(pilot)
        assert app.screen.selected().id == upcoming.id
        _assert_screen_is_clean(app)  # the calendar
        await pilot.press("e")
        await settle(pilot)
        assert type(app.screen).__name__ == "SessionFormModal"
        assert app.screen.query_one("#form-title").value == SHOWN_LINE
        assert app.screen.query_one("#form-agenda").text == SHOWN_TEXT
        _assert_screen_is_clean(app)


async def test_a_hostile_snippet_in_its_editor_and_in_the_feedback(
    template: Path, tmp_path: Path
) -> None:
    services = services_for(copy_store(template, tmp_path / "s.db"), MENTOR)
    with session_scope(services.engine) as s:
        snippet_id = add_snippet(s, services.actor, LINE, TEXT).id
    app = MentorApp(services)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("3")  # the review queue
        await settle(pilot)
        await pilot.press("c")  # request changes: the feedback panel
        await settle(pilot)
        await pilot.press("ctrl+b")  # the comment bank
        await settle(pilot)
        bank = app.screen
        assert type(bank).__name__ == "CommentBankScreen"
        options = bank.query_one("OptionList")
        options.highlighted = options.get_option_index(snippet_id)
        _assert_screen_is_clean(app)  # the list
        await pilot.press("e")
        await settle(pilot)
        assert type(app.screen).__name__ == "SnippetForm"
        assert app.screen.query_one("Input").value == SHOWN_LINE
        assert app.screen.query_one("TextArea").text == SHOWN_TEXT
        _assert_screen_is_clean(app)
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("enter")  # the snippet goes into the feedback
        await settle(pilot)
        assert SHOWN_TEXT in app.screen.query_one("FeedbackPanel TextArea").text
        _assert_screen_is_clean(app)


async def test_a_hostile_agenda_template_in_its_editor(template: Path, tmp_path: Path) -> None:
    services = services_for(copy_store(template, tmp_path / "t.db"), MENTOR)
    with session_scope(services.engine) as s:
        template_id = save_template(s, services.actor, title=LINE, agenda=TEXT).id
    app = MentorApp(services)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("5")
        await settle(pilot)
        await pilot.press("T")  # the agenda templates
        await settle(pilot)
        options = app.screen.query_one("OptionList")
        options.highlighted = options.get_option_index(template_id)
        _assert_screen_is_clean(app)  # the list
        await pilot.press("e")
        await settle(pilot)
        assert type(app.screen).__name__ == "TemplateForm"
        assert app.screen.query_one("Input").value == SHOWN_LINE
        assert app.screen.query_one("TextArea").text == SHOWN_TEXT
        _assert_screen_is_clean(app)
