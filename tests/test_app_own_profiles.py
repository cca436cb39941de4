"""Pilot tests of issue 18's own-profile forms, real keys checked against the store: a mentor
edits their own time zone, weekly windows and contact preferences from their profile (`1`,
`p`, `e`), a student their own windows and several-line goals (`1`, `e`); a refused line
(an unknown zone, overlapping windows, a window that ends before it starts) is one sentence
with nothing written, not even the other lines; goals keep their line breaks when shown."""

from __future__ import annotations

from pathlib import Path

from app_support import (
    ADMIN,
    MENTOR,
    copy_store,
    frozen_clock,  # noqa: F401  (autouse: the clock stands still here)
    services_for,
    settle,
    type_text,
)
from sqlalchemy import select
from textual.widgets import Input, Static, TextArea

from mentor_tui.app.main import MentorApp
from mentor_tui.db.engine import make_engine, session_scope
from mentor_tui.db.models import JournalEntry, MentorProfile, StudentProfile, User
from mentor_tui.db.session_models import StudentAvailability
from mentor_tui.screens.people.my_profile import MentorOwnFormScreen, MyProfileScreen
from mentor_tui.screens.people.student_form import StudentFormScreen
from mentor_tui.screens.students.student_view import StudentViewScreen

SIZE = (80, 24)


async def _line(pilot, widget_id: str, text: str) -> None:
    """Tab to the form's line ``widget_id``, clear it and type ``text`` (enter between the
    lines of a several-line box)."""
    form = pilot.app.screen
    target = form.query_one(f"#{widget_id}")
    for _ in range(14):
        if form.focused is target:
            break
        await pilot.press("tab")
    assert form.focused is target
    if isinstance(target, TextArea):
        await pilot.press("f7", "backspace")  # select all, delete
        for number, line in enumerate(text.split("\n")):
            if number:
                await pilot.press("enter")
            await type_text(pilot, line)
    else:
        await pilot.press("end", "ctrl+u")
        await type_text(pilot, text)


def _mentor(app: MentorApp) -> tuple[User, MentorProfile, int]:
    me = app.services.actor
    assert me is not None
    with session_scope(app.services.engine) as s:
        user = s.get(User, me.id)
        profile = s.execute(
            select(MentorProfile).where(MentorProfile.user_id == me.id)
        ).scalar_one()
        journal = len(s.execute(select(JournalEntry.seq)).all())
        s.expunge_all()
    assert user is not None
    return user, profile, journal


async def _save_refused(pilot, form, word: str) -> None:
    await pilot.press("ctrl+s")
    await settle(pilot)
    assert pilot.app.screen is form
    assert any(word in n.message for n in pilot.app._notifications)
    pilot.app.clear_notifications()


async def test_a_mentor_edits_their_own_zone_windows_and_contact(
    template: Path, tmp_path: Path
) -> None:
    app = MentorApp(services_for(copy_store(template, tmp_path / "m.db"), MENTOR))
    before, old_profile, journal = _mentor(app)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("p")
        await settle(pilot)
        profile_screen = app.screen
        assert isinstance(profile_screen, MyProfileScreen)
        await pilot.press("e")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, MentorOwnFormScreen)
        await _line(pilot, "mo-timezone", "Mars/Olympus")
        await _save_refused(pilot, form, "Mars/Olympus")
        await _line(pilot, "mo-timezone", "Asia/Tokyo")
        await _line(pilot, "mo-availability", "Mon 09:00-12:00, mon 11:00-13:00")
        await _save_refused(pilot, form, "Two availability windows overlap on Mon.")
        assert _mentor(app) == (before, old_profile, journal)  # not even the zone
        await _line(pilot, "mo-availability", "Wed 14:00-12:00")
        await _save_refused(pilot, form, "ends before it starts")
        await _line(pilot, "mo-availability", "Wed 14:00-16:00, Mon 09:00-12:00")
        await _line(pilot, "mo-contact", "email within 24h, Slack")
        await pilot.press("enter")  # enter on the last line saves
        await settle(pilot)
        assert app.screen is profile_screen
        shown = str(profile_screen.query_one("#my-profile-body", Static).content)
        assert "Asia/Tokyo" in shown and "Mon 09:00-12:00, Wed 14:00-16:00" in shown
        assert "email within 24h, Slack" in shown
        assert app.services.actor.timezone == "Asia/Tokyo"  # local times in the new zone
    user, profile, after = _mentor(app)
    assert user.timezone == "Asia/Tokyo"
    assert profile.availability == [
        {"weekday": 0, "start": "09:00", "end": "12:00"},
        {"weekday": 2, "start": "14:00", "end": "16:00"},
    ]
    assert profile.contact_preferences == ["email within 24h", "Slack"]
    assert profile.capacity == old_profile.capacity  # nothing else of theirs changed
    assert after > journal  # written through the change journal, so it syncs
    with session_scope(app.services.engine) as s:
        entities = set(
            s.execute(select(JournalEntry.entity).where(JournalEntry.seq > journal)).scalars()
        )
    assert entities == {"users", "mentor_profiles"}


