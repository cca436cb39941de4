"""A student's profile and days off edited in the app by keys round-trip through a real sync
server on 127.0.0.1 to another client (issue 18's "app -> store -> server -> another client"):
the admin's running app sends the change by itself; the mentor's store, logged in after, has
it; a mentor's own zone, windows and contact (`p`, `e`) likewise reach an admin's client."""

from __future__ import annotations

import time

from app_support import type_text
from sqlalchemy import select
from sqlmodel import Session
from textual.widgets import TextArea

from mentor_tui.app.main import MentorApp
from mentor_tui.config import Config
from mentor_tui.core.people.settings import sign_in
from mentor_tui.core.services import Services
from mentor_tui.db.engine import session_scope
from mentor_tui.db.models import MentorProfile, StudentProfile, User
from mentor_tui.db.session_models import StudentAvailability
from mentor_tui.screens.people.days_off import DaysOffScreen
from mentor_tui.screens.people.my_profile import MentorOwnFormScreen, MyProfileScreen
from mentor_tui.screens.people.student_form import StudentFormScreen
from mentor_tui.sync import login, pending_change_count
from mentor_tui.widgets.paged_table import PagedTable
from tests import sync_helpers
from tests.sync_helpers import PASSWORD, Program, ThreadServer

program_template = sync_helpers.program_template  # a fixture
program = sync_helpers.program  # a fixture


async def _line(pilot, name: str, text: str) -> None:
    form = pilot.app.screen
    target = form.query_one(f"#sf-{name}")
    for _ in range(14):
        if form.focused is target:
            break
        await pilot.press("tab")
    if isinstance(target, TextArea):  # the goals: select all, then type line by line
        await pilot.press("f7", "backspace")
        for number, line in enumerate(text.split("\n")):
            if number:
                await pilot.press("enter")
            await type_text(pilot, line)
    else:
        await pilot.press("end", "ctrl+u")
        await type_text(pilot, text)


async def test_the_admins_edit_by_keys_reaches_the_mentors_store(program: Program) -> None:
    h, ids = program.harness, program.ids
    with ThreadServer(h.engine) as server:
        laptop = h.store("laptop")  # the admin's running app syncs it by itself
        login(laptop, server.url, "admin@example.org", PASSWORD)
        with session_scope(laptop) as session:
            actor = sign_in(session, None)
        app = MentorApp(Services(laptop, h.root / "stores" / "laptop.db", Config(), actor))
        async with app.run_test(size=(80, 24)) as pilot:
            await _until(pilot, lambda: app.sync.online is True and not app.sync._running)
            await pilot.press("2")
            await _until(pilot, lambda: app.screen.query_one(PagedTable).cursor_key is not None)
            assert app.screen.query_one(PagedTable).cursor_key == ids["s1"]  # Sam One: first
            await pilot.press("e")
            await _until(pilot, lambda: isinstance(app.screen, StudentFormScreen))
            await _until(pilot, lambda: app.screen._data is not None)
            await _line(pilot, "learning_style", "kinesthetic")
            await _line(pilot, "needed_skills", "generators, asyncio")
            await _line(pilot, "goals", "Write a scraper\nthen a crawler")
            await _line(pilot, "availability", "Thu 18:00-20:00")
            await pilot.press("ctrl+s")
            await _until(pilot, lambda: not isinstance(app.screen, StudentFormScreen))
            await pilot.press("e")
            await _until(pilot, lambda: isinstance(app.screen, StudentFormScreen))
            await _until(pilot, lambda: app.screen._data is not None)
            await pilot.press("ctrl+o")
            await _until(pilot, lambda: isinstance(app.screen, DaysOffScreen))
            await pilot.press("a")
            await type_text(pilot, "2031-01-02")
            await pilot.press("enter")
            await type_text(pilot, "exam")
            await pilot.press("enter")
            await _until(pilot, lambda: bool(app.screen._view and app.screen._view.exceptions))
            # the app sends its changes by itself, a second after the last write
            await _until(pilot, lambda: pending_change_count(laptop) == 0, timeout=20)
        maria = h.store("maria")
        login(maria, server.url, "m1@example.org", PASSWORD)
        with Session(maria) as s:
            profile = s.execute(
                select(StudentProfile).where(StudentProfile.user_id == ids["s1"])
            ).scalar_one()
            assert profile.learning_style == "kinesthetic"
            assert profile.needed_skills == ["generators", "asyncio"]
            assert profile.goals == "Write a scraper\nthen a crawler"  # line breaks kept
            days = s.execute(
                select(StudentAvailability).where(StudentAvailability.student_id == ids["s1"])
            ).scalar_one()
            assert days.exceptions == [{"date": "2031-01-02", "reason": "exam"}]
            assert days.windows == [{"weekday": 3, "start": "18:00", "end": "20:00"}]


async def _until(pilot, condition, timeout: float = 10.0) -> None:
    start = time.monotonic()
    while not condition():
        if time.monotonic() - start > timeout:
            raise AssertionError(f"timed out after {timeout} s")
        await pilot.pause(0.05)


async def test_a_mentors_own_form_reaches_the_admins_store(program: Program) -> None:
    """`p`, `e` on a mentor's dashboard: their zone, windows and contact travel to the
    server by themselves and on to an admin's client."""
    h, ids = program.harness, program.ids
    with ThreadServer(h.engine) as server:
        laptop = h.store("m1-laptop")
        login(laptop, server.url, "m1@example.org", PASSWORD)
        with session_scope(laptop) as session:
            actor = sign_in(session, None)
        app = MentorApp(Services(laptop, h.root / "stores" / "m1-laptop.db", Config(), actor))
        async with app.run_test(size=(80, 24)) as pilot:
            await _until(pilot, lambda: app.sync.online is True and not app.sync._running)
            await pilot.press("p")
            await _until(pilot, lambda: isinstance(app.screen, MyProfileScreen))
            await _until(pilot, lambda: app.screen._summary is not None)
            await pilot.press("e")
            await _until(pilot, lambda: isinstance(app.screen, MentorOwnFormScreen))
            for name, text in [
                ("timezone", "America/Toronto"),
                ("availability", "Tue 18:00-20:00, Sat 09:00-11:00"),
                ("contact", "Signal, email within 48h"),
            ]:
                await pilot.press("end", "ctrl+u")
                await type_text(pilot, text)
                assert app.screen.focused is app.screen.query_one(f"#mo-{name}")
                await pilot.press("enter")  # the next line; on the last one: save
            await _until(pilot, lambda: isinstance(app.screen, MyProfileScreen))
            await _until(pilot, lambda: pending_change_count(laptop) == 0, timeout=20)
        other = h.store("admin-desk")
        login(other, server.url, "admin@example.org", PASSWORD)
        with Session(other) as s:
            mentor = s.get(User, ids["m1"])
            assert mentor is not None and mentor.timezone == "America/Toronto"
            profile = s.execute(
                select(MentorProfile).where(MentorProfile.user_id == ids["m1"])
            ).scalar_one()
            assert profile.availability == [
                {"weekday": 1, "start": "18:00", "end": "20:00"},
                {"weekday": 5, "start": "09:00", "end": "11:00"},
            ]
            assert profile.contact_preferences == ["Signal", "email within 48h"]
