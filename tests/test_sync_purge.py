"""Purge on reassignment (issue 15): once a student leaves a mentor, nothing in the mentor's
store file, its -wal or its -shm names the student, their id or the mentor's notes on them."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from sqlalchemy import Engine, select

from mentor_tui.core import clock
from mentor_tui.core.access import Actor
from mentor_tui.core.assignment.seats import assign_student
from mentor_tui.core.drafts.drafts import load_draft, save_draft
from mentor_tui.db.engine import session_scope
from mentor_tui.db.models import MentorshipSession, User
from tests import factory, sync_helpers
from tests.sync_helpers import Program

program_template = sync_helpers.program_template  # a fixture
program = sync_helpers.program  # a fixture

NAME = "Zebulon Quartzfield"
NOTE = "Zebulon struggles with recursion; ask about the Quartzfield family move"
DRAFT = "Half-written feedback: the Quartzfield recursion attempt"


def _file_bytes(store: Engine) -> dict[str, bytes]:
    path = Path(str(store.url.database))
    return {
        suffix: (path.parent / (path.name + suffix)).read_bytes()
        for suffix in ("", "-wal", "-shm")
        if (path.parent / (path.name + suffix)).exists()
    }


def _found(store: Engine, *needles: str) -> list[tuple[str, str]]:
    hits = []
    for suffix, data in _file_bytes(store).items():
        for needle in needles:
            for encoded in (needle.encode(), needle.encode("utf-16-le")):
                if encoded in data:
                    hits.append((suffix or "db", needle))
    return hits


def test_a_reassigned_students_name_id_and_notes_leave_the_old_mentors_store_file(
    program: Program,
) -> None:
    h, ids = program.harness, program.ids
    with session_scope(program.admin_store) as s:
        admin = Actor.of(s.execute(select(User).where(User.role == "admin")).scalar_one())
        zeb = factory.student(s, NAME, email="zebulon@example.org", goals="learn Rust")
        zeb_id = zeb.id
        assign_student(s, admin, zeb_id, ids["m1"], force=True)  # notifies m1, naming him
        _, modules = factory.course(s, modules=1)
        task = factory.assignment(s, modules[0])
        work_id = factory.submission(s, zeb, task, submitted_at=factory.hours_ago(2)).id
        s1 = s.get(User, ids["s1"])
        other_id = factory.submission(s, s1, task, submitted_at=factory.hours_ago(1)).id
    assert h.sync(program.admin_store).rejected == 0

    m1 = h.store("m1")
    h.login(m1, "m1@example.org")
    with session_scope(m1) as s:
        mentor, student = s.get(User, ids["m1"]), s.get(User, zeb_id)
        assert student is not None and student.full_name == NAME
        factory.note(s, mentor, student, NOTE)
        save_draft(s, Actor.of(mentor), "feedback", work_id, {"feedback": DRAFT})
        save_draft(s, Actor.of(mentor), "feedback", other_id, {"feedback": "stays"})
        session_id = factory.meeting(
            s, mentor, [student], starts_at=clock.now() + timedelta(days=3)
        ).id  # not at M1's seeded check-in (+1 day): the server refuses a double booking
    report = h.sync(m1)
    assert report.rejected == 0 and report.conflicts == 0, report
    assert _found(m1, NAME, zeb_id, NOTE, DRAFT), "the store holds them before the move"

    with session_scope(program.admin_store) as s:
        assign_student(s, admin, zeb_id, ids["m2"], force=True)
    assert h.sync(program.admin_store).rejected == 0
    h.sync(m1)

    assert _found(m1, NAME, zeb_id, NOTE, DRAFT) == []
    with session_scope(m1) as s:  # what the mentor may still see stays: their own session
        assert s.get(MentorshipSession, session_id) is not None
        assert load_draft(s, Actor.of(s.get(User, ids["m1"])), "feedback", other_id) is not None
        assert s.get(User, ids["s1"]) is not None
