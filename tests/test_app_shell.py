"""Pilot tests of the app shell: first run, global keys, help, palette, status bar."""

from __future__ import annotations

from pathlib import Path

from app_support import ADMIN, MENTOR, copy_store, services_for, settle, type_text
from sqlalchemy import func, select

from mentor_tui.app.main import MentorApp
from mentor_tui.db.engine import session_scope
from mentor_tui.db.models import AuditEntry, User


async def test_first_run_creates_the_admin_and_signs_in(tmp_path: Path) -> None:
    services = services_for(tmp_path / "empty.db", None)
    app = MentorApp(services)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert type(app.screen).__name__ == "FirstRunScreen"
        await type_text(pilot, "Ada Lovelace")
        await pilot.press("enter")
        await type_text(pilot, "Ada@Example.org")
        await pilot.press("enter")  # timezone keeps its UTC default
        await pilot.press("enter")
        await settle(pilot)
        assert type(app.screen).__name__ == "DashboardScreen"
        assert services.actor is not None and services.actor.role == "admin"
    with session_scope(services.engine) as session:
        admins = session.execute(select(User).where(User.role == "admin")).scalars().all()
        assert [(u.full_name, u.email) for u in admins] == [("Ada Lovelace", "ada@example.org")]
        audited = session.execute(select(func.count()).select_from(AuditEntry)).scalar_one()
        assert audited >= 1


async def test_first_run_refuses_a_bad_email_and_writes_nothing(tmp_path: Path) -> None:
    services = services_for(tmp_path / "empty.db", None)
    app = MentorApp(services)
    async with app.run_test(size=(120, 40)) as pilot:
        await type_text(pilot, "Ada")
        await pilot.press("enter")
        await type_text(pilot, "not-an-email")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert type(app.screen).__name__ == "FirstRunScreen"
        error = str(app.screen.query_one("#first-run-error").render())
        assert "email" in error.lower()
    with session_scope(services.engine) as session:
        assert session.execute(select(func.count()).select_from(User)).scalar_one() == 0


async def test_number_keys_switch_areas_and_help_lists_the_screen_keys(
    template: Path, tmp_path: Path
) -> None:
    services = services_for(copy_store(template, tmp_path / "m.db"), MENTOR)
    app = MentorApp(services)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert type(app.screen).__name__ == "DashboardScreen"
        await pilot.press("2")
        await settle(pilot)
        assert type(app.screen).__name__ == "StudentsScreen"
        await pilot.press("question_mark")
        await settle(pilot)
        help_screen = app.screen
        assert type(help_screen).__name__ == "HelpScreen"
        described = {description for _key, description in help_screen.key_rows()}
        assert {"Filter", "Dashboard", "Students", "Quit"} <= described
        await pilot.press("escape")
        await pilot.press("1")
        await settle(pilot)
        assert type(app.screen).__name__ == "DashboardScreen"


async def test_admin_area_keys_for_unbuilt_screens_are_absent(
    template: Path, tmp_path: Path
) -> None:
    services = services_for(copy_store(template, tmp_path / "a.db"), ADMIN)
    app = MentorApp(services)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        keys = {active.binding.key for active in app.screen.active_bindings.values()}
        assert {"1", "2"} <= keys
        palette = [cmd.title for cmd in app.get_system_commands(app.screen)]
        assert "Students" in palette and "Dashboard" in palette


async def test_status_bar_shows_who_and_pending_changes(template: Path, tmp_path: Path) -> None:
    services = services_for(copy_store(template, tmp_path / "m.db"), MENTOR)
    app = MentorApp(services)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        bar = app.screen.query_one("#status-bar")
        user = str(bar.query_one("#status-user").render())
        store = str(bar.query_one("#status-store").render())
        assert MENTOR in user and "mentor" in user
        assert services.pending_changes() == 0  # a fresh demo has nothing waiting to sync
        assert store.endswith(" · 0 local changes")


async def test_local_change_count_is_exact_after_a_write_by_keys(
    template: Path, tmp_path: Path, monkeypatch
) -> None:
    from app_support import FROZEN_NOW

    from mentor_tui.core import clock

    monkeypatch.setattr(clock, "now", lambda: FROZEN_NOW)
    services = services_for(copy_store(template, tmp_path / "m.db"), MENTOR)
    assert services.pending_changes() == 0
    app = MentorApp(services)
    async with app.run_test(size=(130, 40)) as pilot:
        await settle(pilot)
        await pilot.press("5")  # calendar, then a new session for the first student
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        await pilot.press("space")
        await pilot.press("tab")
        await pilot.press("end")
        await pilot.press("ctrl+u")
        await type_text(pilot, "2026-03-20 10:00")
        await pilot.press("ctrl+s")
        await settle(pilot)
        await settle(pilot)
        written = services.pending_changes()
        assert written > 0
        store = str(app.screen.query_one("#status-store").render())
        assert store.endswith(f" · {written} local changes"), store
