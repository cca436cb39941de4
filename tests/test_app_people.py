"""Pilot tests of issue 18 in the app: the admin edits a mentor's specializations, windows and
contact preferences in the mentor form (`6`, `m`, `e`), and the program's settings on the
settings screen (`6`, `S`); real keys, checked against the store."""

from __future__ import annotations

import json
from pathlib import Path

from app_support import (
    ADMIN,
    copy_store,
    frozen_clock,  # noqa: F401  (autouse: the clock stands still here)
    services_for,
    settle,
    type_text,
)
from sqlalchemy import select
from textual.widgets import DataTable, Input

from mentor_tui.app.main import MentorApp
from mentor_tui.db.engine import session_scope
from mentor_tui.db.models import MentorProfile, MentorSpecialization
from mentor_tui.db.people_models import ProgramSetting
from mentor_tui.screens.admin.admin import AdminScreen
from mentor_tui.screens.admin.mentor_form import MentorFormScreen
from mentor_tui.screens.admin.settings import SettingsScreen

SIZE = (130, 40)


def _admin_app(template: Path, tmp_path: Path) -> MentorApp:
    return MentorApp(services_for(copy_store(template, tmp_path / "a.db"), ADMIN))


async def _replace(pilot, field: str, text: str) -> None:
    """Go to the form's ``field`` with tab, clear it and type ``text``."""
    form = pilot.app.screen
    target = form.query_one(f"#mf-{field}", Input)
    for _ in range(20):
        if form.focused is target:
            break
        await pilot.press("tab")
    assert form.focused is target
    await pilot.press("end", "ctrl+u")
    await type_text(pilot, text)


async def test_the_admin_edits_specializations_windows_and_contact_in_the_form(
    template: Path, tmp_path: Path
) -> None:
    app = _admin_app(template, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("6")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, AdminScreen)
        await pilot.press("m")
        await settle(pilot)
        mentor = screen._mentors[0]
        await pilot.press("e")
        await settle(pilot)
        assert isinstance(app.screen, MentorFormScreen)
        await _replace(pilot, "specializations", "Rust:4 verified, Go:2")
        await _replace(pilot, "availability", "Mon 09:00-12:00, Thu 14:00-15:30")
        await _replace(pilot, "contact", "email; replies within a day")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, AdminScreen)
        # a bad window is one sentence; the form stays open and nothing is saved
        await pilot.press("e")
        await settle(pilot)
        await _replace(pilot, "availability", "Mon 12:00-09:00")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, MentorFormScreen)
        assert any("ends before it starts" in n.message for n in app._notifications)
        await pilot.press("escape")
        await settle(pilot)
    with session_scope(app.services.engine) as s:
        profile = s.execute(
            select(MentorProfile).where(MentorProfile.user_id == mentor.id)
        ).scalar_one()
        assert profile.availability == [
            {"weekday": 0, "start": "09:00", "end": "12:00"},
            {"weekday": 3, "start": "14:00", "end": "15:30"},
        ]
        assert profile.contact_preferences == ["email", "replies within a day"]
        specs = {
            (r.specialization, r.proficiency_level, r.verified)
            for r in s.execute(
                select(MentorSpecialization).where(
                    MentorSpecialization.mentor_id == mentor.id,
                    MentorSpecialization.deleted_at.is_(None),
                )
            ).scalars()
        }
        assert specs == {("Rust", 4, True), ("Go", 2, False)}


async def test_the_admin_changes_a_program_setting_on_the_settings_screen(
    template: Path, tmp_path: Path
) -> None:
    app = _admin_app(template, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("6")
        await settle(pilot)
        await pilot.press("S")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, SettingsScreen)
        table = screen.query_one("#settings-table", DataTable)
        assert table.row_count == 20
        await pilot.press("down")  # assignment_review_sla_hours
        await pilot.press("enter")
        await settle(pilot)
        box = screen.query_one("#settings-value", Input)
        assert screen.focused is box and box.value == "48"
        await pilot.press("ctrl+u")
        await type_text(pilot, "soon")
        await pilot.press("enter")
        await settle(pilot)
        assert any("must be a whole number, not 'soon'" in n.message for n in app._notifications)
        await pilot.press("ctrl+u")
        await type_text(pilot, "24")
        await pilot.press("enter")
        await settle(pilot)
        assert screen.focused is table
        assert app.services.config.assignment_review_sla_hours == 24
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, AdminScreen)
    with session_scope(app.services.engine) as s:
        rows = s.execute(select(ProgramSetting)).scalars().all()
        assert [(r.key, json.loads(r.value)) for r in rows] == [("assignment_review_sla_hours", 24)]
