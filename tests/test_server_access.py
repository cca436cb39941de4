"""The server authorises every row by SPEC section 2, whatever the client sends: a mentor can
neither read nor write another mentor's students, notes, sessions or submissions; notes reach
only their author; admins manage everything but notes; students little."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from sqlalchemy import select

from mentor_tui.db.engine import session_scope
from mentor_tui.db.models import MentorshipNote, Submission, User
from mentor_tui.sync.protocol import wire_time
from tests import factory, sync_helpers
from tests.sync_helpers import Program, user_id
from tests.sync_helpers import change as _change
from tests.sync_helpers import pull_everything as _pull_everything
from tests.sync_helpers import push as _push

program_template = sync_helpers.program_template  # a fixture
program = sync_helpers.program  # a fixture


@pytest.fixture
def with_note(program: Program) -> Program:
    """The programme, plus a private note by M2 about their student S2."""
    h = program.harness
    m2_store = h.store("m2")
    h.login(m2_store, "m2@example.org")
    with session_scope(m2_store) as s:
        m2 = s.get(User, program.ids["m2"])
        s2 = s.get(User, program.ids["s2"])
        program.ids["note2"] = factory.note(s, m2, s2, "Sue struggles with recursion").id
    assert h.sync(m2_store).pushed == 1
    return program


def test_a_mentor_pulls_only_their_students_and_their_own_notes(with_note: Program) -> None:
    h, ids = with_note.harness, with_note.ids
    seen = _pull_everything(h, h.token("m1@example.org"))
    assert ids["s1"] in seen["users"] and ids["s3"] in seen["users"]
    assert ids["s2"] not in seen["users"], "another mentor's student"
    assert seen["submissions"] == {ids["sub1"]}
    assert seen["mentorship_sessions"] == {ids["meet1"]}
    assert seen["messages"] == {ids["msg1"]}
    assert "mentorship_notes" not in seen, "M2's note never reaches M1"
    assert all(len(rows) > 0 for rows in seen.values())


def test_notes_reach_their_author_and_nobody_else_not_even_an_admin(with_note: Program) -> None:
    h, ids = with_note.harness, with_note.ids
    assert _pull_everything(h, h.token("m2@example.org"))["mentorship_notes"] == {ids["note2"]}
    assert "mentorship_notes" not in _pull_everything(h, h.token("admin@example.org"))
    assert "mentorship_notes" not in _pull_everything(h, h.token("s2@example.org"))


def test_a_student_pulls_their_own_data_and_their_mentor(with_note: Program) -> None:
    h, ids = with_note.harness, with_note.ids
    seen = _pull_everything(h, h.token("s1@example.org"))
    admin = user_id(h.engine, "admin@example.org")
    # and the admins, whom a student may write to (issue 17: the escalation path)
    assert seen["users"] == {ids["s1"], ids["m1"], admin}
    assert seen["submissions"] == {ids["sub1"]}
    assert seen["mentorship_sessions"] == {ids["meet1"]}
    assert ids["m2"] not in seen["users"]


def _note_fields(note_id: str, mentor: str, student: str, text: str) -> dict[str, Any]:
    now = wire_time(__import__("mentor_tui.core.clock", fromlist=["now"]).now())
    return {
        "id": note_id, "created_at": now, "updated_at": now, "version": 1, "deleted_at": None,
        "mentor_id": mentor, "student_id": student, "kind": "note", "note": text,
        "added_at": now, "due_date": None, "done": False, "session_id": None,
    }  # fmt: skip


def test_a_mentor_cannot_write_another_mentors_rows(with_note: Program) -> None:
    h, ids = with_note.harness, with_note.ids
    new_note = str(uuid.uuid4())
    results = _push(
        h,
        "m1@example.org",
        _change("submissions", ids["sub2"], "update", {"status": "approved", "feedback": "ok"}),
        _change("mentorship_notes", ids["note2"], "update", {"note": "overwritten"}),
        _change(
            "mentorship_notes", ids["note2"], "delete", {"deleted_at": "2025-01-01T00:00:00+00:00"}
        ),
        _change(
            "mentorship_notes",
            new_note,
            "insert",
            _note_fields(new_note, ids["m1"], ids["s2"], "x"),
        ),
        _change("users", ids["s2"], "update", {"mentor_id": ids["m1"]}),
        _change("users", ids["s1"], "update", {"mentor_id": ids["m2"]}),
        _change("mentorship_sessions", ids["meet2"], "update", {"title": "mine now"}),
        _change("messages", ids["msg2"], "update", {"body": "edited"}),
        _change("users", ids["m2"], "update", {"full_name": "Renamed"}),
    )
    assert [r["status"] for r in results] == ["rejected"] * 9, results
    assert all(r["row"] is None or r["entity_id"] in (ids["s1"], ids["m2"]) for r in results)
    with h.engine.connect() as conn:
        assert (
            conn.execute(select(Submission.status).where(Submission.id == ids["sub2"])).scalar()
            == "pending"
        )
        assert conn.execute(
            select(MentorshipNote.note).where(MentorshipNote.id == ids["note2"])
        ).scalar() == ("Sue struggles with recursion")
        assert (
            conn.execute(select(User.mentor_id).where(User.id == ids["s2"])).scalar() == ids["m2"]
        )
        assert (
            conn.execute(select(User.mentor_id).where(User.id == ids["s1"])).scalar() == ids["m1"]
        )
        assert (
            conn.execute(select(MentorshipNote.id).where(MentorshipNote.id == new_note)).first()
            is None
        )


def test_a_mentor_cannot_write_a_note_in_another_mentors_name(with_note: Program) -> None:
    h, ids = with_note.harness, with_note.ids
    forged = str(uuid.uuid4())
    [result] = _push(
        h,
        "m1@example.org",
        _change(
            "mentorship_notes", forged, "insert", _note_fields(forged, ids["m2"], ids["s1"], "x")
        ),
    )
    assert result["status"] == "rejected"
    own = str(uuid.uuid4())
    [result] = _push(
        h,
        "m1@example.org",
        _change("mentorship_notes", own, "insert", _note_fields(own, ids["m1"], ids["s1"], "ok")),
    )
    assert result["status"] == "applied" and result["row"]["note"] == "ok"


def test_admins_manage_everything_except_notes(with_note: Program) -> None:
    h, ids = with_note.harness, with_note.ids
    note = str(uuid.uuid4())
    results = _push(
        h,
        "admin@example.org",
        _change("users", ids["s3"], "update", {"status": "Inactive"}),
        _change("mentorship_notes", ids["note2"], "update", {"note": "admin reads notes?"}),
        _change("mentorship_notes", note, "insert", _note_fields(note, ids["m1"], ids["s1"], "x")),
    )
    assert [r["status"] for r in results] == ["applied", "rejected", "rejected"]


def test_students_may_not_review_or_move_themselves(with_note: Program) -> None:
    h, ids = with_note.harness, with_note.ids
    results = _push(
        h,
        "s1@example.org",
        _change("submissions", ids["sub1"], "update", {"status": "approved"}),
        _change("users", ids["s1"], "update", {"mentor_id": ids["m2"]}),
        _change("users", ids["s1"], "update", {"role": "admin"}),
        _change("submissions", ids["sub1"], "update", {"content": "csv v1, fixed"}),
        _change("users", ids["s1"], "update", {"timezone": "Europe/Berlin"}),
    )
    assert [r["status"] for r in results] == [
        "rejected",
        "rejected",
        "rejected",
        "applied",
        "applied",
    ]


def test_matching_users_by_email_reveals_only_visible_people(with_note: Program) -> None:
    h = with_note.harness
    answer = h.client.post(
        "/sync/users/match",
        json={"emails": ["s1@example.org", "s2@example.org", "m2@example.org", "x@example.org"]},
        headers=h.token("m1@example.org"),
    ).json()["users"]
    assert set(answer) == {"s1@example.org", "m2@example.org"}


def test_every_endpoint_with_another_mentors_ids_gives_nothing_of_theirs(
    with_note: Program,
) -> None:
    """Snapshot and pull cursors, match and push, all with M2's ids, as M1."""
    h, ids = with_note.harness, with_note.ids
    headers = h.token("m1@example.org")
    snap = h.client.get(
        "/sync/snapshot", params={"table": "users", "after": ids["s2"][:-1]}, headers=headers
    ).json()
    rows = {r[0] for block in snap["tables"] for r in block["rows"]}
    assert ids["s2"] not in rows and ids["note2"] not in rows and ids["sub2"] not in rows
    pulled = h.client.get("/sync/pull", params={"after": 0, "limit": 1}, headers=headers).json()
    assert ids["s2"] not in {r[0] for block in pulled["tables"] for r in block["rows"]}
    match = h.client.post(
        "/sync/users/match", json={"emails": ["s2@example.org"]}, headers=headers
    ).json()
    assert match["users"] == {}
    [result] = _push(
        h,
        "m1@example.org",
        _change("session_attendees", str(uuid.uuid4()), "update", {"rating": 5}),
    )
    assert result["status"] == "rejected" and result["row"] is None
    assert user_id(with_note.admin_store, "s2@example.org") == ids["s2"]
