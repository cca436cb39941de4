"""A student's booking request tells their mentor (in the mentor's timezone), the mentor's
accept or decline tells the student (a decline with its reason), a booking accepted at once
tells the mentor it is scheduled, and a feedback request tells the mentor (issue 20); the
sync server takes these from a student to their own mentor and from a mentor to their own
students only."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlmodel import Session

from mentor_tui.config import Config
from mentor_tui.core import clock, writes
from mentor_tui.core.reviews.requests import request_feedback
from mentor_tui.core.sessions.booking import (
    accept_request,
    book_session,
    decline_request,
    set_auto_accept,
)
from mentor_tui.db.engine import session_scope
from mentor_tui.db.models import Assignment, Course, Module, Notification, Submission
from mentor_tui.sync.protocol import wire_time
from tests import session_people as people
from tests import sync_helpers
from tests.sync_helpers import Program
from tests.sync_helpers import change as _change
from tests.sync_helpers import push as _push

CONFIG = Config(session_duration_minutes=60)
NOW = datetime(2030, 3, 1, 8, 0, tzinfo=UTC)
T0 = datetime(2030, 3, 5, 10, 0, tzinfo=UTC)  # Tue 11:00 in Berlin, 19:00 in Tokyo

program_template = sync_helpers.program_template  # a fixture
program = sync_helpers.program  # a fixture


@pytest.fixture
def world(engine):
    with session_scope(engine) as s:
        maria = people.mentor(
            s,
            "Maria Mentor",
            tz="Europe/Berlin",
            email="maria@example.org",
            availability=[{"weekday": d, "start": "08:00", "end": "20:00"} for d in range(7)],
        )
        return {
            "maria": maria,
            "sam": people.student(s, "Sam Tanaka", maria, tz="Asia/Tokyo", email="sam@example.org"),
        }


def _notices(s: Session) -> list[Notification]:
    return list(s.execute(select(Notification).order_by(Notification.created_at)).scalars())


def test_a_booking_request_tells_the_mentor_in_the_mentors_zone(engine, world) -> None:
    maria, sam = world["maria"], world["sam"]
    with session_scope(engine) as s:
        view = book_session(s, people.actor(sam), CONFIG, starts_at=T0, note="my parser", now=NOW)
    with session_scope(engine) as s:
        [row] = _notices(s)
        assert (row.user_id, row.type) == (maria.id, "booking_requested")
        assert row.title == "Booking requested: Tue 05 Mar 11:00 (Europe/Berlin)"
        assert "Sam Tanaka" in row.message and "my parser" in row.message
        assert row.data == {"session_id": view.id}


def test_accept_and_decline_tell_the_student_a_decline_with_its_reason(engine, world) -> None:
    maria, sam = world["maria"], world["sam"]
    m, st = people.actor(maria), people.actor(sam)
    with session_scope(engine) as s:
        first = book_session(s, st, CONFIG, starts_at=T0, now=NOW)
        second = book_session(s, st, CONFIG, starts_at=T0 + timedelta(days=1), now=NOW)
        s.execute(Notification.__table__.delete())
    with session_scope(engine) as s:
        accept_request(s, m, first.id, now=NOW)
        decline_request(s, m, second.id, "at a  conference")
    with session_scope(engine) as s:
        got = [(n.user_id, n.type, n.title, n.message) for n in _notices(s)]
    assert [(who, kind) for who, kind, _, _ in got] == [
        (sam.id, "booking_accepted"),
        (sam.id, "booking_declined"),
    ], "the mentor who answered is not told"
    assert got[0][2] == "Booking accepted: Tue 05 Mar 19:00 (Asia/Tokyo)"
    assert got[1][2] == "Booking declined: Wed 06 Mar 19:00 (Asia/Tokyo)"
    assert got[1][3].endswith("Reason: at a conference")


def test_a_booking_accepted_at_once_tells_the_mentor_it_is_scheduled(engine, world) -> None:
    maria, sam = world["maria"], world["sam"]
    with session_scope(engine) as s:
        set_auto_accept(s, people.actor(maria), True)
    with session_scope(engine) as s:
        view = book_session(s, people.actor(sam), CONFIG, starts_at=T0, now=NOW)
        assert view.status == "scheduled"
    with session_scope(engine) as s:
        assert [(n.user_id, n.type) for n in _notices(s)] == [(maria.id, "session_scheduled")]


def test_a_feedback_request_tells_the_mentor(engine, world) -> None:
    maria, sam = world["maria"], world["sam"]
    with session_scope(engine) as s:
        course = writes.insert(s, None, Course(title="Compilers"))
        s.flush()
        module = writes.insert(s, None, Module(course_id=course.id, title="Parsing", position=1))
        s.flush()
        work = writes.insert(s, None, Assignment(module_id=module.id, title="Tokenizer"))
        s.flush()
        sub = writes.insert(
            s,
            None,
            Submission(assignment_id=work.id, student_id=sam.id, submitted_at=NOW),
        )
        sub_id = sub.id
    with session_scope(engine) as s:
        request_feedback(s, people.actor(sam), sub_id, "is it right?")
    with session_scope(engine) as s:
        [row] = _notices(s)
    assert (row.user_id, row.type, row.title) == (
        maria.id,
        "feedback_requested",
        "Feedback requested: “Tokenizer”",
    )
    assert "is it right?" in row.message and row.data == {"submission_id": sub_id}


def _notice(user_id: str, kind: str) -> dict:
    note_id = str(uuid.uuid4())
    now = wire_time(clock.now())
    fields = {
        "id": note_id, "created_at": now, "updated_at": now, "version": 1, "deleted_at": None,
        "user_id": user_id, "type": kind, "title": "x", "message": "", "data": {},
        "read_at": None,
    }  # fmt: skip
    return _change("notifications", note_id, "insert", fields)


def test_the_server_takes_booking_notices_to_the_right_people_only(program: Program) -> None:
    h, ids = program.harness, program.ids
    results = _push(
        h,
        "s1@example.org",
        _notice(ids["m1"], "booking_requested"),  # S1's mentor
        _notice(ids["m1"], "feedback_requested"),
        _notice(ids["m2"], "booking_requested"),  # another mentor
        _notice(ids["s2"], "feedback_requested"),  # another student
        _notice(ids["m1"], "booking_accepted"),  # the mentor's answer is not the student's
    )
    assert [r["status"] for r in results] == [
        "applied",
        "applied",
        "rejected",
        "rejected",
        "rejected",
    ], results
    results = _push(
        h,
        "m1@example.org",
        _notice(ids["s1"], "booking_accepted"),  # M1's student
        _notice(ids["s1"], "booking_declined"),
        _notice(ids["s2"], "booking_declined"),  # M2's student
        _notice(ids["m2"], "booking_requested"),  # a mentor does not ask for bookings
        _notice(ids["s1"], "feedback_requested"),
    )
    assert [r["status"] for r in results] == [
        "applied",
        "applied",
        "rejected",
        "rejected",
        "rejected",
    ], results
