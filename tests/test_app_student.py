"""Student mode in the app (issue 20), with Pilot: a student signed in opens on their progress
and reaches only their own screens (`1` progress, `2` my work, `3` feedback, `5` calendar);
every key of the mentors' and admins' screens pressed as a student opens none of them. Keys
change the store as they say: `f` asks for feedback, `3` reads the feedback, `b` books."""

from __future__ import annotations

import importlib
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from app_support import services_for, settle
from sqlalchemy import select

from mentor_tui.app.areas import AREAS
from mentor_tui.app.main import MentorApp
from mentor_tui.core import clock
from mentor_tui.db.engine import make_engine, session_scope
from mentor_tui.db.models import (
    MentorshipSession,
    Notification,
    SessionAttendee,
    Submission,
    User,
)
from tests import factory
from tests import session_people as people

SIZE = (120, 40)
EVERY_DAY = [{"weekday": d, "start": "08:00", "end": "20:00"} for d in range(7)]
# a student's areas: their keys and screens
AREA_SCREENS = (("1", "StudentHomeScreen"), ("2", "MyWorkScreen"), ("3", "FeedbackScreen"),
                ("5", "MyCalendarScreen"), ("8", "MyPeersScreen"))  # fmt: skip
STUDENT_SCREENS = {
    "StudentHomeScreen",
    "MyWorkScreen",
    "FeedbackScreen",
    "MyCalendarScreen",
    "MyPeersScreen",
}


