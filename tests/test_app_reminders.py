"""Reminders the running app makes (app_reminders): on opening, after the first frame, for the
signed-in person only; shown as toasts with the user text literal; each once, also after the
app is opened again; off in the harness unless asked for."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest
from app_support import ADMIN, FROZEN_NOW, MENTOR, copy_store, services_for, settle
from sqlalchemy import select

from mentor_tui.app.main import MentorApp
from mentor_tui.app.reminders import MAX_TOASTS
from mentor_tui.config import Config, Notifications
from mentor_tui.core import clock, writes
from mentor_tui.db.engine import make_engine, session_scope
from mentor_tui.db.models import Assignment, Notification, Submission, User
from tests import session_people as people

SIZE = (120, 40)
STUDENT_NAME = "[b]Eve[/b] Stone"


@pytest.fixture
def now(monkeypatch: pytest.MonkeyPatch) -> list[datetime]:
    """The app's clock: frozen, and moved on by a test that needs time to pass."""
    moment = [FROZEN_NOW]
    monkeypatch.setattr(clock, "now", lambda: moment[0])
    return moment


def _store(template: Path, tmp_path: Path) -> tuple[Path, str, str, str]:
    """The demo store with the mentor's pending work arranged: one item overdue (from a
    student whose name looks like markup), the rest fresh; a session in 10 minutes with
    that student. Returns the path, the overdue item's id, the student's and the mentor's id."""
    path = copy_store(template, tmp_path / "s.db")
    engine = make_engine(path)
    with session_scope(engine) as s:
        mentor = s.execute(select(User).where(User.email == MENTOR)).scalar_one()
        pending = (
            s.execute(
                select(Submission)
                .join(User, User.id == Submission.student_id)
                .where(User.mentor_id == mentor.id, Submission.status == "pending")
                .order_by(Submission.submitted_at)
            )
            .scalars()
            .all()
        )
        assert len(pending) >= 2
        overdue, fresh = pending[0], pending[1:]
        writes.update(s, None, overdue, {"submitted_at": FROZEN_NOW - timedelta(hours=50)})
        for item in fresh:
            writes.update(s, None, item, {"submitted_at": FROZEN_NOW - timedelta(hours=1)})
        student = s.get_one(User, overdue.student_id)
        writes.update(s, None, student, {"full_name": STUDENT_NAME})
        people.booked(
            s, mentor, [student], FROZEN_NOW + timedelta(minutes=10), title="[i]Check-in[/i]"
        )
        result = (path, overdue.id, student.id, mentor.id)
    engine.dispose()
    return result


def _app(path: Path, email: str, *, config: Config | None = None) -> MentorApp:
    services = services_for(path, email)
    services.reminders = True
    if config is not None:
        services.config = config
    return MentorApp(services)


def _toasts(app: MentorApp) -> list[tuple[str, str]]:
    return [(n.title, n.message) for n in app._notifications]


async def _wait_for_toasts(pilot, count: int) -> None:
    """Bounded wait: the reminder run is a thread worker started after the first frame."""
    for _ in range(200):
        if len(_toasts(pilot.app)) >= count:
            break
        await pilot.pause(0.02)
    await settle(pilot)


async def _wait_for_run(pilot) -> None:
    """Bounded wait for the first reminder run after opening to have finished."""
    for _ in range(200):
        if pilot.app.reminders.runs:
            break
        await pilot.pause(0.02)
    await settle(pilot)
    assert pilot.app.reminders.runs >= 1


def _notifications(path: Path, user_id: str) -> list[tuple[str, str]]:
    engine = make_engine(path)
    with session_scope(engine) as s:
        rows = s.execute(
            select(Notification.type, Notification.title)
            .where(
                Notification.user_id == user_id,
                Notification.type.in_(
                    ["overdue_feedback", "pending_submission_reminder", "session_reminder"]
                ),
            )
            .order_by(Notification.type)
        ).all()
    engine.dispose()
    return [tuple(r) for r in rows]


