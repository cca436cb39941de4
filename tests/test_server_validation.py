"""The server refuses what the core would refuse (issue 15): each of the invalid values a probe
got stored, pushed with a valid token to the real server app, is rejected with one sentence in
the product's words and nothing is stored; a decision reaches only a pending submission; a
mentor's capacity holds unless an admin overrides it on purpose."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import select

from mentor_tui.core import clock
from mentor_tui.db.models import (
    MentorProfile,
    MentorshipSession,
    Module,
    SessionAttendee,
    Submission,
    User,
)
from mentor_tui.sync.protocol import table_specs, wire_time
from tests import sync_helpers
from tests.sync_helpers import Program, change, push

program_template = sync_helpers.program_template  # a fixture
program = sync_helpers.program  # a fixture


def _row(program: Program, model: Any, **where: Any) -> dict[str, Any] | None:
    query = select(model.__table__)
    for column, value in where.items():
        query = query.where(getattr(model, column) == value)
    with program.harness.engine.connect() as conn:
        found = conn.execute(query).mappings().first()
    return dict(found) if found is not None else None


def _update(program: Program, model: Any, row_id: str, **fields: Any) -> dict[str, Any]:
    row = _row(program, model, id=row_id)
    assert row is not None
    return change(model.__tablename__, row_id, "update", fields, base=row["version"])


def _note(program: Program, **fields: Any) -> dict[str, Any]:
    now = wire_time(clock.now())
    note_id = str(uuid.uuid4())
    row = {
        "id": note_id, "created_at": now, "updated_at": now, "version": 1, "deleted_at": None,
        "mentor_id": program.ids["m1"], "student_id": program.ids["s1"], "kind": "note",
        "note": "fine", "added_at": now, "due_date": None, "done": False, "session_id": None,
    }  # fmt: skip
    return change("mentorship_notes", note_id, "insert", {**row, **fields})


def _attendee(program: Program) -> str:
    row = _row(program, SessionAttendee, session_id=program.ids["meet1"])
    assert row is not None
    return str(row["id"])


def _profile(program: Program, mentor: str) -> str:
    row = _row(program, MentorProfile, user_id=program.ids[mentor])
    assert row is not None
    return str(row["id"])


# (who pushes, the change, where to look, the field that must not change, what the reason says)
Case = tuple[str, Callable[[Program], dict[str, Any]], str]
M1, ADMIN = "m1@example.org", "admin@example.org"
BAD_VALUES: dict[str, Case] = {
    "submission status banana": (
        M1, lambda p: _update(p, Submission, p.ids["sub1"], status="banana"), "status is pending"
    ),
    "capacity -5": (
        ADMIN, lambda p: _update(p, MentorProfile, _profile(p, "m1"), capacity=-5),
        "capacity must be between 0 and 10,000, not -5",
    ),
    "capacity 10^12": (
        ADMIN, lambda p: _update(p, MentorProfile, _profile(p, "m1"), capacity=10**12),
        "capacity must be between 0 and 10,000, not 1,000,000,000,000",
    ),
    "a whole number past the database's range": (
        ADMIN, lambda p: _update(p, Module, p.ids["module"], position=10**12),
        "position must be between 0 and 2,147,483,647",
    ),
    "due date 2026-01-01garbage": (
        M1, lambda p: _note(p, due_date="2026-01-01garbage"), "not a date like 2026-01-31"
    ),
    "a 10 MB note": (M1, lambda p: _note(p, note="x" * 10_000_000), "at most 1,048,576 characters"),
    "note kind banana": (M1, lambda p: _note(p, kind="banana"), "kind is note, session_summary"),
    "session duration -5": (
        M1, lambda p: _update(p, MentorshipSession, p.ids["meet1"], duration_minutes=-5),
        "lasts from 5 to 1440 minutes",
    ),
    "session time zone Mars/Olympus": (
        M1, lambda p: _update(p, MentorshipSession, p.ids["meet1"], timezone="Mars/Olympus"),
        "Unknown timezone 'Mars/Olympus'",
    ),
    "user time zone Mars/Olympus": (
        M1, lambda p: _update(p, User, p.ids["m1"], timezone="Mars/Olympus"),
        "Unknown timezone 'Mars/Olympus'",
    ),
    "session status banana": (
        M1, lambda p: _update(p, MentorshipSession, p.ids["meet1"], status="banana"),
        "status is scheduled, completed, cancelled, requested or declined",
    ),
    "attendance banana": (
        M1, lambda p: _update(p, SessionAttendee, _attendee(p), attendance="banana"),
        "attendance is attended, no_show or excused",
    ),
    "student status banana": (
        M1, lambda p: _update(p, User, p.ids["s1"], status="banana"), "status is Active"
    ),
    "an empty full name": (
        M1, lambda p: _update(p, User, p.ids["m1"], full_name="  "), "full name cannot be empty"
    ),
}  # fmt: skip


def _stored(program: Program, pushed: dict[str, Any]) -> dict[str, Any] | None:
    model = table_specs()[pushed["entity"]].model
    return _row(program, model, id=pushed["entity_id"])


@pytest.mark.parametrize("case", sorted(BAD_VALUES))
def test_a_bad_value_is_refused_with_its_reason_and_nothing_is_stored(
    program: Program, case: str
) -> None:
    email, make, reason = BAD_VALUES[case]
    pushed = make(program)
    before = _stored(program, pushed)
    [result] = push(program.harness, email, pushed)
    assert result["status"] == "rejected", result
    message = result["message"]
    assert reason in message, message
    assert message.count(". ") == 0 and message.endswith("."), "one sentence"
    assert "database" not in message and "out of range" not in message
    assert _stored(program, pushed) == before, "nothing was stored"


def test_a_full_mentor_takes_no_more_students_unless_an_admin_overrides_it(
    program: Program,
) -> None:
    h, ids = program.harness, program.ids
    # M1 has two students (Sam, Sid): two seats of two
    [capped] = push(h, ADMIN, _update(program, MentorProfile, _profile(program, "m1"), capacity=2))
    assert capped["status"] == "applied", capped
    [over] = push(h, ADMIN, _update(program, User, ids["s2"], mentor_id=ids["m1"]))
    assert over["status"] == "rejected", over
    assert "at capacity (2 of 2 students)" in over["message"]
    assert _row(program, User, id=ids["s2"])["mentor_id"] == ids["m2"]

    # a mentor cannot override it (nor assign at all); an admin can, on purpose
    forced = _update(program, User, ids["s2"], mentor_id=ids["m1"])
    [by_mentor] = push(h, M1, {**forced, "overrides": ["capacity"]})
    assert by_mentor["status"] == "rejected"
    [by_admin] = push(
        h, ADMIN, {**forced, "change_id": str(uuid.uuid4()), "overrides": ["capacity"]}
    )
    assert by_admin["status"] == "applied", by_admin["message"]
    assert _row(program, User, id=ids["s2"])["mentor_id"] == ids["m1"]


def test_the_apps_forced_assignment_reaches_the_server_with_its_override(program: Program) -> None:
    from mentor_tui.core.assignment.seats import assign_student
    from mentor_tui.db.engine import session_scope
    from tests import factory

    h, ids = program.harness, program.ids
    with session_scope(program.admin_store) as s:
        admin = factory.actor(s.execute(select(User).where(User.role == "admin")).scalar_one())
        profile = s.execute(select(MentorProfile).where(MentorProfile.user_id == ids["m1"]))
        from mentor_tui.core import writes

        writes.update(s, admin.id, profile.scalar_one(), {"capacity": 2})
    with session_scope(program.admin_store) as s, pytest.raises(Exception, match="at capacity"):
        assign_student(s, admin, "s2@example.org", "m1@example.org")
    with session_scope(program.admin_store) as s:
        assign_student(s, admin, "s2@example.org", "m1@example.org", force=True)
    report = h.sync(program.admin_store)
    assert report.rejected == 0 and report.conflicts == 0, report
    assert _row(program, User, id=ids["s2"])["mentor_id"] == ids["m1"]


def test_a_submission_is_decided_once_a_second_decision_is_a_conflict(program: Program) -> None:
    h, ids = program.harness, program.ids
    now = wire_time(clock.now())
    decision = {"status": "approved", "feedback": "Lovely", "reviewer_id": ids["m1"],
                "reviewed_at": now}  # fmt: skip
    [first] = push(h, M1, _update(program, Submission, ids["sub1"], **decision))
    assert first["status"] == "applied", first
    # another device, on top of the decision it has seen: still a second decision
    second = {**decision, "status": "rejected", "feedback": "Missing tests"}
    [again] = push(h, M1, _update(program, Submission, ids["sub1"], **second))
    assert again["status"] == "conflict", again
    assert again["conflict"]["kind"] == "review"
    assert "decided this submission first" in again["message"]
    stored = _row(program, Submission, id=ids["sub1"])
    assert (stored["status"], stored["feedback"]) == ("approved", "Lovely")


def test_a_lost_decision_cannot_be_kept_over_the_first(program: Program) -> None:
    from mentor_tui.core.reviews.decisions import decide
    from mentor_tui.db.engine import session_scope
    from mentor_tui.errors import UserError
    from mentor_tui.sync import KEEP_MINE, KEEP_THEIRS, list_conflicts, resolve_conflict
    from tests import factory

    h, ids = program.harness, program.ids
    laptop, phone = h.store("laptop"), h.store("phone")
    h.login(laptop, M1)
    h.login(phone, M1)
    for store, verdict, words in ((laptop, "approve", "Lovely"), (phone, "reject", "No tests")):
        with session_scope(store) as s:
            me = factory.actor(s.get_one(User, ids["m1"]))
            decide(s, me, ids["sub1"], verdict, words)
    assert h.sync(laptop).conflicts == 0
    assert h.sync(phone).conflicts == 1
    [conflict] = [c for c in list_conflicts(phone) if c.entity_id == ids["sub1"]]
    assert conflict.kind == "review"
    with pytest.raises(UserError, match="decided once"):
        resolve_conflict(phone, conflict.id, KEEP_MINE)
    resolve_conflict(phone, conflict.id, KEEP_THEIRS)
    h.sync(phone)
    assert _row(program, Submission, id=ids["sub1"])["status"] == "approved"