@pytest.fixture
def store(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    path = tmp_path / "student.db"
    engine = make_engine(path)
    with session_scope(engine) as s:
        maria = people.mentor(s, "Maria Mentor", email="maria@example.org", availability=EVERY_DAY)
        sam = people.student(s, "Sam Tanaka", maria, email="sam@example.org")
        ana = people.student(s, "Ana Ruiz", maria, email="ana@example.org")
        people.admin(s, email="ada@example.org")
        _, modules = factory.course(s, "Python Basics", modules=2)
        factory.progress(
            s, sam, modules[0], completed=True, minutes=90, quiz=80.0,
            at=datetime(2026, 1, 10, tzinfo=UTC),
        )  # fmt: skip
        task = factory.assignment(s, modules[0], "Loops")
        reviewed = factory.submission(
            s, sam, task, submitted_at=datetime(2026, 1, 1, tzinfo=UTC), status="approved",
            reviewer=maria, reviewed_at=datetime(2026, 1, 2, tzinfo=UTC), feedback="Nice loops.",
        )  # fmt: skip
        pending = factory.submission(s, sam, task, submitted_at=datetime(2026, 1, 5, tzinfo=UTC))
        factory.submission(s, ana, task, submitted_at=datetime(2026, 1, 3, tzinfo=UTC))
        ids = {"sam": sam.id, "reviewed": reviewed.id, "pending": pending.id}
    engine.dispose()
    return path, ids


def _mentor_keys() -> set[str]:
    """Every key bound by the mentors' and admins' areas' screens and the app."""
    keys = {a.key for a in AREAS}
    for area in AREAS:
        if "student" in area.roles:
            continue
        module_name, class_name = area.screen.split(":")
        screen = getattr(importlib.import_module(f"mentor_tui.screens.{module_name}"), class_name)
        for binding in screen.BINDINGS:
            key = binding[0] if isinstance(binding, tuple) else binding.key
            keys.update(k.strip() for k in key.split(","))
    return keys - {"ctrl+q", "escape", "question_mark", "tab", "shift+tab"}


async def test_a_student_reaches_only_their_own_screens(store) -> None:
    path, ids = store
    services = services_for(path, "sam@example.org")
    app = MentorApp(services)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert type(app.screen).__name__ == "StudentHomeScreen"
        summary = str(app.screen.query_one("#home-summary").render())
        assert "Completion" in summary and "quiz average 80" in summary
        seen: set[str] = set()
        # every mentor's and admin's key on each of the student's own screens (a key that led to
        # another of their screens, as `2` does, is followed by the area's key to come back)
        for area_key, area in AREA_SCREENS:
            await pilot.press(area_key)
            await settle(pilot)
            assert type(app.screen).__name__ == area
            for key in sorted(_mentor_keys() - {"7"}):  # 7 is everyone's: messages, below
                await pilot.press(key)
                await settle(pilot)
                name = type(app.screen).__name__
                seen.add(name)
                assert app.current_mode.startswith("my_"), (area_key, key, app.current_mode)
                assert all(
                    type(s).__module__.startswith("mentor_tui.screens.student")
                    or type(s).__name__ in {"HelpScreen", "ConflictsScreen"}
                    or type(s).__module__.startswith("textual")
                    # a question a student's own key asks (`p` on their calendar: the review)
                    or type(s).__module__ == "mentor_tui.screens.dialogs"
                    # `e` on their progress: their own profile's form, and nobody else's
                    or (type(s).__name__ == "StudentFormScreen" and s.student_id == ids["sam"])
                    for s in app.screen_stack
                ), (area_key, key, [type(s).__name__ for s in app.screen_stack])
                while len(app.screen_stack) > 1:
                    await pilot.press("escape")
                    await settle(pilot)
                if type(app.screen).__name__ != area:
                    await pilot.press(area_key)
                    await settle(pilot)
        assert seen <= STUDENT_SCREENS | {"HelpScreen", "StudentFormScreen", "AskScreen"}, seen
        # the area keys a student has: 1, 2, 3, 5, 8 (peers), and 7 (messages, as everyone)
        for key, name in (*AREA_SCREENS, ("7", "InboxScreen")):
            await pilot.press(key)
            await settle(pilot)
            assert type(app.screen).__name__ == name
        await pilot.press("4")
        await pilot.press("6")
        await settle(pilot)
        assert type(app.screen).__name__ == "InboxScreen"  # 4 and 6 led nowhere


async def test_my_work_marks_new_feedback_and_f_asks_for_feedback(store) -> None:
    path, ids = store
    services = services_for(path, "sam@example.org")
    app = MentorApp(services)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        table = app.screen.query_one("#work-table")
        assert [str(table.get_row_at(i)[0]) for i in range(table.row_count)] == ["", "NEW"]
        await pilot.press("f")  # the highlighted row: the newest, still pending
        await settle(pilot)
    with session_scope(services.engine) as s:
        pending = s.get(Submission, ids["pending"])
        assert pending.feedback_requested_at is not None
        assert s.get(Submission, ids["reviewed"]).feedback_seen_at is None  # only listed


async def test_feedback_screen_reads_the_feedback(store) -> None:
    path, ids = store
    services = services_for(path, "sam@example.org")
    app = MentorApp(services)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("3")
        await settle(pilot)
        table = app.screen.query_one("#work-table")
        assert table.row_count == 1
        assert "Nice loops." in str(app.screen.query_one("#work-detail").render())
    with session_scope(services.engine) as s:
        assert s.get(Submission, ids["reviewed"]).feedback_seen_at is not None


async def test_b_on_the_calendar_books_a_free_slot(store) -> None:
    path, ids = store
    services = services_for(path, "sam@example.org")
    app = MentorApp(services)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("5")
        await settle(pilot)
        assert app.screen.query_one("#cal-slots").row_count > 0
        await pilot.press("b")
        await settle(pilot)
        assert app.screen.query_one("#cal-sessions").row_count == 1
    with session_scope(services.engine) as s:
        rows = s.execute(
            select(MentorshipSession.status, MentorshipSession.starts_at)
            .join(SessionAttendee, SessionAttendee.session_id == MentorshipSession.id)
            .where(SessionAttendee.student_id == ids["sam"])
        ).all()
    assert [r.status for r in rows] == ["requested"]
    assert clock.aware(rows[0].starts_at) > clock.now() - timedelta(minutes=1)


async def test_a_mentor_keeps_the_mentor_areas(store) -> None:
    path, _ids = store
    services = services_for(path, "maria@example.org")
    app = MentorApp(services)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert type(app.screen).__name__ == "DashboardScreen"
        for key, name in (("2", "StudentsScreen"), ("3", "ReviewQueueScreen"),
                          ("5", "CalendarScreen"), ("1", "DashboardScreen")):  # fmt: skip
            await pilot.press(key)
            await settle(pilot)
            assert type(app.screen).__name__ == name


@pytest.mark.parametrize(("key", "status"), [("y", "scheduled"), ("d", "declined")])
async def test_the_mentor_answers_a_request_in_the_calendar(
    store, monkeypatch: pytest.MonkeyPatch, key: str, status: str
) -> None:
    from mentor_tui.config import Config
    from mentor_tui.core.sessions.booking import book_session

    monday = datetime(2030, 3, 4, 7, 0, tzinfo=UTC)
    monkeypatch.setattr(clock, "now", lambda: monday)
    path, _ids = store
    student = services_for(path, "sam@example.org")
    with session_scope(student.engine) as s:
        request = book_session(s, student.actor, Config(), starts_at=monday + timedelta(hours=3)).id
    services = services_for(path, "maria@example.org")
    app = MentorApp(services)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("5")
        await settle(pilot)
        assert app.screen.selected().id == request
        await pilot.press(key)
        await settle(pilot)
        if key == "d":  # the reason asked first, then declined
            assert type(app.screen).__name__ == "AskScreen"
            assert s_status(services, request) == "requested"
            await pilot.press(*"at a conference", "enter")
            await settle(pilot)
    with session_scope(services.engine) as s:
        row = s.get(MentorshipSession, request)
        assert row.status == status
        assert (row.decline_reason or None) == ("at a conference" if key == "d" else None)
        told = s.execute(
            select(Notification.type, Notification.message).where(
                Notification.user_id == row.mentor_id
            )
        ).all()
        assert [t for t, _ in told] == ["booking_requested"]


def s_status(services, session_id: str) -> str:
    with session_scope(services.engine) as s:
        return s.get(MentorshipSession, session_id).status


async def test_escape_on_the_reason_leaves_the_request_waiting(
    store, monkeypatch: pytest.MonkeyPatch
) -> None:
    from mentor_tui.config import Config
    from mentor_tui.core.sessions.booking import book_session

    monday = datetime(2030, 3, 4, 7, 0, tzinfo=UTC)
    monkeypatch.setattr(clock, "now", lambda: monday)
    path, _ids = store
    student = services_for(path, "sam@example.org")
    with session_scope(student.engine) as s:
        request = book_session(s, student.actor, Config(), starts_at=monday + timedelta(hours=3)).id
    services = services_for(path, "maria@example.org")
    app = MentorApp(services)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("5")
        await settle(pilot)
        await pilot.press("d", "x", "escape")
        await settle(pilot)
        assert type(app.screen).__name__ == "CalendarScreen"
    assert s_status(services, request) == "requested"


async def test_r_rates_a_past_session_with_a_comment(store) -> None:
    path, ids = store
    with session_scope(make_engine(path)) as s:
        sam = s.get(User, ids["sam"])
        maria = s.get(User, sam.mentor_id)
        past = people.booked(s, maria, [sam], clock.now() - timedelta(days=2)).id
    services = services_for(path, "sam@example.org")
    app = MentorApp(services)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("5")
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)
        assert type(app.screen).__name__ == "AskScreen"
        await pilot.press("9", "enter", "enter")  # not a rating: the core's sentence, no write
        await settle(pilot)
        with session_scope(services.engine) as s:
            assert s.execute(select(SessionAttendee.rating)).scalar_one() is None
        await pilot.press("r")
        await settle(pilot)
        await pilot.press("4", "enter", *"clear steps", "enter")
        await settle(pilot)
        assert type(app.screen).__name__ == "MyCalendarScreen"
    with session_scope(services.engine) as s:
        attendee = s.execute(
            select(SessionAttendee).where(SessionAttendee.session_id == past)
        ).scalar_one()
        assert (attendee.rating, attendee.rating_comment) == (4, "clear steps")
