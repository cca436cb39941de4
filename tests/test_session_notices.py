"""Every participant of a session hears when it is scheduled, moved or cancelled, in their own
timezone, but not whoever made the change (issue 17); and such notifications travel through
sync: the server takes a mentor's notices to their students and a student's to their mentor,
no others."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlmodel import Session

from mentor_tui.config import Config
from mentor_tui.core import clock
from mentor_tui.core.sessions.scheduling import (
    cancel_session,
    edit_session,
    reschedule_session,
    schedule_session,
)
from mentor_tui.db.engine import session_scope
from mentor_tui.db.models import Notification
from mentor_tui.sync.protocol import wire_time
from tests import session_people as people
from tests import sync_helpers
from tests.sync_helpers import Program
from tests.sync_helpers import change as _change
from tests.sync_helpers import push as _push

CONFIG = Config(session_duration_minutes=45)
T0 = datetime(2030, 3, 5, 10, 0, tzinfo=UTC)  # Tue 11:00 in Berlin, 19:00 in Tokyo

program_template = sync_helpers.program_template  # a fixture
program = sync_helpers.program  # a fixture


@pytest.fixture
def world(engine):
    with session_scope(engine) as s:
        maria = people.mentor(s, "Maria Mentor", tz="Europe/Berlin", email="maria@example.org")
        return {
            "maria": maria,
            "sam": people.student(s, "Sam Tanaka", maria, tz="Asia/Tokyo", email="sam@example.org"),
            "ana": people.student(
                s, "Ana Ruiz", maria, tz="America/New_York", email="ana@example.org"
            ),
            "admin": people.admin(s, email="admin@example.org"),
        }


def _notices(s: Session) -> list[tuple[str, str, str]]:
    rows = s.execute(select(Notification).order_by(Notification.created_at)).scalars()
    return [(n.user_id, n.type, n.message) for n in rows]


def test_scheduled_moved_and_cancelled_reach_every_participant_but_the_actor(engine, world) -> None:
    maria, sam, ana = world["maria"], world["sam"], world["ana"]
    m = people.actor(maria)
    with session_scope(engine) as s:
        view = schedule_session(
            s, m, CONFIG, students=["sam@example.org", "ana@example.org"], starts_at=T0
        )
    with session_scope(engine) as s:
        got = _notices(s)
        assert {(who, kind) for who, kind, _ in got} == {
            (sam.id, "session_scheduled"),
            (ana.id, "session_scheduled"),
        }, "the mentor who scheduled it is not told"
        by_person = {who: text for who, _, text in got}
        assert "Tue 05 Mar 19:00 (Asia/Tokyo)" in by_person[sam.id]
        assert "Tue 05 Mar 05:00 (America/New_York)" in by_person[ana.id]
        [row] = s.execute(select(Notification).where(Notification.user_id == sam.id)).scalars()
        assert row.data == {"session_id": view.id}
    with session_scope(engine) as s:
        s.execute(Notification.__table__.delete())
        reschedule_session(s, m, view.id, T0 + timedelta(days=1))
    with session_scope(engine) as s:
        assert {(who, kind) for who, kind, _ in _notices(s)} == {
            (sam.id, "session_rescheduled"),
            (ana.id, "session_rescheduled"),
        }
        s.execute(Notification.__table__.delete())
        edit_session(s, m, view.id, title="Renamed")  # not a move: nobody is told
    with session_scope(engine) as s:
        assert _notices(s) == []
        # an admin cancels it: the mentor and both students hear of it
        cancel_session(s, people.actor(world["admin"]), view.id)
    with session_scope(engine) as s:
        assert {(who, kind) for who, kind, _ in _notices(s)} == {
            (maria.id, "session_cancelled"),
            (sam.id, "session_cancelled"),
            (ana.id, "session_cancelled"),
        }


def test_a_student_added_to_a_moved_session_is_told_it_is_scheduled(engine, world) -> None:
    m = people.actor(world["maria"])
    with session_scope(engine) as s:
        view = schedule_session(s, m, CONFIG, students=["sam@example.org"], starts_at=T0)
        s.execute(Notification.__table__.delete())
        edit_session(
            s,
            m,
            view.id,
            students=["sam@example.org", "ana@example.org"],
            starts_at=T0 + timedelta(hours=2),
        )
    with session_scope(engine) as s:
        assert {(who, kind) for who, kind, _ in _notices(s)} == {
            (world["sam"].id, "session_rescheduled"),
            (world["ana"].id, "session_scheduled"),
        }


def _notice(user_id: str, kind: str) -> dict:
    note_id = str(uuid.uuid4())
    now = wire_time(clock.now())
    fields = {
        "id": note_id, "created_at": now, "updated_at": now, "version": 1, "deleted_at": None,
        "user_id": user_id, "type": kind, "title": "Session scheduled: x", "message": "",
        "data": {}, "read_at": None,
    }  # fmt: skip
    return _change("notifications", note_id, "insert", fields)


def test_the_server_takes_session_notices_to_the_right_people_only(program: Program) -> None:
    h, ids = program.harness, program.ids
    results = _push(
        h,
        "m1@example.org",
        _notice(ids["s1"], "session_scheduled"),  # M1's student
        _notice(ids["s2"], "session_scheduled"),  # M2's student
        _notice(ids["m2"], "session_cancelled"),  # another mentor
    )
    assert [r["status"] for r in results] == ["applied", "rejected", "rejected"], results
    results = _push(
        h,
        "s1@example.org",
        _notice(ids["m1"], "session_scheduled"),  # S1's mentor
        _notice(ids["m2"], "session_scheduled"),
        _notice(ids["s2"], "session_scheduled"),
        _notice(ids["m1"], "new_student"),  # not a session notice
    )
    assert [r["status"] for r in results] == ["applied", "rejected", "rejected", "rejected"]
