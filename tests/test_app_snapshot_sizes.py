"""Issue #22: every screen at the smallest supported terminal (80x24), and at a large one
(160x50) each screen whose layout changes with the size, on the deterministic demo store with a
frozen clock.

Review changes with `pytest --snapshot-report` (read the SVGs' text) before `--snapshot-update`.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from app_support import (
    ADMIN,
    MENTOR,
    copy_store,
    frozen_clock,  # noqa: F401  (autouse: the clock stands still here)
    services_for,
    settle,
)
from sqlalchemy import select

from mentor_tui.app.main import MentorApp
from mentor_tui.db.engine import make_engine, session_scope
from mentor_tui.db.models import User

SIZES = {"80x24": (80, 24), "160x50": (160, 50)}
STUDENT = "student"  # the demo's first student by email, found in the store

# each screen: who is signed in (None: nobody yet) and the keys that bring it up
SCREENS: dict[str, tuple[str | None, tuple[str, ...]]] = {
    "first_run": (None, ()),
    "mentor_dashboard": (MENTOR, ()),
    "admin_dashboard": (ADMIN, ()),
    "students": (MENTOR, ("2",)),
    "student_view": (MENTOR, ("2", "enter")),
    "help": (MENTOR, ("2", "question_mark")),
    "review_queue": (MENTOR, ("3",)),
    "feedback_editor": (MENTOR, ("3", "a")),
    "notes": (MENTOR, ("4",)),
    "note_search": (MENTOR, ("4", "ctrl+f")),
    "calendar_month": (MENTOR, ("5", "m")),
    "calendar_week": (MENTOR, ("5", "w")),
    "calendar_agenda": (MENTOR, ("5", "a")),
    "session_form_free_slots": (MENTOR, ("5", "f")),
    "agenda_templates": (MENTOR, ("5", "T")),
    "admin_mentors": (ADMIN, ("6", "m")),
    "admin_assign": (ADMIN, ("6", "a")),
    "admin_matching": (ADMIN, ("6", "t")),
    "admin_audit": (ADMIN, ("6", "l")),
    "admin_settings": (ADMIN, ("6", "S")),
    "analytics": (ADMIN, ("A",)),
    "analytics_mentor": (ADMIN, ("A", "enter")),
    "analytics_program": (ADMIN, ("A", "p")),
    "student_form": (ADMIN, ("2", "e")),
    "my_profile": (MENTOR, ("p",)),
    "mentor_own_form": (MENTOR, ("p", "e")),
    "student_own_form": (STUDENT, ("e",)),
    "substitutions": (ADMIN, ("6", "m", "w")),
    "peers": (MENTOR, ("8",)),
    "inbox": (MENTOR, ("7",)),
    "composer": (MENTOR, ("7", "c")),
    "notification_prefs": (MENTOR, ("7", "P")),
    "student_home": (STUDENT, ()),
    "student_work": (STUDENT, ("2",)),
    "student_feedback": (STUDENT, ("3",)),
    "student_calendar": (STUDENT, ("5",)),
    "student_inbox": (STUDENT, ("7",)),
    "student_peers": (STUDENT, ("8",)),
}


def _student_email(path: Path) -> str:
    engine = make_engine(path)
    try:
        with session_scope(engine) as session:
            query = select(User.email).where(User.role == "student").order_by(User.email)
            return session.execute(query.limit(1)).scalar_one()
    finally:
        engine.dispose()


def _app(template: Path, tmp_path: Path, who: str | None) -> MentorApp:
    if who is None:
        return MentorApp(services_for(tmp_path / "empty.db", None))
    path = copy_store(template, tmp_path / "s.db")
    email = _student_email(path) if who == STUDENT else who
    return MentorApp(services_for(path, email))


# the screens whose layout is the same at any size, so not taken at 160x50 too: a dialog of a
# fixed width (its lines wrap the same at 80 columns; a larger terminal only centres it and
# shows the screen under it, whose own large picture is taken: mentor_dashboard, students,
# student_home, notes), or a screen whose columns are fixed and already whole at 80 (the
# key footer and the status line at 160 columns are in every other large picture)
SAME_AT_ANY_SIZE = {
    "first_run",  # fixed-width dialog
    "help",  # fixed-width dialog over students
    "my_profile",  # fixed-width dialog over the dashboard
    "mentor_own_form",  # fixed-width dialog over the dashboard
    "student_form",  # fixed-width dialog over students
    "student_own_form",  # fixed-width dialog over student_home
    "notification_prefs",  # fixed-width dialog over inbox
    "note_search",  # notes with its search line (only the line is wider)
    "admin_matching",  # fixed columns, no rows before a draft
    "analytics_program",  # fixed columns, whole at 80
    "peers",  # fixed columns, whole at 80
    "student_peers",  # fixed columns, empty
    "student_inbox",  # inbox's two lists, empty (inbox is taken large)
}
CASES = [
    (screen, size)
    for screen in SCREENS
    for size in SIZES
    if size == "80x24" or screen not in SAME_AT_ANY_SIZE
]


@pytest.mark.parametrize(("screen", "size"), CASES)
def test_screen(snap_compare, template: Path, tmp_path: Path, screen: str, size: str) -> None:
    who, keys = SCREENS[screen]

    async def go(pilot) -> None:
        await settle(pilot)
        for key in keys:
            await pilot.press(key)
            await settle(pilot)
        # a focused text box's cursor blinks on a timer: shown steadily, so that the picture
        # does not depend on when a busy machine takes it
        for box in pilot.app.screen.query("Input, TextArea"):
            box.cursor_blink = False
        await pilot.pause()

    app = _app(template, tmp_path, who)
    assert snap_compare(app, terminal_size=SIZES[size], run_before=go)
