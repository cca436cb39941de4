"""Pilot tests of issue 18's remaining app parts, real keys checked against the store: a
student's profile edited from the students screen (`2`, `e`: an admin every field and
graduation with its date, a mentor their student's needs and goals; a student their own from
their home, `1`, `e`), days off of students (the form's `ctrl+o`) and mentors (`6`, `m`, `d`), and the substitutions under way with the key that keeps
a new pairing (`6`, `m`, `w`, `k`)."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from app_support import (
    ADMIN,
    FROZEN_NOW,
    MENTOR,
    copy_store,
    frozen_clock,  # noqa: F401  (autouse: the clock stands still here)
    services_for,
    settle,
    type_text,
)
from sqlalchemy import select
from textual.widgets import DataTable, Input, TextArea

from mentor_tui.app.main import MentorApp
from mentor_tui.core import clock
from mentor_tui.core.matching.substitution import plan_absence
from mentor_tui.core.people.editing import GRADUATED
from mentor_tui.db.engine import make_engine, session_scope
from mentor_tui.db.models import MentorProfile, StudentProfile, User
from mentor_tui.db.people_models import MentorAbsence
from mentor_tui.db.session_models import StudentAvailability
from mentor_tui.screens.admin.admin import AdminScreen
from mentor_tui.screens.admin.substitutions import SubstitutionsScreen
from mentor_tui.screens.people.days_off import DaysOffScreen
from mentor_tui.screens.people.student_form import StudentFormScreen
from mentor_tui.screens.students.students import StudentsScreen
from mentor_tui.widgets.paged_table import PagedTable

SIZE = (80, 24)


def _app(template: Path, tmp_path: Path, email: str) -> MentorApp:
    return MentorApp(services_for(copy_store(template, tmp_path / "p.db"), email))


async def _field(pilot, name: str, text: str) -> None:
    """Go to the form's line ``name`` with tab, clear it and type ``text``."""
    form = pilot.app.screen
    target = form.query_one(f"#sf-{name}")
    for _ in range(14):
        if form.focused is target:
            break
        await pilot.press("tab")
    assert form.focused is target
    if isinstance(target, TextArea):  # the goals: select all, then type line by line
        await pilot.press("f7", "backspace")
        for number, line in enumerate(text.split("\n")):
            if number:
                await pilot.press("enter")
            await type_text(pilot, line)
    else:
        await pilot.press("end", "ctrl+u")
        await type_text(pilot, text)


async def _students(pilot) -> tuple[StudentsScreen, str]:
    await pilot.press("2")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, StudentsScreen)
    key = screen.query_one(PagedTable).cursor_key
    assert key is not None
    return screen, key


def _student(app: MentorApp, student_id: str) -> tuple[User, StudentProfile]:
    with session_scope(app.services.engine) as s:
        user = s.get(User, student_id)
        profile = s.execute(
            select(StudentProfile).where(StudentProfile.user_id == student_id)
        ).scalar_one()
        s.expunge_all()
        return user, profile


async def test_an_admin_edits_a_student_and_graduates_them(template: Path, tmp_path: Path) -> None:
    app = _app(template, tmp_path, ADMIN)
    async with app.run_test(size=SIZE) as pilot:
        screen, key = await _students(pilot)
        before = screen.query_one(PagedTable).row_count
        await pilot.press("e")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, StudentFormScreen)
        assert not any(b.disabled for b in form.query(Input).results(Input))
        # a bad value is one sentence; the form stays open and nothing is written
        await _field(pilot, "learning_style", "loud")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form
        assert any("loud" in n.message for n in app._notifications)
        assert _student(app, key)[1].learning_style != "loud"
        await _field(pilot, "learning_style", "visual")
        await _field(pilot, "needed_skills", "Rust, SQL")
        await _field(pilot, "timezone", "Asia/Tokyo")
        await _field(pilot, "status", "graduated")
        await pilot.press("enter")  # enter on the last line saves
        await settle(pilot)
        assert isinstance(app.screen, StudentsScreen)
        tokyo_day = clock.to_local(FROZEN_NOW, "Asia/Tokyo").date()
        assert any(f"graduated on {tokyo_day.isoformat()}" in n.message for n in app._notifications)
        # graduated students leave the working list
        assert screen.query_one(PagedTable).row_count == before - 1
    user, profile = _student(app, key)
    assert (user.status, user.timezone) == (GRADUATED, "Asia/Tokyo")
    assert (profile.learning_style, profile.needed_skills) == ("visual", ["Rust", "SQL"])
    assert profile.graduated_on == tokyo_day


