"""Rules across rows hold through sync (issue 15): two offline stores of one mentor each book a
session at the same time; the server applies the first push and refuses the second, which the
mentor finds in the conflicts centre naming both sessions. On SQLite here, on PostgreSQL in
``test_double_booking_through_a_postgresql_server``."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from mentor_tui.config import Config
from mentor_tui.core import clock
from mentor_tui.core.sessions.scheduling import schedule_session
from mentor_tui.db.engine import session_scope
from mentor_tui.db.models import MentorshipSession, User
from mentor_tui.sync import list_conflicts
from tests import factory, sync_helpers
from tests.sync_helpers import Harness, Program, fast_hashing, seed_program

program_template = sync_helpers.program_template  # a fixture
program = sync_helpers.program  # a fixture


def _book(store, mentor_id: str, student: str, title: str, starts_at) -> str:
    with session_scope(store) as s:
        me = factory.actor(s.get_one(User, mentor_id))
        view = schedule_session(
            s, me, Config(), students=[student], starts_at=starts_at, duration_minutes=60,
            title=title,
        )  # fmt: skip
        return view.id


def _live_sessions(engine, mentor_id: str) -> dict[str, str]:
    with engine.connect() as conn:
        rows = conn.execute(
            select(MentorshipSession.id, MentorshipSession.title).where(
                MentorshipSession.mentor_id == mentor_id,
                MentorshipSession.deleted_at.is_(None),
                MentorshipSession.title.in_(["Career chat", "Code review"]),
            )
        ).all()
    return {row.id: row.title for row in rows}


def double_booking(h: Harness, ids: dict[str, str]) -> None:
    laptop, phone = h.store("laptop"), h.store("phone")
    h.login(laptop, "m1@example.org")
    h.login(phone, "m1@example.org")
    noon = (clock.now() + timedelta(days=9)).replace(hour=12, minute=0, second=0, microsecond=0)
    # offline, each store sees no clash: both bookings are made
    first = _book(laptop, ids["m1"], "s1@example.org", "Career chat", noon)
    second = _book(phone, ids["m1"], "s3@example.org", "Code review", noon + timedelta(minutes=30))

    assert h.sync(laptop).rejected == 0
    report = h.sync(phone)
    assert report.rejected >= 1, report

    assert _live_sessions(h.engine, ids["m1"]) == {first: "Career chat"}, "one session"
    refused = [c for c in list_conflicts(phone) if c.entity_id == second]
    assert len(refused) == 1, list_conflicts(phone)
    message = refused[0].message
    assert refused[0].kind == "rejected"
    assert "'Code review'" in message and "'Career chat'" in message, message
    assert "12:00" in message and "12:30" in message, message
    # its attendee, pushed after it, is refused in words too (not the database's)
    others = [c.message for c in list_conflicts(phone) if c.entity == "session_attendees"]
    assert others == ["The attendance record's session is not on the server (its own change was "
                      "refused, or it is gone)."]  # fmt: skip
    h.sync(laptop)
    for store in (laptop, phone):
        assert _live_sessions(store, ids["m1"]) == {first: "Career chat"}


def test_double_booking_from_two_offline_stores_ends_in_one_session_and_a_conflict(
    program: Program,
) -> None:
    double_booking(program.harness, program.ids)


def test_a_rebooking_onto_a_taken_time_is_refused_too(program: Program) -> None:
    from tests.sync_helpers import change, push

    h, ids = program.harness, program.ids
    taken = (clock.now() + timedelta(days=1)).replace(microsecond=0)
    with h.engine.connect() as conn:
        meet1 = conn.execute(
            select(MentorshipSession.starts_at, MentorshipSession.version).where(
                MentorshipSession.id == ids["meet1"]
            )
        ).one()
    laptop = h.store("laptop")
    h.login(laptop, "m1@example.org")
    other = _book(laptop, ids["m1"], "s3@example.org", "Code review", taken + timedelta(hours=5))
    assert h.sync(laptop).rejected == 0
    from mentor_tui.sync.protocol import wire_time

    moved = change(
        "mentorship_sessions", other, "update", {"starts_at": wire_time(meet1.starts_at)}, base=1
    )
    [result] = push(h, "m1@example.org", moved)
    assert result["status"] == "rejected", result
    assert "'Code review'" in result["message"] and "'Check-in'" in result["message"]


@pytest.fixture
def pg(pg_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Harness]:
    fast_hashing(monkeypatch)
    harness = Harness(tmp_path, pg_url)
    yield harness
    harness.close()


@pytest.mark.postgres
def test_double_booking_through_a_postgresql_server(pg: Harness) -> None:
    program = seed_program(pg)
    double_booking(pg, program.ids)


def test_a_session_already_clashing_can_still_be_completed_or_retitled(program: Program) -> None:
    """An old double booking (from before the server checked) books nothing new when it is
    marked completed or retitled; moving it onto a taken time is refused."""
    from sqlalchemy import insert

    from mentor_tui.sync.protocol import wire_time
    from tests.sync_helpers import change, push

    h, ids = program.harness, program.ids
    with h.engine.begin() as conn:
        meet1 = conn.execute(
            select(MentorshipSession).where(MentorshipSession.id == ids["meet1"])
        ).one()
        now = clock.now()
        legacy = str(__import__("uuid").uuid4())
        conn.execute(
            insert(MentorshipSession.__table__).values(
                id=legacy, created_at=now, updated_at=now, version=1, deleted_at=None,
                mentor_id=ids["m1"], kind="one_on_one", title="Old overlap",
                starts_at=meet1.starts_at, duration_minutes=60, timezone="UTC",
                meeting_link=None, agenda="", status="scheduled", summary="",
            )
        )  # fmt: skip
    [done] = push(h, "m1@example.org", change(
        "mentorship_sessions", legacy, "update", {"status": "completed", "title": "Old, done"}
    ))  # fmt: skip
    assert done["status"] == "applied", done
    later = wire_time(clock.aware(meet1.starts_at) + timedelta(minutes=30))
    [moved] = push(h, "m1@example.org", change(
        "mentorship_sessions", legacy, "update", {"starts_at": later}, base=2
    ))  # fmt: skip
    assert moved["status"] == "rejected" and "'Check-in'" in moved["message"], moved
