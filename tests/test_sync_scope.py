"""Scope changes: a student moved to another mentor leaves the old mentor's store with
everything hanging off them, arrives whole in the new mentor's, and comes back if moved back;
deletions reach every store that held the row."""

from __future__ import annotations

from sqlalchemy import select

from mentor_tui.core import writes
from mentor_tui.db.engine import session_scope
from mentor_tui.db.models import (
    MentorProfile,
    MentorshipNote,
    Message,
    ModuleProgress,
    SessionAttendee,
    StudentProfile,
    Submission,
    User,
)
from mentor_tui.sync import list_conflicts
from tests import factory, sync_helpers
from tests.sync_helpers import (
    Program,
    server_view,
    store_view,
)

program_template = sync_helpers.program_template  # a fixture
program = sync_helpers.program  # a fixture


def _ids(store, model, **where) -> set[str]:
    with session_scope(store) as s:
        query = select(model.id)
        for column, value in where.items():
            query = query.where(getattr(model, column) == value)
        return set(s.execute(query).scalars())


def _hanging_off(store, student: str) -> dict[str, set[str]]:
    return {
        "user": _ids(store, User, id=student),
        "profile": _ids(store, StudentProfile, user_id=student),
        "progress": _ids(store, ModuleProgress, user_id=student),
        "submissions": _ids(store, Submission, student_id=student),
        "notes": _ids(store, MentorshipNote, student_id=student),
        "attendees": _ids(store, SessionAttendee, student_id=student),
        "messages": _ids(store, Message, recipient_id=student)
        | _ids(store, Message, sender_id=student),
    }


def _move(program: Program, student: str, mentor: str) -> None:
    with session_scope(program.admin_store) as s:
        writes.update(s, None, s.get(User, student), {"mentor_id": mentor}, action="assign")
    assert program.harness.sync(program.admin_store).rejected == 0


def test_a_reassigned_student_leaves_the_old_mentors_store_with_all_their_rows(
    program: Program,
) -> None:
    h, ids = program.harness, program.ids
    m1, m2, s1 = h.store("m1"), h.store("m2"), h.store("s1")
    for store, email in ((m1, "m1@example.org"), (m2, "m2@example.org"), (s1, "s1@example.org")):
        h.login(store, email)
    with session_scope(m1) as s:
        factory.note(s, s.get(User, ids["m1"]), s.get(User, ids["s1"]), "Sam likes pairing")
    h.sync(m1)
    before = _hanging_off(m1, ids["s1"])
    assert all(before.values()), f"M1 holds every kind of S1's rows first: {before}"

    _move(program, ids["s1"], ids["m2"])
    report = h.sync(m1)
    assert report.removed >= sum(len(v) for v in before.values())
    assert _hanging_off(m1, ids["s1"]) == {k: set() for k in before}
    assert _ids(m1, SessionAttendee) == set() and _ids(m1, User, id=ids["s3"]) == {ids["s3"]}
    assert ids["meet1"] in _ids(
        m1, __import__("mentor_tui.db.models", fromlist=["x"]).MentorshipSession
    )

    h.sync(m2)
    arrived = _hanging_off(m2, ids["s1"])
    assert arrived["user"] and arrived["profile"] and arrived["progress"] and arrived["submissions"]
    assert arrived["notes"] == set(), "M1's private note does not travel to M2"
    assert arrived["messages"] == set(), "M1's conversation with Sam stays M1's"

    h.sync(s1)
    admin = _ids(s1, User, role="admin")
    assert _ids(s1, User) - admin == {ids["s1"], ids["m2"]}, "their new mentor only (and admins)"
    assert _ids(s1, MentorProfile) == _ids(m2, MentorProfile, user_id=ids["m2"])
    assert _ids(s1, Message) == set()

    for store, email in ((m1, "m1@example.org"), (m2, "m2@example.org"), (s1, "s1@example.org")):
        assert store_view(store) == server_view(h.engine, store, email), email


def test_moved_back_the_old_mentor_gets_the_student_and_their_own_notes_again(
    program: Program,
) -> None:
    h, ids = program.harness, program.ids
    m1 = h.store("m1")
    h.login(m1, "m1@example.org")
    with session_scope(m1) as s:
        note = factory.note(s, s.get(User, ids["m1"]), s.get(User, ids["s1"]), "before the move").id
    h.sync(m1)
    _move(program, ids["s1"], ids["m2"])
    h.sync(m1)
    assert _ids(m1, MentorshipNote) == set()
    _move(program, ids["s1"], ids["m1"])
    h.sync(m1)
    assert _ids(m1, MentorshipNote) == {note}
    assert _hanging_off(m1, ids["s1"])["submissions"] == {ids["sub1"]}
    assert store_view(m1) == server_view(h.engine, m1, "m1@example.org")


def test_a_note_typed_offline_about_a_student_moved_away_meanwhile_is_kept(
    program: Program,
) -> None:
    h, ids = program.harness, program.ids
    m1 = h.store("m1")
    h.login(m1, "m1@example.org")
    with session_scope(m1) as s:
        factory.note(s, s.get(User, ids["m1"]), s.get(User, ids["s1"]), "typed on the train")
    _move(program, ids["s1"], ids["m2"])
    report = h.sync(m1)
    assert report.rejected == 1
    [kept] = list_conflicts(m1)
    assert kept.kind == "rejected" and kept.fields["note"]["mine"] == "typed on the train"
    assert _ids(m1, MentorshipNote) == set() and _ids(m1, User, id=ids["s1"]) == set()


def test_deletions_reach_every_store_that_held_the_row(program: Program) -> None:
    h, ids = program.harness, program.ids
    m1 = h.store("m1")
    h.login(m1, "m1@example.org")
    with session_scope(program.admin_store) as s:
        writes.tombstone(s, None, s.get(Submission, ids["sub1"]))
    h.sync(program.admin_store)
    h.sync(m1)
    with session_scope(m1) as s:
        gone = s.get(Submission, ids["sub1"])
        assert gone is not None and gone.deleted_at is not None