async def test_a_mentor_edits_only_needs_and_goals(template: Path, tmp_path: Path) -> None:
    app = _app(template, tmp_path, MENTOR)
    async with app.run_test(size=SIZE) as pilot:
        screen, key = await _students(pilot)
        await pilot.press("e")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, StudentFormScreen)
        await pilot.press("ctrl+o")  # days off are not a mentor's to set for a student
        await settle(pilot)
        assert app.screen is form
        disabled = {b.id for b in form.query(Input).results(Input) if b.disabled}
        # a student's windows are their own and an admin's to set
        assert disabled == {"sf-learning_style", "sf-timezone", "sf-availability", "sf-status"}
        assert not form.query_one("#sf-goals", TextArea).disabled
        old_user, old_profile = _student(app, key)
        await _field(pilot, "goals", "Ship a web app by June\nthen a CLI")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is screen
    user, profile = _student(app, key)
    assert profile.goals == "Ship a web app by June\nthen a CLI"
    assert (user.status, user.timezone) == (old_user.status, old_user.timezone)
    assert profile.learning_style == old_profile.learning_style


async def test_an_admin_marks_and_takes_back_a_students_day_off(
    template: Path, tmp_path: Path
) -> None:
    app = _app(template, tmp_path, ADMIN)
    async with app.run_test(size=SIZE) as pilot:
        _, key = await _students(pilot)
        await pilot.press("e")
        await settle(pilot)
        await pilot.press("ctrl+o")
        await settle(pilot)
        assert isinstance(app.screen, DaysOffScreen)
        await pilot.press("a")
        await type_text(pilot, "2026-03-99")
        await pilot.press("enter")
        await type_text(pilot, "holiday")
        await pilot.press("enter")
        await settle(pilot)
        assert any("is not a date" in n.message for n in app._notifications)
        await pilot.press("shift+tab", "ctrl+u")
        await type_text(pilot, "2026-03-09")
        await pilot.press("enter", "enter")  # the reason is still typed
        await settle(pilot)
        with session_scope(app.services.engine) as s:
            row = s.execute(
                select(StudentAvailability).where(StudentAvailability.student_id == key)
            ).scalar_one()
            assert row.exceptions == [{"date": "2026-03-09", "reason": "holiday"}]
        table = app.screen.query_one("#days-off-table", DataTable)
        assert table.row_count == 1 and app.screen.focused is table
        await pilot.press("x")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert table.row_count == 0
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, StudentFormScreen)
    with session_scope(app.services.engine) as s:
        row = s.execute(
            select(StudentAvailability).where(StudentAvailability.student_id == key)
        ).scalar_one()
        assert row.exceptions == []


async def test_an_admin_marks_a_mentors_day_off(template: Path, tmp_path: Path) -> None:
    app = _app(template, tmp_path, ADMIN)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("6")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, AdminScreen)
        await pilot.press("m")
        await settle(pilot)
        mentor = screen._mentors[0]
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(app.screen, DaysOffScreen)
        await pilot.press("a")
        await type_text(pilot, "2026-03-20")
        await pilot.press("enter")
        await type_text(pilot, "sick day")
        await pilot.press("enter")
        await settle(pilot)
    with session_scope(app.services.engine) as s:
        profile = s.execute(
            select(MentorProfile).where(MentorProfile.user_id == mentor.id)
        ).scalar_one()
        assert profile.availability_exceptions == [{"date": "2026-03-20", "reason": "sick day"}]


def _away(app: MentorApp) -> tuple[str, list[str]]:
    """The demo mentor is away from today; their students are with substitutes."""
    with session_scope(app.services.engine) as s:
        view = plan_absence(
            s,
            app.services.actor,
            MENTOR,
            starts_on=date(2026, 3, 2),
            ends_on=date(2026, 3, 6),
            reason="conference",
            config=app.services.config,
        )
        return view.id, [k for k, v in view.moves.items() if v]