async def test_an_admin_has_no_profile_key(template: Path, tmp_path: Path) -> None:
    app = MentorApp(services_for(copy_store(template, tmp_path / "a.db"), ADMIN))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        home = app.screen
        assert home.check_action("my_profile", ()) is False
        await pilot.press("p")
        await settle(pilot)
        assert app.screen is home


def _a_student(path: Path) -> str:
    engine = make_engine(path)
    try:
        with session_scope(engine) as s:
            query = select(User.email).where(User.role == "student", User.status == "Active")
            return s.execute(query.order_by(User.email).limit(1)).scalar_one()
    finally:
        engine.dispose()


def _student_rows(app: MentorApp, student_id: str) -> tuple[str, str, list]:
    with session_scope(app.services.engine) as s:
        user = s.get(User, student_id)
        assert user is not None
        goals = s.execute(
            select(StudentProfile.goals).where(StudentProfile.user_id == student_id)
        ).scalar_one()
        windows = s.execute(
            select(StudentAvailability.windows).where(StudentAvailability.student_id == student_id)
        ).scalar_one_or_none()
        return user.timezone, goals, windows or []


async def test_a_student_edits_their_own_windows_and_goals_of_several_lines(
    template: Path, tmp_path: Path
) -> None:
    path = copy_store(template, tmp_path / "st.db")
    app = MentorApp(services_for(path, _a_student(path)))
    me = app.services.actor
    assert me is not None
    before = _student_rows(app, me.id)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, StudentFormScreen)
        assert not form.query_one("#sf-availability", Input).disabled
        await _line(pilot, "sf-goals", "Ship a web app\nLearn SQL joins")
        await _line(pilot, "sf-timezone", "Europe/Lisbon")
        await _line(pilot, "sf-availability", "Tue 19:00-18:00")
        await _save_refused(pilot, form, "ends before it starts")
        assert _student_rows(app, me.id) == before  # nor the goals, nor the zone
        await _line(pilot, "sf-availability", "Tue 19:00-21:00, Sat 10:00-12:00")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is not form
        assert app.services.actor.timezone == "Europe/Lisbon"
        await pilot.press("e")  # opened again: the goals keep their lines
        await settle(pilot)
        assert app.screen.query_one("#sf-goals", TextArea).text == "Ship a web app\nLearn SQL joins"
    zone, goals, windows = _student_rows(app, me.id)
    assert (zone, goals) == ("Europe/Lisbon", "Ship a web app\nLearn SQL joins")
    assert windows == [
        {"weekday": 1, "start": "19:00", "end": "21:00"},
        {"weekday": 5, "start": "10:00", "end": "12:00"},
    ]


async def test_a_mentor_sees_a_students_goals_line_by_line(template: Path, tmp_path: Path) -> None:
    app = MentorApp(services_for(copy_store(template, tmp_path / "g.db"), MENTOR))
    me = app.services.actor
    assert me is not None
    with session_scope(app.services.engine) as s:
        student = s.execute(
            select(User).where(User.mentor_id == me.id, User.status == "Active").limit(1)
        ).scalar_one()
        profile = s.execute(
            select(StudentProfile).where(StudentProfile.user_id == student.id)
        ).scalar_one()
        profile.goals = "Finish the capstone\nPass the \x1b[31mSQL quiz"  # as a sync brought it
        student_id = student.id
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.push_screen(StudentViewScreen(student_id))
        await settle(pilot)
        shown = str(app.screen.query_one("#figures", Static).content)
    assert "Finish the capstone\n" + " " * 24 + "Pass the" in shown
    assert "\x1b" not in shown
