"""Snapshots at 80x24 of issue 18's app parts: the student form (an admin's, a mentor's with
the lines only an admin changes greyed), days off and the substitutions under way. Review
changes with `pytest --snapshot-report` before `--snapshot-update`."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from app_support import (
    ADMIN,
    MENTOR,
    copy_store,
    frozen_clock,  # noqa: F401  (autouse: the clock stands still here)
    services_for,
    settle,
)

from mentor_tui.app.main import MentorApp
from mentor_tui.core.matching.substitution import plan_absence
from mentor_tui.core.people.windows import add_exception
from mentor_tui.db.engine import session_scope

SIZE = (80, 24)


def _app(template: Path, tmp_path: Path, email: str) -> MentorApp:
    return MentorApp(services_for(copy_store(template, tmp_path / "s.db"), email))


def test_student_form_of_an_admin(snap_compare, template: Path, tmp_path: Path) -> None:
    async def go(pilot) -> None:
        await pilot.press("2")
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)

    assert snap_compare(_app(template, tmp_path, ADMIN), terminal_size=SIZE, run_before=go)


def test_student_form_of_a_mentor(snap_compare, template: Path, tmp_path: Path) -> None:
    async def go(pilot) -> None:
        await pilot.press("2")
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)

    assert snap_compare(_app(template, tmp_path, MENTOR), terminal_size=SIZE, run_before=go)


def test_days_off_of_a_mentor(snap_compare, template: Path, tmp_path: Path) -> None:
    app = _app(template, tmp_path, ADMIN)
    with session_scope(app.services.engine) as s:
        for day, reason in ((date(2026, 3, 9), "holiday"), (date(2026, 4, 1), "sick day")):
            add_exception(
                s, app.services.actor, MENTOR, day, reason=reason, config=app.services.config
            )

    async def go(pilot) -> None:
        await pilot.press("6")
        await settle(pilot)
        await pilot.press("m")
        await settle(pilot)
        await pilot.press("d")
        await settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=go)


def test_substitutions_under_way(snap_compare, template: Path, tmp_path: Path) -> None:
    app = _app(template, tmp_path, ADMIN)
    with session_scope(app.services.engine) as s:
        plan_absence(
            s,
            app.services.actor,
            MENTOR,
            starts_on=date(2026, 3, 2),
            ends_on=date(2026, 3, 6),
            reason="conference",
            config=app.services.config,
        )

    async def go(pilot) -> None:
        await pilot.press("6")
        await settle(pilot)
        await pilot.press("m", "w")
        await settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=go)


def test_students_list_of_an_admin_at_80x24(snap_compare, template: Path, tmp_path: Path) -> None:
    async def go(pilot) -> None:
        await pilot.press("2")
        await settle(pilot)

    assert snap_compare(_app(template, tmp_path, ADMIN), terminal_size=SIZE, run_before=go)


def test_mentors_pane_at_80x24(snap_compare, template: Path, tmp_path: Path) -> None:
    async def go(pilot) -> None:
        await pilot.press("6")
        await settle(pilot)
        await pilot.press("m")
        await settle(pilot)

    assert snap_compare(_app(template, tmp_path, ADMIN), terminal_size=SIZE, run_before=go)