async def test_an_admin_keeps_a_substitute_pairing(template: Path, tmp_path: Path) -> None:
    app = _app(template, tmp_path, ADMIN)
    absence_id, moved = _away(app)
    assert moved
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("6")
        await settle(pilot)
        await pilot.press("m", "w")
        await settle(pilot)
        subs = app.screen
        assert isinstance(subs, SubstitutionsScreen)
        table = subs.query_one("#subs-table", DataTable)
        assert table.row_count == len(subs._rows) >= len(moved)
        first = next(r for r in subs._rows if r.with_substitute)
        table.move_cursor(row=subs._rows.index(first))
        await pilot.press("k")
        await settle(pilot)
        await pilot.press("n")  # asked first: no keeps nothing
        await settle(pilot)
        with session_scope(app.services.engine) as s:
            assert s.get(MentorAbsence, absence_id).kept == []
        await pilot.press("k")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert app.screen is subs
        assert subs._rows[table.cursor_row].kept
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, AdminScreen)
    with session_scope(app.services.engine) as s:
        assert s.get(MentorAbsence, absence_id).kept == [first.student_id]


async def test_a_student_edits_their_own_profile_and_days_off(
    template: Path, tmp_path: Path
) -> None:
    path = copy_store(template, tmp_path / "st.db")
    with session_scope(make_engine(path)) as s:
        email = s.execute(
            select(User.email).where(User.role == "student", User.status == "Active").limit(1)
        ).scalar_one()
    app = MentorApp(services_for(path, email))
    me = app.services.actor
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, StudentFormScreen)
        disabled = {b.id for b in form.query(Input).results(Input) if b.disabled}
        assert disabled == {"sf-status"}
        await _field(pilot, "timezone", "Pacific/Auckland")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is not form
        await pilot.press("e")
        await settle(pilot)
        await pilot.press("ctrl+o")
        await settle(pilot)
        assert isinstance(app.screen, DaysOffScreen)
        await pilot.press("a")
        await type_text(pilot, "2026-03-10")
        await pilot.press("enter", "enter")
        await settle(pilot)
    user, _ = _student(app, me.id)
    assert user.timezone == "Pacific/Auckland"
    with session_scope(app.services.engine) as s:
        row = s.execute(
            select(StudentAvailability).where(StudentAvailability.student_id == me.id)
        ).scalar_one()
        assert row.exceptions == [{"date": "2026-03-10", "reason": ""}]


async def test_an_admins_app_starts_and_ends_a_substitution_on_its_days(
    template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The clock moved: an absence planned for tomorrow starts when the admin's app opens on
    that day (the students are with substitutes in the substitutions screen) and ends, with
    the students back, at the upkeep's run after its last day."""
    now = [FROZEN_NOW]
    monkeypatch.setattr(clock, "now", lambda: now[0])
    app = _app(template, tmp_path, ADMIN)
    with session_scope(app.services.engine) as s:
        absence_id = plan_absence(
            s,
            app.services.actor,
            MENTOR,
            starts_on=date(2026, 3, 3),
            ends_on=date(2026, 3, 4),
            config=app.services.config,
        ).id
        mentor_id = s.execute(select(User.id).where(User.email == MENTOR)).scalar_one()
        theirs = set(
            s.execute(
                select(User.id).where(User.mentor_id == mentor_id, User.status == "Active")
            ).scalars()
        )

    def state() -> str:
        with session_scope(app.services.engine) as s:
            return s.get(MentorAbsence, absence_id).state

    def still_theirs() -> set[str]:
        with session_scope(app.services.engine) as s:
            return set(
                s.execute(
                    select(User.id).where(User.mentor_id == mentor_id, User.status == "Active")
                ).scalars()
            )

    assert state() == "planned" and theirs
    now[0] = FROZEN_NOW + timedelta(days=1)  # the first day away
    app.services.reminders = True
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await _until_true(pilot, lambda: app.reminders.runs >= 1)
        assert state() == "active" and still_theirs() == set()
        await pilot.press("6")
        await settle(pilot)
        await pilot.press("m", "w")
        await settle(pilot)
        subs = app.screen
        assert isinstance(subs, SubstitutionsScreen)
        assert {r.student_id for r in subs._rows} == theirs
        now[0] = FROZEN_NOW + timedelta(days=3)  # the day after the last
        runs = app.reminders.runs
        app.reminders.run_now()
        await _until_true(pilot, lambda: app.reminders.runs > runs)
        assert state() == "ended" and still_theirs() == theirs


async def _until_true(pilot, condition, timeout: float = 20.0) -> None:
    for _ in range(int(timeout / 0.05)):
        if condition():
            return
        await pilot.pause(0.05)
    raise AssertionError("timed out")
