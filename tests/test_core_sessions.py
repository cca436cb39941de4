"""The sessions core: scheduling with double-booking refused (edges included), access from
another mentor, rescheduling and cancelling, attendance and ratings, summaries and action items
as notes, reminders that fire once (agenda templates: test_core_session_templates.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlmodel import Session

from mentor_tui.config import Config, Notifications
from mentor_tui.core import writes
from mentor_tui.core.access import Actor
from mentor_tui.core.sessions.followup import (
    add_action_items,
    complete_session,
    rate_session,
    record_attendance,
    save_summary,
)
from mentor_tui.core.sessions.reminders import run_session_reminders
from mentor_tui.core.sessions.rules import SessionClash, check_not_past
from mentor_tui.core.sessions.scheduling import (
    cancel_session,
    edit_session,
    reschedule_session,
    schedule_session,
)
from mentor_tui.core.sessions.views import get_session, list_sessions
from mentor_tui.db.engine import session_scope
from mentor_tui.db.models import (
    AuditEntry,
    JournalEntry,
    MentorshipNote,
    MentorshipSession,
    Notification,
    SessionAttendee,
    User,
)
from mentor_tui.db.session_models import SessionReminderSent
from mentor_tui.errors import AccessDenied, NotFound, UserError
from tests import session_people as people

CONFIG = Config(session_duration_minutes=45)
T0 = datetime(2030, 3, 5, 10, 0, tzinfo=UTC)  # Tue 11:00 in Berlin, 19:00 in Tokyo


def at(hours: float = 0, minutes: int = 0) -> datetime:
    return T0 + timedelta(hours=hours, minutes=minutes)


@dataclass
class World:
    maria: User  # mentor, Europe/Berlin
    sam: User  # Maria's student, Asia/Tokyo
    ana: User  # Maria's student, America/New_York
    omar: User  # another mentor
    zoe: User  # Omar's student
    admin: User

    @property
    def m(self) -> Actor:
        return people.actor(self.maria)

    @property
    def o(self) -> Actor:
        return people.actor(self.omar)


@pytest.fixture
def world(engine) -> World:
    with session_scope(engine) as s:
        maria = people.mentor(s, "Maria Mentor", tz="Europe/Berlin", email="maria@example.org")
        omar = people.mentor(s, "Omar Other", tz="UTC", email="omar@example.org")
        return World(
            maria=maria,
            sam=people.student(s, "Sam Tanaka", maria, tz="Asia/Tokyo", email="sam@example.org"),
            ana=people.student(
                s, "Ana Ruiz", maria, tz="America/New_York", email="ana@example.org"
            ),
            omar=omar,
            zoe=people.student(s, "Zoe Zhang", omar, email="zoe@example.org"),
            admin=people.admin(s, email="admin@example.org"),
        )


def count(s: Session, model: type) -> int:
    return s.execute(select(func.count()).select_from(model)).scalar_one()


# --- scheduling ----------------------------------------------------------------------------


def test_scheduling_writes_the_session_attendees_journal_and_audit(engine, world: World) -> None:
    with session_scope(engine) as s:
        view = schedule_session(s, world.m, CONFIG, students=["sam@example.org"], starts_at=T0)
    assert view.kind == "one_on_one"
    assert view.duration_minutes == 45, "default length from config"
    assert view.timezone == "Europe/Berlin", "the actor's zone by default"
    assert view.title == "Session with Sam Tanaka"
    assert view.student_ids == [world.sam.id]
    assert view.span_in("Asia/Tokyo") == "Tue 2030-03-05 19:00-19:45 JST"
    assert view.to_json()["start"] == "2030-03-05T11:00:00+01:00"
    with Session(engine) as s:
        row = s.get(MentorshipSession, view.id)
        assert row is not None and row.mentor_id == world.maria.id and row.version == 1
        journal = (
            s.execute(select(JournalEntry.entity).where(JournalEntry.actor_id == world.maria.id))
            .scalars()
            .all()
        )
        # and the student's notification of it (issue 17)
        assert sorted(journal) == ["mentorship_sessions", "notifications", "session_attendees"]
        actions = (
            s.execute(select(AuditEntry.action).where(AuditEntry.entity_id == view.id))
            .scalars()
            .all()
        )
        assert actions == ["schedule_session"]


def test_a_session_with_two_students_is_a_group_session(engine, world: World) -> None:
    with session_scope(engine) as s:
        view = schedule_session(
            s,
            world.m,
            CONFIG,
            students=["sam@example.org", "ana@example.org", world.sam.id],
            starts_at=T0,
            duration_minutes=90,
            title="  Code   review ",
            meeting_link="https://meet.example.org/x",
        )
    assert view.kind == "group"
    assert sorted(view.student_ids) == sorted([world.sam.id, world.ana.id]), "duplicates collapse"
    assert view.title == "Code review"
    assert view.meeting_link == "https://meet.example.org/x"


@pytest.mark.parametrize(
    ("start", "minutes", "clashes"),
    [
        (at(-1), 60, False),  # ends exactly when the booked one starts
        (at(1), 60, False),  # starts exactly when the booked one ends
        (at(-0.5), 60, True),  # overlaps its start
        (at(0.5), 60, True),  # overlaps its end
        (at(0, 15), 30, True),  # inside it
        (at(-1), 180, True),  # contains it
        (at(0), 60, True),  # the same time
        (at(-2), 60, False),  # well before
    ],
)
def test_overlap_edges_for_the_mentor(
    engine, world: World, start: datetime, minutes: int, clashes: bool
) -> None:
    with session_scope(engine) as s:
        people.booked(s, world.maria, [world.ana], T0, minutes=60, title="Weekly check-in")
    with session_scope(engine) as s:
        if clashes:
            with pytest.raises(SessionClash) as caught:
                schedule_session(
                    s,
                    world.m,
                    CONFIG,
                    students=["sam@example.org"],
                    starts_at=start,
                    duration_minutes=minutes,
                )
            assert str(caught.value).startswith(
                "That time is double-booked: you already have 'Weekly check-in' ("
            )
            assert str(caught.value).endswith(") on Tue 2030-03-05 11:00-12:00 CET.")
        else:
            schedule_session(
                s,
                world.m,
                CONFIG,
                students=["sam@example.org"],
                starts_at=start,
                duration_minutes=minutes,
            )
    with Session(engine) as s:
        assert count(s, MentorshipSession) == (1 if clashes else 2), "a refusal writes nothing"


def test_a_student_already_in_another_mentors_session_is_named_without_its_details(
    engine, world: World
) -> None:
    with session_scope(engine) as s:
        # Sam is also in a group session held by Omar (say, a workshop): Maria may not see it.
        people.booked(s, world.omar, [world.zoe, world.sam], at(0.5), minutes=60, title="Secret")
    with session_scope(engine) as s, pytest.raises(SessionClash) as caught:
        schedule_session(
            s,
            world.m,
            CONFIG,
            students=["ana@example.org", "sam@example.org"],
            starts_at=T0,
            duration_minutes=60,
        )
    message = str(caught.value)
    assert message == (
        "That time is double-booked: Sam Tanaka already has another session on "
        "Tue 2030-03-05 11:30-12:30 CET."
    )
    assert "Secret" not in message and "Zoe" not in message
    assert [c.person_id for c in caught.value.clashes] == [world.sam.id]


def test_group_clashes_name_every_student_booked(engine, world: World) -> None:
    with session_scope(engine) as s:
        people.booked(s, world.omar, [world.zoe, world.sam], at(0.5), minutes=60, title="Workshop")
        people.booked(s, world.maria, [world.ana], at(-0.5), minutes=45, title="Ana 1:1")
    admin = people.actor(world.admin)  # an admin sees every session, so titles are named
    with session_scope(engine) as s, pytest.raises(SessionClash) as caught:
        schedule_session(
            s,
            admin,
            CONFIG,
            students=["ana@example.org", "sam@example.org"],
            starts_at=T0,
            duration_minutes=60,
        )
    message = str(caught.value)
    assert "Maria Mentor and Ana Ruiz already have 'Ana 1:1' (" in message
    assert "on Tue 2030-03-05 09:30-10:15 UTC" in message
    assert "Sam Tanaka already has 'Workshop' (" in message
    assert {c.person_id for c in caught.value.clashes} == {
        world.maria.id,
        world.ana.id,
        world.sam.id,
    }


def test_cancelled_sessions_never_clash(engine, world: World) -> None:
    with session_scope(engine) as s:
        people.booked(s, world.maria, [world.sam], T0, status="cancelled")
    with session_scope(engine) as s:
        view = schedule_session(s, world.m, CONFIG, students=["sam@example.org"], starts_at=T0)
    assert view.status == "scheduled"


def test_a_mentor_schedules_only_their_own_students(engine, world: World) -> None:
    with session_scope(engine) as s:
        with pytest.raises(AccessDenied, match=r"^zoe@example.org is not one of your students\.$"):
            schedule_session(s, world.m, CONFIG, students=["zoe@example.org"], starts_at=T0)
        with pytest.raises(NotFound, match=r"nobody@example.org"):
            schedule_session(s, world.m, CONFIG, students=["nobody@example.org"], starts_at=T0)
        with pytest.raises(UserError, match="is not a student"):
            schedule_session(s, world.m, CONFIG, students=["omar@example.org"], starts_at=T0)
        with pytest.raises(UserError, match="at least one student"):
            schedule_session(s, world.m, CONFIG, students=[" "], starts_at=T0)
    with Session(engine) as s:
        assert count(s, MentorshipSession) == 0


def test_an_admin_schedules_for_the_students_mentor(engine, world: World) -> None:
    admin = people.actor(world.admin)
    with session_scope(engine) as s:
        view = schedule_session(s, admin, CONFIG, students=["sam@example.org"], starts_at=T0)
        assert view.mentor_id == world.maria.id
        with pytest.raises(UserError, match="different mentors"):
            schedule_session(
                s, admin, CONFIG, students=["ana@example.org", "zoe@example.org"], starts_at=at(5)
            )


def test_a_student_books_their_own_mentor(engine, world: World) -> None:
    sam = people.actor(world.sam)
    with session_scope(engine) as s:
        view = schedule_session(s, sam, CONFIG, students=[world.sam.id], starts_at=T0)
        assert view.mentor_id == world.maria.id and view.timezone == "Asia/Tokyo"
        assert view.status == "requested"  # Maria accepts or declines it
        with pytest.raises(AccessDenied):
            schedule_session(s, sam, CONFIG, students=["ana@example.org"], starts_at=at(3))
        with pytest.raises(AccessDenied, match="Only the session's mentor or an admin"):
            cancel_session(s, sam, view.id)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"duration_minutes": 0}, "from 5 to 1440 minutes, not 0"),
        ({"duration_minutes": 1441}, "not 1441"),
        ({"meeting_link": "javascript:alert(1)"}, "starting with https:// or http://"),
        ({"meeting_link": "https://x.org/a b"}, "starting with https://"),
        ({"title": "x" * 201}, "at most 200 characters"),
        ({"timezone": "Moon/Base"}, "Unknown timezone 'Moon/Base'"),
    ],
)
def test_bad_session_details_are_refused(engine, world: World, kwargs: dict, message: str) -> None:
    pattern = message.replace("(", r"\(")
    with session_scope(engine) as s, pytest.raises(UserError, match=pattern):
        schedule_session(s, world.m, CONFIG, students=["sam@example.org"], starts_at=T0, **kwargs)


# --- another mentor ------------------------------------------------------------------------


def test_another_mentor_cannot_see_or_touch_a_session(engine, world: World) -> None:
    with session_scope(engine) as s:
        view = schedule_session(s, world.m, CONFIG, students=["sam@example.org"], starts_at=T0)
    with session_scope(engine) as s:
        assert list_sessions(s, world.o) == []
        for attempt in (
            lambda: get_session(s, world.o, view.id),
            lambda: cancel_session(s, world.o, view.id),
            lambda: reschedule_session(s, world.o, view.id, at(3)),
            lambda: edit_session(s, world.o, view.id, title="mine now"),
            lambda: record_attendance(s, world.o, view.id, world.sam.id, "attended", now=at(2)),
            lambda: save_summary(s, world.o, view.id, "spying", now=at(2)),
            lambda: add_action_items(s, world.o, view.id, ["x"], now=at(2)),
        ):
            with pytest.raises(NotFound, match="that you can see"):
                attempt()
        # and Omar cannot pull Maria's student into his own session either
        with pytest.raises(AccessDenied, match="is not one of your students"):
            schedule_session(s, world.o, CONFIG, students=[world.sam.id], starts_at=at(5))
    with Session(engine) as s:
        row = s.get(MentorshipSession, view.id)
        assert row is not None and row.version == 1 and row.status == "scheduled"


def test_the_student_sees_only_themselves_among_the_attendees(engine, world: World) -> None:
    with session_scope(engine) as s:
        view = schedule_session(
            s, world.m, CONFIG, students=["sam@example.org", "ana@example.org"], starts_at=T0
        )
    with session_scope(engine) as s:
        seen = list_sessions(s, people.actor(world.sam))
        assert [v.id for v in seen] == [view.id]
        assert seen[0].student_ids == [world.sam.id]
        assert list_sessions(s, people.actor(world.zoe)) == []


# --- moving, editing, cancelling -----------------------------------------------------------


def test_rescheduling_ignores_the_session_itself_but_not_others(engine, world: World) -> None:
    with session_scope(engine) as s:
        view = schedule_session(
            s, world.m, CONFIG, students=["sam@example.org"], starts_at=T0, duration_minutes=60
        )
        people.booked(s, world.maria, [world.ana], at(2), title="Ana later")
    with session_scope(engine) as s:
        moved = reschedule_session(s, world.m, view.id, at(0, 30))  # overlaps its own old slot
        assert moved.starts_at == at(0, 30) and moved.version == 2
        with pytest.raises(SessionClash, match="'Ana later'"):
            reschedule_session(s, world.m, view.id, at(1, 30))
    with Session(engine) as s:
        row = s.get(MentorshipSession, view.id)
        assert row is not None and row.starts_at.replace(tzinfo=UTC) == at(0, 30)
        audit = (
            s.execute(select(AuditEntry.action).where(AuditEntry.entity_id == view.id))
            .scalars()
            .all()
        )
        assert audit == ["schedule_session", "reschedule_session"]


def test_editing_students_makes_and_unmakes_a_group(engine, world: World) -> None:
    with session_scope(engine) as s:
        view = schedule_session(s, world.m, CONFIG, students=["sam@example.org"], starts_at=T0)
        grown = edit_session(s, world.m, view.id, students=["sam@example.org", "ana@example.org"])
        assert grown.kind == "group" and len(grown.attendees) == 2
        shrunk = edit_session(s, world.m, view.id, students=["ana@example.org"])
        assert shrunk.kind == "one_on_one" and shrunk.student_ids == [world.ana.id]
        with pytest.raises(UserError, match="was removed from this session earlier"):
            edit_session(s, world.m, view.id, students=["ana@example.org", "sam@example.org"])
        edited = edit_session(
            s, world.m, view.id, agenda="1. Recursion\r\n2. Tests", meeting_link=""
        )
        assert edited.agenda == "1. Recursion\n2. Tests" and edited.meeting_link is None


def test_cancelling_frees_the_time_and_cannot_happen_twice(engine, world: World) -> None:
    with session_scope(engine) as s:
        view = schedule_session(s, world.m, CONFIG, students=["sam@example.org"], starts_at=T0)
    with session_scope(engine) as s:
        assert cancel_session(s, world.m, view.id[:8]).status == "cancelled"
    with session_scope(engine) as s:
        with pytest.raises(UserError, match="already cancelled"):
            cancel_session(s, world.m, view.id)
        with pytest.raises(UserError, match="only a scheduled session can move"):
            reschedule_session(s, world.m, view.id, at(4))
        again = schedule_session(s, world.m, CONFIG, students=["sam@example.org"], starts_at=T0)
        assert again.id != view.id


def test_listing_by_range_includes_sessions_running_into_it(engine, world: World) -> None:
    with session_scope(engine) as s:
        early = people.booked(s, world.maria, [world.sam], at(-1), minutes=90, title="early")
        people.booked(s, world.maria, [world.ana], at(-3), minutes=60, title="over")
        later = people.booked(s, world.maria, [world.ana], at(5), title="later")
    with session_scope(engine) as s:
        seen = list_sessions(s, world.m, start=T0, end=at(6))
        assert [v.title for v in seen] == ["early", "later"]
        assert [v.id for v in list_sessions(s, world.m, start=T0, student="ana@example.org")] == [
            later.id
        ]
        assert early.id in {v.id for v in list_sessions(s, world.m)}


# --- after the session ---------------------------------------------------------------------


def test_attendance_and_rating_are_validated(engine, world: World) -> None:
    with session_scope(engine) as s:
        view = schedule_session(s, world.m, CONFIG, students=["sam@example.org"], starts_at=T0)
    with session_scope(engine) as s:
        with pytest.raises(UserError, match="has not started yet"):
            record_attendance(s, world.m, view.id, "sam@example.org", "attended", now=at(-1))
        with pytest.raises(
            UserError, match=r"^Attendance is attended, no_show or excused, not 'late'\.$"
        ):
            record_attendance(s, world.m, view.id, "sam@example.org", "late", now=at(1))
        for bad in (0, 6, "five", True, 3.5, "", -1):
            with pytest.raises(UserError, match="A rating is a whole number from 1 to 5"):
                rate_session(s, world.m, view.id, bad, student="sam@example.org", now=at(1))  # type: ignore[arg-type]
        with pytest.raises(UserError, match="Ana Ruiz is not in that session"):
            record_attendance(s, world.m, view.id, "ana@example.org", "attended", now=at(1))
        attendee = record_attendance(s, world.m, view.id, "sam@example.org", "No-Show", now=at(1))
        assert attendee.attendance == "no_show"
        assert rate_session(s, people.actor(world.sam), view.id, "4", now=at(1)).rating == 4
        with pytest.raises(NotFound):
            rate_session(s, people.actor(world.ana), view.id, 5, now=at(1))  # not in it: unseen
    with Session(engine) as s:
        row = s.execute(
            select(SessionAttendee).where(SessionAttendee.session_id == view.id)
        ).scalar_one()
        assert (row.attendance, row.rating) == ("no_show", 4)


def test_a_cancelled_session_takes_no_attendance(engine, world: World) -> None:
    with session_scope(engine) as s:
        view = schedule_session(s, world.m, CONFIG, students=["sam@example.org"], starts_at=T0)
        cancel_session(s, world.m, view.id)
        with pytest.raises(UserError, match="was cancelled"):
            record_attendance(s, world.m, view.id, "sam@example.org", "attended", now=at(2))


def test_summary_and_action_items_are_the_mentors_private_notes(engine, world: World) -> None:
    with session_scope(engine) as s:
        view = schedule_session(
            s, world.m, CONFIG, students=["sam@example.org", "ana@example.org"], starts_at=T0
        )
    with session_scope(engine) as s:
        first = save_summary(s, world.m, view.id, "Covered [bold]recursion[/bold].", now=at(1))
        again = save_summary(s, world.m, view.id, "Covered recursion and memoisation.", now=at(1))
        assert {n.id for n in first} == {n.id for n in again}, "saving again rewrites, not adds"
        items = add_action_items(
            s,
            world.m,
            view.id,
            ["Read chapter 4", " "],
            students=["sam@example.org"],
            due=date(2030, 3, 12),
            now=at(1),
        )
        with pytest.raises(AccessDenied, match="Only the session's mentor"):
            save_summary(s, people.actor(world.admin), view.id, "admin words", now=at(1))
        with pytest.raises(UserError, match="needs some text"):
            save_summary(s, world.m, view.id, "   ", now=at(1))
    assert len(items) == 1
    with Session(engine) as s:
        notes = (
            s.execute(select(MentorshipNote).where(MentorshipNote.session_id == view.id))
            .scalars()
            .all()
        )
        summaries = sorted((n.student_id, n.note) for n in notes if n.kind == "session_summary")
        assert summaries == sorted(
            (sid, "Covered recursion and memoisation.") for sid in (world.sam.id, world.ana.id)
        )
        actions = [(n.student_id, n.note, n.due_date) for n in notes if n.kind == "action_item"]
        assert actions == [(world.sam.id, "Read chapter 4", date(2030, 3, 12))]
        assert {n.mentor_id for n in notes} == {world.maria.id}


def test_completing_a_session_needs_everyones_attendance(engine, world: World) -> None:
    with session_scope(engine) as s:
        view = schedule_session(
            s, world.m, CONFIG, students=["sam@example.org", "ana@example.org"], starts_at=T0
        )
    missing = "Record attendance for Ana Ruiz too"
    with session_scope(engine) as s, pytest.raises(UserError, match=missing):
        complete_session(s, world.m, view.id, attendance={"sam@example.org": "attended"}, now=at(1))
    with session_scope(engine) as s:
        done = complete_session(
            s,
            world.m,
            view.id,
            attendance={"sam@example.org": "attended", "ana@example.org": "excused"},
            ratings={"sam@example.org": 5},
            summary="Good progress.",
            action_items=["Practice"],
            now=at(1),
        )
    assert done.status == "completed"
    assert {(a.student_id, a.attendance, a.rating) for a in done.attendees} == {
        (world.sam.id, "attended", 5),
        (world.ana.id, "excused", None),
    }
    with Session(engine) as s:
        kinds = (
            s.execute(select(MentorshipNote.kind).where(MentorshipNote.session_id == view.id))
            .scalars()
            .all()
        )
        assert sorted(kinds) == ["action_item", "action_item", "session_summary", "session_summary"]
    with session_scope(engine) as s, pytest.raises(UserError, match="completed"):
        cancel_session(s, world.m, view.id)


# --- reminders -----------------------------------------------------------------------------


def _reminders(engine) -> list[tuple[str, str]]:
    with Session(engine) as s:
        return sorted(
            (n.user_id, n.data["starts_at"])
            for n in s.execute(
                select(Notification).where(Notification.type == "session_reminder")
            ).scalars()
        )


def test_reminders_fire_once_for_the_mentor_and_every_student(engine, world: World) -> None:
    with session_scope(engine) as s:
        view = schedule_session(
            s,
            world.m,
            CONFIG,
            students=["sam@example.org", "ana@example.org"],
            starts_at=T0,
            title="Group review",
        )
    with session_scope(engine) as s:
        assert run_session_reminders(s, CONFIG, now=at(0, -16), minutes_before=15) == []
    with session_scope(engine) as s:
        sent = run_session_reminders(s, CONFIG, now=at(0, -15), minutes_before=15)
        assert sorted(n.user_id for n in sent) == sorted(
            [world.maria.id, world.sam.id, world.ana.id]
        )
        by_user = {n.user_id: n for n in sent}
        assert by_user[world.sam.id].title == "Group review starts in 15 min"
        assert by_user[world.sam.id].message == "Tue 2030-03-05 19:00-19:45 JST with Maria Mentor."
        assert by_user[world.maria.id].message == (
            "Tue 2030-03-05 11:00-11:45 CET with Ana Ruiz, Sam Tanaka."
        )
        assert by_user[world.ana.id].data["session_id"] == view.id
    for moment in (at(0, -10), at(0, -1), at(0, 10)):
        with session_scope(engine) as s:
            assert run_session_reminders(s, CONFIG, now=moment, minutes_before=15) == []
    assert len(_reminders(engine)) == 3
    with Session(engine) as s:
        assert count(s, SessionReminderSent) == 3


def test_a_reminder_missed_while_closed_goes_out_on_opening_until_the_session_ends(
    engine, world: World
) -> None:
    with session_scope(engine) as s:
        schedule_session(s, world.m, CONFIG, students=["sam@example.org"], starts_at=T0)
        people.booked(s, world.maria, [world.ana], at(-3), title="long over")
        people.booked(s, world.maria, [world.ana], at(3), status="cancelled", title="called off")
    with session_scope(engine) as s:
        sent = run_session_reminders(s, CONFIG, now=at(0, 20), minutes_before=15)
    assert sorted(n.user_id for n in sent) == sorted([world.maria.id, world.sam.id])
    assert all(n.title.endswith("has started") for n in sent)
    with session_scope(engine) as s:
        assert run_session_reminders(s, CONFIG, now=at(0, 45), minutes_before=15) == []


def test_the_reminder_lead_defaults_and_a_moved_session_is_announced_again(
    engine, world: World
) -> None:
    with session_scope(engine) as s:
        view = schedule_session(s, world.m, CONFIG, students=["sam@example.org"], starts_at=T0)
    with session_scope(engine) as s:
        assert len(run_session_reminders(s, CONFIG, now=at(0, -15))) == 2  # default lead 15 min
    with session_scope(engine) as s:
        reschedule_session(s, world.m, view.id, at(3))
    with session_scope(engine) as s:
        assert run_session_reminders(s, CONFIG, now=at(0, -10)) == []
        assert len(run_session_reminders(s, CONFIG, now=at(2, 50))) == 2
    assert len(_reminders(engine)) == 4


def test_reminders_honour_the_toggle_and_fire_once_it_is_on(engine, world: World) -> None:
    quiet = Config(notifications=Notifications(session_reminders=False))
    with session_scope(engine) as s:
        schedule_session(s, world.m, CONFIG, students=["sam@example.org"], starts_at=T0)
    with session_scope(engine) as s:
        assert run_session_reminders(s, quiet, now=at(0, -5)) == []
    with session_scope(engine) as s:
        assert len(run_session_reminders(s, CONFIG, now=at(0, -4))) == 2


def test_a_reminder_synced_from_another_device_is_not_repeated(engine, world: World) -> None:
    with session_scope(engine) as s:
        schedule_session(s, world.m, CONFIG, students=["sam@example.org"], starts_at=T0)
        view = list_sessions(s, world.m)[0]
        writes.insert(
            s,
            None,
            Notification(
                user_id=world.sam.id,
                type="session_reminder",
                title="from the laptop",
                data={"session_id": view.id, "starts_at": T0.isoformat()},
            ),
        )
    with session_scope(engine) as s:
        sent = run_session_reminders(s, CONFIG, now=at(0, -5))
    assert [n.user_id for n in sent] == [world.maria.id]


def test_inactive_people_get_no_reminder(engine, world: World) -> None:
    with session_scope(engine) as s:
        schedule_session(
            s, world.m, CONFIG, students=["sam@example.org", "ana@example.org"], starts_at=T0
        )
        ana = s.get(User, world.ana.id)
        assert ana is not None
        writes.update(s, None, ana, {"status": "Inactive"})
    with session_scope(engine) as s:
        sent = run_session_reminders(s, CONFIG, now=at(0, -5))
    assert sorted(n.user_id for n in sent) == sorted([world.maria.id, world.sam.id])


def test_a_device_reminds_only_the_signed_in_person_of_their_own_sessions(
    engine, world: World
) -> None:
    with session_scope(engine) as s:
        schedule_session(
            s, world.m, CONFIG, students=["sam@example.org", "ana@example.org"], starts_at=T0
        )
        schedule_session(s, world.o, CONFIG, students=["zoe@example.org"], starts_at=T0)
    with session_scope(engine) as s:  # Sam's device: Sam's reminder, nobody else's
        sent = run_session_reminders(s, CONFIG, now=at(0, -5), user_id=world.sam.id)
    assert [(n.user_id, n.message) for n in sent] == [
        (world.sam.id, "Tue 2030-03-05 19:00-19:45 JST with Maria Mentor.")
    ]
    with session_scope(engine) as s:  # Maria's device: her own session, not Omar's
        sent = run_session_reminders(s, CONFIG, now=at(0, -5), user_id=world.maria.id)
        assert [n.user_id for n in sent] == [world.maria.id]
        assert sent[0].message.endswith("with Ana Ruiz, Sam Tanaka.")
        # an admin attends nothing and hosts nothing: their device reminds nobody
        assert run_session_reminders(s, CONFIG, now=at(0, -5), user_id=world.admin.id) == []
        assert run_session_reminders(s, CONFIG, now=at(0, -4), user_id=world.sam.id) == []
    assert sorted(user for user, _ in _reminders(engine)) == sorted([world.sam.id, world.maria.id])
    with session_scope(engine) as s:  # a run for everyone leaves out who was already reminded
        sent = run_session_reminders(s, CONFIG, now=at(0, -3))
    assert sorted(n.user_id for n in sent) == sorted([world.ana.id, world.omar.id, world.zoe.id])


def test_a_scoped_reminder_made_on_another_device_is_not_repeated(engine, world: World) -> None:
    with session_scope(engine) as s:
        schedule_session(s, world.m, CONFIG, students=["sam@example.org"], starts_at=T0)
    with session_scope(engine) as s:  # Maria's laptop
        assert len(run_session_reminders(s, CONFIG, now=at(0, -5), user_id=world.maria.id)) == 1
        # what Maria's phone sees after sync: the notification, but not the laptop's log
        s.execute(SessionReminderSent.__table__.delete())
    with session_scope(engine) as s:
        assert run_session_reminders(s, CONFIG, now=at(0, -4), user_id=world.maria.id) == []
    assert len(_reminders(engine)) == 1


def test_an_inactive_student_gets_no_new_session_but_keeps_the_old_ones(
    engine, world: World
) -> None:
    with session_scope(engine) as s:
        view = schedule_session(s, world.m, CONFIG, students=["sam@example.org"], starts_at=T0)
        ana = s.get(User, world.ana.id)
        assert ana is not None
        writes.update(s, None, ana, {"status": "Inactive"})
    with session_scope(engine) as s:
        with pytest.raises(UserError, match=r"^Ana Ruiz is inactive, so cannot join sessions\.$"):
            schedule_session(s, world.m, CONFIG, students=["ana@example.org"], starts_at=at(3))
        with pytest.raises(UserError, match="Ana Ruiz is inactive"):
            edit_session(s, world.m, view.id, students=["sam@example.org", "ana@example.org"])
    with Session(engine) as s:
        assert count(s, SessionAttendee) == 1


def test_a_typed_time_must_not_have_passed_but_the_core_keeps_past_sessions(
    engine, world: World
) -> None:
    from mentor_tui.core import clock

    now = clock.now()
    check_not_past(now, "UTC")  # this very minute is still fine
    with pytest.raises(UserError) as caught:
        check_not_past(now - timedelta(minutes=2), "Asia/Tokyo")
    assert str(caught.value).startswith("That time has passed: ")
    assert str(caught.value).endswith(" JST).")
    # an imported calendar or a pulled session may lie in the past: schedule_session takes it
    with session_scope(engine) as s:
        past = now - timedelta(days=30)
        view = schedule_session(s, world.m, CONFIG, students=["sam@example.org"], starts_at=past)
    assert view.starts_at == past