async def test_opening_reminds_the_mentor_once_and_reopening_does_not_repeat(
    template: Path, tmp_path: Path, now: list[datetime]
) -> None:
    path, overdue_id, student_id, mentor_id = _store(template, tmp_path)
    app = _app(path, MENTOR)
    async with app.run_test(size=SIZE) as pilot:
        await _wait_for_toasts(pilot, 2)
        toasts = _toasts(app)
        assert all(not n.markup for n in app._notifications)
    engine = make_engine(path)
    with session_scope(engine) as s:
        title = s.execute(
            select(Assignment.title)
            .join(Submission, Submission.assignment_id == Assignment.id)
            .where(Submission.id == overdue_id)
        ).scalar_one()
    engine.dispose()
    assert len(toasts) == 2, toasts
    overdue = next(t for t in toasts if t[0] == "Feedback overdue")
    assert (
        overdue[1] == f"{STUDENT_NAME}'s {title!r} has waited 2 d, 2 h past the 48 h review time."
    )
    session = next(t for t in toasts if t[0] == "[i]Check-in[/i] starts in 10 min")
    assert session[1].endswith(f" with {STUDENT_NAME}."), session
    assert _notifications(path, mentor_id) == [
        ("overdue_feedback", "Feedback overdue"),
        ("session_reminder", "[i]Check-in[/i] starts in 10 min"),
    ]
    assert _notifications(path, student_id) == [], "the student's device reminds the student"

    now[0] = FROZEN_NOW + timedelta(minutes=5)
    again = _app(path, MENTOR)
    async with again.run_test(size=SIZE) as pilot:
        await _wait_for_run(pilot)
        assert _toasts(again) == []
    assert len(_notifications(path, mentor_id)) == 2


async def test_the_student_is_reminded_of_their_session_and_the_admin_of_nothing(
    template: Path, tmp_path: Path, now: list[datetime]
) -> None:
    path, _, student_id, mentor_id = _store(template, tmp_path)
    engine = make_engine(path)
    with session_scope(engine) as s:
        email = s.get_one(User, student_id).email
    engine.dispose()
    app = _app(path, email)
    async with app.run_test(size=SIZE) as pilot:
        await _wait_for_toasts(pilot, 1)
        assert [t[0] for t in _toasts(app)] == ["[i]Check-in[/i] starts in 10 min"]
    assert _notifications(path, student_id) == [
        ("session_reminder", "[i]Check-in[/i] starts in 10 min")
    ]
    admin = _app(path, ADMIN)
    async with admin.run_test(size=SIZE) as pilot:
        await _wait_for_run(pilot)  # the loop runs, and finds nothing
        assert _toasts(admin) == []
    assert _notifications(path, mentor_id) == []


async def test_while_running_a_due_reminder_fires_on_the_interval_and_toggles_are_honoured(
    template: Path, tmp_path: Path, now: list[datetime]
) -> None:
    path, _, _, mentor_id = _store(template, tmp_path)
    config = Config(
        reminder_interval_seconds=30,
        notifications=Notifications(overdue_feedback_alert=False),
    )
    now[0] = FROZEN_NOW - timedelta(hours=1)  # the session is 70 min away; Eve's item 49 h old
    app = _app(path, MENTOR, config=config)
    async with app.run_test(size=SIZE) as pilot:
        await _wait_for_run(pilot)
        assert _toasts(app) == [], "the overdue alert is off, nothing else is due"
        assert app.reminders._timer._interval == 30
        now[0] = FROZEN_NOW + timedelta(minutes=1)  # 9 minutes before the session
        app.reminders._timer._callback()  # what the interval does every 30 s
        await _wait_for_toasts(pilot, 1)
        assert app.reminders.runs == 2
        assert [t[0] for t in _toasts(app)] == ["[i]Check-in[/i] starts in 9 min"]
    assert _notifications(path, mentor_id) == [
        ("session_reminder", "[i]Check-in[/i] starts in 9 min")
    ]


async def test_a_backlog_shows_a_few_toasts_and_counts_the_rest(
    template: Path, tmp_path: Path, now: list[datetime]
) -> None:
    path, _, _, mentor_id = _store(template, tmp_path)
    now[0] = FROZEN_NOW + timedelta(days=3)  # every pending item is overdue now
    app = _app(path, MENTOR)
    async with app.run_test(size=SIZE) as pilot:
        await _wait_for_toasts(pilot, MAX_TOASTS + 1)
        toasts = _toasts(app)
    made = _notifications(path, mentor_id)
    assert len(made) > MAX_TOASTS + 1
    assert len(toasts) == MAX_TOASTS + 1
    assert toasts[-1] == (
        f"{len(made) - MAX_TOASTS} more reminders",
        f"{len(made) - MAX_TOASTS} feedback overdue.",
    )


async def test_the_harness_leaves_reminders_off(template: Path, tmp_path: Path) -> None:
    path, _, _, mentor_id = _store(template, tmp_path)
    app = MentorApp(services_for(path, MENTOR))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.reminders._timer is None and app.reminders.runs == 0
        assert _toasts(app) == []
    assert _notifications(path, mentor_id) == []


def test_the_reminder_interval_is_a_validated_setting(tmp_path: Path) -> None:
    from mentor_tui.config import parse_config
    from mentor_tui.errors import UserError

    where = tmp_path / "config.toml"
    assert Config().reminder_interval_seconds == 60
    assert parse_config({"reminder_interval_seconds": 300}, where).reminder_interval_seconds == 300
    for bad in (4, 10**9, "60", True):
        with pytest.raises(UserError, match="reminder_interval_seconds"):
            parse_config({"reminder_interval_seconds": bad}, where)
