"""The calendar (key `5`): sessions created, moved, cancelled and followed up by real keys,
checked in the store; snapshots of the month, week and agenda views on a frozen clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from app_support import (
    FROZEN_NOW,
    MENTOR,
    copy_store,
    frozen_clock,  # noqa: F401  (autouse: the clock stands still here)
    services_for,
    settle,
    type_text,
)
from sqlalchemy import func, select

from mentor_tui.app.main import MentorApp
from mentor_tui.core import clock
from mentor_tui.core.sessions.scheduling import schedule_session
from mentor_tui.core.sessions.slots import find_free_slots
from mentor_tui.core.sessions.templates import list_templates, save_template
from mentor_tui.core.sessions.views import SessionView, list_sessions
from mentor_tui.db.engine import session_scope
from mentor_tui.db.models import MentorshipNote, MentorshipSession, SessionAttendee, User
from mentor_tui.screens.calendar.session_followup import SessionFollowupModal
from mentor_tui.screens.calendar.session_form import SessionFormModal

SIZE = (130, 40)


def _services(template: Path, tmp_path: Path):
    return services_for(copy_store(template, tmp_path / "c.db"), MENTOR)


def _first_student(services) -> User:
    """The first of the mentor's students by name: the one the form's list highlights first."""
    with session_scope(services.engine) as s:
        return (
            s.execute(
                select(User)
                .where(User.mentor_id == services.actor.id, User.deleted_at.is_(None))
                .order_by(func.lower(User.full_name))
            )
            .scalars()
            .first()
        )


def _session_count(services) -> int:
    with session_scope(services.engine) as s:
        return s.execute(select(func.count()).select_from(MentorshipSession)).scalar_one()


def _sessions_of(services, student_id: str) -> list[MentorshipSession]:
    with session_scope(services.engine) as s:
        return list(
            s.execute(
                select(MentorshipSession)
                .join(SessionAttendee, SessionAttendee.session_id == MentorshipSession.id)
                .where(SessionAttendee.student_id == student_id)
                .order_by(MentorshipSession.created_at)
            ).scalars()
        )


def _next_scheduled(s, actor) -> SessionView:
    """The first scheduled session not over yet: the one the calendar highlights."""
    return next(v for v in list_sessions(s, actor, start=FROZEN_NOW) if v.status == "scheduled")


async def _open_calendar(pilot) -> None:
    await pilot.press("5")
    await settle(pilot)
    assert type(pilot.app.screen).__name__ == "CalendarScreen"


async def _replace(pilot, text: str) -> None:
    await pilot.press("end")
    await pilot.press("ctrl+u")
    await type_text(pilot, text)


async def test_create_a_session_by_keys(template: Path, tmp_path: Path) -> None:
    services = _services(template, tmp_path)
    student = _first_student(services)
    app = MentorApp(services)
    async with app.run_test(size=SIZE) as pilot:
        await _open_calendar(pilot)
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, SessionFormModal)
        await pilot.press("space")  # picks the highlighted (first) student
        await pilot.press("tab")  # the start
        await _replace(pilot, "2026-03-10 09:00")  # Asia/Manila, UTC+8
        await pilot.press("tab")
        await _replace(pilot, "45")
        await pilot.press("tab")
        await type_text(pilot, "Portfolio review")
        await pilot.press("tab")
        await type_text(pilot, "https://meet.example.org/abc")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert type(app.screen).__name__ == "CalendarScreen"
    rows = _sessions_of(services, student.id)
    row = rows[-1]
    assert row.title == "Portfolio review"
    assert clock.aware(row.starts_at) == datetime(2026, 3, 10, 1, 0, tzinfo=UTC)
    assert row.duration_minutes == 45
    assert row.meeting_link == "https://meet.example.org/abc"
    assert row.status == "scheduled"
    with session_scope(services.engine) as s:
        attendees = (
            s.execute(
                select(SessionAttendee.student_id).where(SessionAttendee.session_id == row.id)
            )
            .scalars()
            .all()
        )
    assert attendees == [student.id]


async def test_clash_is_refused_with_the_sentence_and_nothing_written(
    template: Path, tmp_path: Path
) -> None:
    services = _services(template, tmp_path)
    with session_scope(services.engine) as s:
        booked = _next_scheduled(s, services.actor)
    clash_at = clock.to_local(booked.starts_at + timedelta(minutes=15), services.actor.timezone)
    before = _session_count(services)
    app = MentorApp(services)
    async with app.run_test(size=SIZE) as pilot:
        await _open_calendar(pilot)
        await pilot.press("n")
        await settle(pilot)
        await pilot.press("space")
        await pilot.press("tab")
        await _replace(pilot, f"{clash_at:%Y-%m-%d %H:%M}")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, SessionFormModal)  # the form stays open
        error = str(app.screen.query_one("#form-error").render())
        assert error.startswith("That time is double-booked: you already have")
        assert booked.id[:8] in error
    assert _session_count(services) == before


async def test_dst_gap_is_refused_with_the_core_sentence(template: Path, tmp_path: Path) -> None:
    services = _services(template, tmp_path)
    with session_scope(services.engine) as s:  # a mentor in a zone with daylight saving
        mentor = s.execute(select(User).where(User.email == MENTOR)).scalar_one()
        mentor.timezone = "Europe/Berlin"
    services = services_for(services.db_path, MENTOR)
    before = _session_count(services)
    app = MentorApp(services)
    async with app.run_test(size=SIZE) as pilot:
        await _open_calendar(pilot)
        await pilot.press("n")
        await settle(pilot)
        await pilot.press("space")
        await pilot.press("tab")
        await _replace(pilot, "2026-03-29 02:30")
        await pilot.press("ctrl+s")
        await settle(pilot)
        error = str(app.screen.query_one("#form-error").render())
        assert error.startswith("2026-03-29 02:30 does not exist in Europe/Berlin")
    assert _session_count(services) == before


async def test_past_time_and_bad_day_are_refused_with_a_sentence(
    template: Path, tmp_path: Path
) -> None:
    services = _services(template, tmp_path)
    before = _session_count(services)
    app = MentorApp(services)
    async with app.run_test(size=SIZE) as pilot:
        await _open_calendar(pilot)
        await pilot.press("n")
        await settle(pilot)
        await pilot.press("space")
        await pilot.press("tab")
        await _replace(pilot, f"{FROZEN_NOW - timedelta(days=2):%Y-%m-%d} 09:00")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, SessionFormModal)  # the form stays open
        error = str(app.screen.query_one("#form-error").render())
        assert error.startswith("That time has passed: ")
        assert " is before now (" in error and error.endswith(").")
        await _replace(pilot, "2026-04-31 09:00")
        await pilot.press("ctrl+s")
        await settle(pilot)
        error = str(app.screen.query_one("#form-error").render())
        assert error.startswith(
            "'2026-04-31 09:00' is not a date and time (April 2026 has no day 31)"
        )
    assert _session_count(services) == before


async def test_reschedule_then_cancel_by_keys(template: Path, tmp_path: Path) -> None:
    services = _services(template, tmp_path)
    with session_scope(services.engine) as s:
        upcoming = _next_scheduled(s, services.actor)
    app = MentorApp(services)
    async with app.run_test(size=SIZE) as pilot:
        await _open_calendar(pilot)  # the week view highlights the next session
        assert app.screen.selected().id == upcoming.id
        await pilot.press("e")
        await settle(pilot)
        assert isinstance(app.screen, SessionFormModal)
        await pilot.press("tab")  # students -> start
        await _replace(pilot, "2026-03-06 07:00")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen.selected().id == upcoming.id
        with session_scope(services.engine) as s:
            row = s.get(MentorshipSession, upcoming.id)
            assert clock.aware(row.starts_at) == datetime(2026, 3, 5, 23, 0, tzinfo=UTC)
            assert row.status == "scheduled"
        await pilot.press("c")
        await settle(pilot)
        await pilot.press("n")  # "no" keeps it
        await settle(pilot)
        with session_scope(services.engine) as s:
            assert s.get(MentorshipSession, upcoming.id).status == "scheduled"
        await pilot.press("c")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
    with session_scope(services.engine) as s:
        assert s.get(MentorshipSession, upcoming.id).status == "cancelled"


async def test_next_free_slot_in_three_keys(template: Path, tmp_path: Path) -> None:
    services = _services(template, tmp_path)
    with session_scope(services.engine) as s:
        upcoming = _next_scheduled(s, services.actor)
        student_id = upcoming.student_ids[0]
        expected = find_free_slots(s, services.actor, services.config, [student_id], count=2)
    app = MentorApp(services)
    async with app.run_test(size=SIZE) as pilot:
        await _open_calendar(pilot)  # the highlighted session's student is the selected one
        before = len(_sessions_of(services, student_id))
        await pilot.press("f")  # 1: find a slot for the student
        await settle(pilot)
        await pilot.press("enter")  # 2: take the first free slot
        await pilot.press("ctrl+s")  # 3: save
        await settle(pilot)
        assert type(app.screen).__name__ == "CalendarScreen"
    rows = _sessions_of(services, student_id)
    assert len(rows) == before + 1
    new = rows[-1]
    assert clock.aware(new.starts_at) == expected[0].starts_at
    assert new.duration_minutes == services.config.session_duration_minutes


async def test_followup_saves_attendance_rating_summary_and_items(
    template: Path, tmp_path: Path
) -> None:
    services = _services(template, tmp_path)
    student = _first_student(services)
    with session_scope(services.engine) as s:  # a session that started an hour ago
        view = schedule_session(
            s,
            services.actor,
            services.config,
            students=[student.id],
            starts_at=FROZEN_NOW - timedelta(hours=1, minutes=17),
            duration_minutes=30,
        )
    app = MentorApp(services)
    async with app.run_test(size=SIZE) as pilot:
        await _open_calendar(pilot)
        screen = app.screen
        while screen.selected().id != view.id:
            await pilot.press("up")
        await pilot.press("o")
        await settle(pilot)
        assert isinstance(app.screen, SessionFollowupModal)
        await pilot.press("enter")  # opens the attendance choices
        await pilot.press("down")  # attended -> no-show
        await pilot.press("enter")
        await pilot.press("tab")
        await pilot.press("4")
        await pilot.press("tab")
        await type_text(pilot, "Went through the plan.")
        await pilot.press("tab")
        await type_text(pilot, "Read chapter 3")
        await pilot.press("enter")
        await type_text(pilot, "Push the repo")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert type(app.screen).__name__ == "CalendarScreen"
    with session_scope(services.engine) as s:
        assert s.get(MentorshipSession, view.id).status == "completed"
        seat = s.execute(
            select(SessionAttendee).where(SessionAttendee.session_id == view.id)
        ).scalar_one()
        assert (seat.attendance, seat.rating) == ("no_show", 4)
        notes = s.execute(
            select(MentorshipNote.kind, MentorshipNote.note)
            .where(MentorshipNote.session_id == view.id)
            .order_by(MentorshipNote.kind, MentorshipNote.note)
        ).all()
    assert [tuple(n) for n in notes] == [
        ("action_item", "Push the repo"),
        ("action_item", "Read chapter 3"),
        ("session_summary", "Went through the plan."),
    ]


async def test_export_writes_the_visible_range(
    template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    services = _services(template, tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    monkeypatch.chdir(out)
    app = MentorApp(services)
    async with app.run_test(size=SIZE) as pilot:
        await _open_calendar(pilot)
        await pilot.press("m")
        await settle(pilot)
        shown = len(app.screen._sessions)
        await pilot.press("x")  # asks where, the visible month's file in this folder offered
        await settle(pilot)
        box = app.screen.query_one("#ask-0")
        assert box.value == str(out / "mentor-tui-sessions-20260301-20260331.ics")
        await pilot.press("enter")
        await settle(pilot)
        said = [n.message for n in app._notifications]
        assert f"Exported {shown} sessions to {out / box.value}" in said
        # another place: a folder typed takes the file name; a missing folder is a sentence
        (out / "elsewhere").mkdir()
        for typed in (str(out / "elsewhere"), str(out / "nowhere" / "x.ics")):
            await pilot.press("x")
            await settle(pilot)
            app.screen.query_one("#ask-0").value = typed
            await pilot.press("enter")
            await settle(pilot)
        said = [n.message for n in app._notifications]
        assert f"The folder {out / 'nowhere'} does not exist." in said
    files = sorted(out.rglob("*.ics"))
    assert [f.relative_to(out).as_posix() for f in files] == [
        "elsewhere/mentor-tui-sessions-20260301-20260331.ics",
        "mentor-tui-sessions-20260301-20260331.ics",
    ]
    assert files[1].read_text().count("BEGIN:VEVENT") == shown > 0


def _snap_app(template: Path, tmp_path: Path) -> MentorApp:
    return MentorApp(_services(template, tmp_path))


@pytest.mark.parametrize("view", ["month", "week", "agenda"])
def test_calendar_views(snap_compare, template: Path, tmp_path: Path, view: str) -> None:
    async def go(pilot) -> None:
        await pilot.press("5")
        await settle(pilot)
        await pilot.press(view[0])
        await settle(pilot)

    assert snap_compare(_snap_app(template, tmp_path), terminal_size=SIZE, run_before=go)


def test_session_form_with_free_slots(snap_compare, template: Path, tmp_path: Path) -> None:
    async def go(pilot) -> None:
        await pilot.press("5")
        await settle(pilot)
        await pilot.press("f")
        await settle(pilot)

    assert snap_compare(_snap_app(template, tmp_path), terminal_size=SIZE, run_before=go)


async def test_agenda_from_a_template(template: Path, tmp_path: Path) -> None:
    services = _services(template, tmp_path)
    student = _first_student(services)
    with session_scope(services.engine) as s:
        save_template(s, services.actor, title="Goal setting", agenda="1. Goals\n2. Next steps")
        titles = [t.title for t in list_templates(s, services.actor)]
    assert len(titles) > 1, "the demo's shared templates and the mentor's own"
    app = MentorApp(services)
    async with app.run_test(size=SIZE) as pilot:
        await _open_calendar(pilot)
        await pilot.press("n")
        await settle(pilot)
        await pilot.press("space")
        await pilot.press("tab")
        await _replace(pilot, "2026-03-11 10:00")
        for _ in range(4):  # minutes, title, link, template
            await pilot.press("tab")
        await pilot.press("enter")  # open the template choices
        for _ in range(titles.index("Goal setting") + 1):  # below the "No template" prompt
            await pilot.press("down")
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert type(app.screen).__name__ == "CalendarScreen"
    row = _sessions_of(services, student.id)[-1]
    assert (row.title, row.agenda) == ("Goal setting", "1. Goals\n2. Next steps")
    assert clock.aware(row.starts_at) == datetime(2026, 3, 11, 2, 0, tzinfo=UTC)


async def test_views_and_periods_by_keys(template: Path, tmp_path: Path) -> None:
    app = MentorApp(_services(template, tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        await _open_calendar(pilot)

        def heading() -> str:
            return str(app.screen.query_one("#cal-heading").render())

        assert heading().startswith("Week of Mon 02 Mar - Sun 08 Mar 2026")
        await pilot.press("m")
        await settle(pilot)
        assert heading().startswith("March 2026 · 4 sessions")
        await pilot.press("right_square_bracket")
        await settle(pilot)
        assert heading().startswith("April 2026")
        await pilot.press("a")
        await settle(pilot)
        assert heading().startswith("Agenda Wed 01 Apr - Tue 14 Apr 2026")
        await pilot.press("left_square_bracket")
        await settle(pilot)
        assert heading().startswith("Agenda Wed 18 Mar - Tue 31 Mar 2026")
        await pilot.press("t")
        await settle(pilot)
        assert heading().startswith("Agenda Mon 02 Mar - Sun 15 Mar 2026 · 2 sessions")
        await pilot.press("n")
        await settle(pilot)
        await pilot.press("escape")  # closing the form writes nothing
        await settle(pilot)
        assert type(app.screen).__name__ == "CalendarScreen"
