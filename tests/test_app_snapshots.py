"""Snapshots of each screen on a deterministic demo store with a frozen clock.

Review changes with `pytest --snapshot-report` before `--snapshot-update`.
"""

from __future__ import annotations

from pathlib import Path

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
from mentor_tui.db.engine import session_scope
from mentor_tui.db.models import User

SIZE = (130, 40)


def _app(template: Path, tmp_path: Path, email: str | None) -> MentorApp:
    path = copy_store(template, tmp_path / "s.db") if email else tmp_path / "empty.db"
    return MentorApp(services_for(path, email))


def test_first_run_screen(snap_compare, tmp_path: Path) -> None:
    async def go(pilot) -> None:
        await settle(pilot)
        # the focused line's cursor blinks on a timer: steady, so the picture does not depend
        # on when a busy machine takes it (it failed once, taken mid-blink)
        for box in pilot.app.screen.query("Input"):
            box.cursor_blink = False
        await pilot.pause()

    assert snap_compare(_app(tmp_path, tmp_path, None), terminal_size=SIZE, run_before=go)


def test_mentor_dashboard(snap_compare, template: Path, tmp_path: Path) -> None:
    assert snap_compare(_app(template, tmp_path, MENTOR), terminal_size=SIZE, run_before=settle)


def test_admin_dashboard(snap_compare, template: Path, tmp_path: Path) -> None:
    assert snap_compare(_app(template, tmp_path, ADMIN), terminal_size=SIZE, run_before=settle)


def test_students_list(snap_compare, template: Path, tmp_path: Path) -> None:
    async def go(pilot) -> None:
        await pilot.press("2")
        await settle(pilot)

    assert snap_compare(_app(template, tmp_path, MENTOR), terminal_size=SIZE, run_before=go)


def test_student_view(snap_compare, template: Path, tmp_path: Path) -> None:
    app = _app(template, tmp_path, MENTOR)
    with session_scope(app.services.engine) as session:
        mentor = session.execute(select(User).where(User.email == MENTOR)).scalar_one()
        first = (
            session.execute(
                select(User.id).where(User.mentor_id == mentor.id).order_by(User.full_name)
            )
            .scalars()
            .first()
        )

    async def go(pilot) -> None:
        from mentor_tui.screens.students.student_view import StudentViewScreen

        await settle(pilot)
        pilot.app.push_screen(StudentViewScreen(first))
        await settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=go)


def test_help_on_the_students_screen(snap_compare, template: Path, tmp_path: Path) -> None:
    async def go(pilot) -> None:
        await pilot.press("2")
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)

    assert snap_compare(_app(template, tmp_path, MENTOR), terminal_size=SIZE, run_before=go)


def test_notification_preferences_at_80x24(snap_compare, template: Path, tmp_path: Path) -> None:
    async def go(pilot) -> None:
        await pilot.press("7")
        await settle(pilot)
        await pilot.press("P")
        await settle(pilot)

    assert snap_compare(_app(template, tmp_path, MENTOR), terminal_size=(80, 24), run_before=go)
