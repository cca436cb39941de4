"""Names are data: markup-looking text shows literally and control characters never reach the
terminal, on every screen that shows a name."""

from __future__ import annotations

from pathlib import Path

import factory
import pytest
from app_support import ADMIN, MENTOR, copy_store, services_for, settle
from sqlalchemy import select

from mentor_tui.app.main import MentorApp
from mentor_tui.db.engine import session_scope
from mentor_tui.db.models import User

HOSTILE = [
    "[bold]Eve[/bold]",
    "[@click=app.quit]Mallory[/]",
    "[link=https://x]y[/link]",
    "Osc\x1b]8;;https://evil.example\x07Trudy\x1b]8;;\x07",
    "Csi\x1b[2J\x9bWipe",
]
SHOWN = [
    "[bold]Eve[/bold]",
    "[@click=app.quit]Mallory[/]",
    "[link=https://x]y[/link]",
    "Osc\N{REPLACEMENT CHARACTER}]8;;https://evil.example\N{REPLACEMENT CHARACTER}Trudy",
    "Csi\N{REPLACEMENT CHARACTER}[2J\N{REPLACEMENT CHARACTER}Wipe",
]


def _add_hostile_students(path: Path) -> list[str]:
    services = services_for(path, None)
    ids = []
    with session_scope(services.engine) as session:
        mentor = session.execute(select(User).where(User.email == MENTOR)).scalar_one()
        for n, name in enumerate(HOSTILE):
            student = factory.user(
                session, name, role="student", email=f"hostile{n}@example.org", mentor=mentor
            )
            ids.append(student.id)
    services.engine.dispose()
    return ids


def _screen_text(app: MentorApp) -> str:
    return app.export_screenshot().replace("&#160;", " ").replace("&amp;", "&")


@pytest.mark.parametrize("email", [MENTOR, ADMIN])
async def test_hostile_names_on_the_students_list(template: Path, tmp_path: Path, email) -> None:
    path = copy_store(template, tmp_path / "h.db")
    _add_hostile_students(path)
    app = MentorApp(services_for(path, email))
    async with app.run_test(size=(160, 60)) as pilot:
        await pilot.press("2")
        await settle(pilot)
        await pilot.press("slash")
        for key in "hostile":
            await pilot.press(key)  # every hostile email contains it, so they are on screen
        await settle(pilot)
        screen = _screen_text(app)
        for shown in SHOWN:
            assert shown.split("\N{REPLACEMENT CHARACTER}")[0] in screen
        assert "\x1b" not in screen and "\x9b" not in screen and "\x07" not in screen
        assert app.is_running  # the [@click=app.quit] name did not quit the app
        await pilot.press("1")
        await settle(pilot)
        dashboard = _screen_text(app)
        assert "\x1b" not in dashboard and "\x9b" not in dashboard and "\x07" not in dashboard


async def test_hostile_names_in_the_student_view_and_status(template: Path, tmp_path: Path) -> None:
    path = copy_store(template, tmp_path / "h.db")
    ids = _add_hostile_students(path)
    from mentor_tui.screens.students.student_view import StudentViewScreen

    app = MentorApp(services_for(path, MENTOR))
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot)
        for student_id, shown in zip(ids, SHOWN, strict=True):
            app.push_screen(StudentViewScreen(student_id))
            await settle(pilot)
            header = str(app.screen.query_one("#student-header").render())
            assert shown in header
            assert "\x1b" not in header
            await pilot.press("escape")
            await settle(pilot)
        assert app.is_running
