"""Authorisation holes (issue 15), each tried the way it would be: a push or a pull with a
valid token of the wrong person against the real server app. A mentor's own agenda template
reaches nobody else; a client writes only the notifications its own actions cause; a
student's new submission carries the work alone, never a decision."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from sqlalchemy import select

from mentor_tui.config import Config
from mentor_tui.core import clock
from mentor_tui.core.notifications.notify import notify
from mentor_tui.core.reviews.decisions import decide
from mentor_tui.core.sessions.templates import add_template
from mentor_tui.db.engine import session_scope
from mentor_tui.db.models import Assignment, Notification, SessionTemplate, Submission, User
from mentor_tui.sync.protocol import wire_time
from tests import factory, sync_helpers
from tests.sync_helpers import Program, change, pull_everything, push, user_id

program_template = sync_helpers.program_template  # a fixture
program = sync_helpers.program  # a fixture


def _on_server(program: Program, model: Any, **where: str) -> set[str]:
    query = select(model.id)
    for column, value in where.items():
        query = query.where(getattr(model, column) == value)
    with program.harness.engine.connect() as conn:
        return set(conn.execute(query).scalars())


# --- 1. a mentor's own agenda template is theirs alone --------------------------------------


def test_a_mentors_own_agenda_template_reaches_no_other_store(program: Program) -> None:
    h, ids = program.harness, program.ids
    m2_store = h.store("m2")
    h.login(m2_store, "m2@example.org")
    with session_scope(m2_store) as s:
        m2 = factory.actor(s.get_one(User, ids["m2"]))
        private = add_template(s, m2, title="My 1:1", agenda="- how is Sue doing").id
    assert h.sync(m2_store).rejected == 0
    with session_scope(program.admin_store) as s:
        admin = factory.actor(s.execute(select(User).where(User.role == "admin")).scalar_one())
        shared = add_template(s, admin, title="Kick-off", agenda="- goals").id
    assert h.sync(program.admin_store).rejected == 0

    assert pull_everything(h, h.token("m2@example.org"))["session_templates"] == {private, shared}
    for email in ("m1@example.org", "admin@example.org", "s1@example.org"):
        seen = pull_everything(h, h.token(email))
        assert seen["session_templates"] == {shared}, f"{email} is sent M2's own template"
    m1_store = h.store("m1")
    h.login(m1_store, "m1@example.org")
    with session_scope(m1_store) as s:
        assert set(s.execute(select(SessionTemplate.id)).scalars()) == {shared}


# --- 2. notifications: only those a client's own actions write ------------------------------


def test_a_mentor_cannot_notify_another_mentor_an_admin_or_a_student_at_will(
    program: Program,
) -> None:
    h, ids = program.harness, program.ids
    admin_id = user_id(program.admin_store, "admin@example.org")
    m1_store = h.store("m1")
    h.login(m1_store, "m1@example.org")
    config = Config()
    with session_scope(m1_store) as s:
        forged = [
            notify(s, config, user_id=to, type=kind, title="Reset your password at evil.example")
            for to, kind in (
                (ids["m2"], "new_student_assignment"),
                (admin_id, "feedback_received"),
                (ids["s1"], "mentor_assigned"),  # their own student, but not what M1 causes
            )
        ]
    report = h.sync(m1_store)
    assert report.rejected == 3, report
    assert _on_server(program, Notification) & {n.id for n in forged if n} == set()

    # what M1's own actions write still goes through: feedback to their student, their reminders
    with session_scope(m1_store) as s:
        m1 = factory.actor(s.get_one(User, ids["m1"]))
        decide(s, m1, ids["sub1"], "approve", "Nice parsing", config)
        notify(s, config, user_id=ids["m1"], type="review_overdue", title="Feedback overdue")
    report = h.sync(m1_store)
    assert report.rejected == 0 and report.pushed >= 3, report
    assert len(_on_server(program, Notification, user_id=ids["s1"])) == 1
    assert len(_on_server(program, Notification, user_id=ids["m1"])) == 1


def test_feedback_received_only_comes_with_a_decision(program: Program) -> None:
    """A mentor's "feedback received" to their own student is the trace of a decision: one
    naming no submission, or one still pending, is refused; the decision's own goes through."""
    h, ids = program.harness, program.ids
    m1_store = h.store("m1")
    h.login(m1_store, "m1@example.org")
    config = Config()
    with session_scope(m1_store) as s:
        forged = [
            notify(
                s,
                config,
                user_id=ids["s1"],
                type="feedback_received",
                title="Feedback available",
                message="Your password expired: log in at evil.example",
                data=data,
            )
            for data in ({}, {"submission_id": ids["sub1"]}, {"submission_id": ids["sub2"]})
        ]
    report = h.sync(m1_store)
    assert report.rejected == 3, report
    assert _on_server(program, Notification) & {n.id for n in forged if n} == set()

    with session_scope(m1_store) as s:
        m1 = factory.actor(s.get_one(User, ids["m1"]))
        decide(s, m1, ids["sub1"], "request_changes", "Handle quoted commas", config)
    report = h.sync(m1_store)
    assert report.rejected == 0, report
    (sent,) = _on_server(program, Notification, user_id=ids["s1"], type="feedback_received")
    assert sent not in {n.id for n in forged if n}


def test_a_student_cannot_notify_their_mentor_or_anyone_else(program: Program) -> None:
    h, ids = program.harness, program.ids
    now = wire_time(clock.now())

    def forged(to: str) -> dict[str, Any]:
        return {
            "id": str(uuid.uuid4()), "created_at": now, "updated_at": now, "version": 1,
            "deleted_at": None, "user_id": to, "type": "new_student_assignment",
            "title": "You have a new student", "message": "", "data": {}, "read_at": None,
        }  # fmt: skip

    rows = {to: forged(to) for to in (ids["m1"], ids["m2"], ids["s1"])}
    results = push(
        h,
        "s1@example.org",
        *(change("notifications", row["id"], "insert", row) for row in rows.values()),
    )
    assert [r["status"] for r in results] == ["rejected", "rejected", "applied"], results


# --- 3. a student's new submission is the work alone ----------------------------------------


def test_a_student_cannot_push_a_submission_already_approved(program: Program) -> None:
    h, ids = program.harness, program.ids
    s1_store = h.store("s1")
    h.login(s1_store, "s1@example.org")
    when = clock.now() - timedelta(minutes=5)
    with session_scope(s1_store) as s:
        me, task = s.get_one(User, ids["s1"]), s.get_one(Assignment, ids["task"])
        mentor = s.get_one(User, ids["m1"])
        approved = factory.submission(
            s, me, task, submitted_at=when, status="approved", reviewer=mentor,
            reviewed_at=clock.now(), feedback="Perfect, as always", attempt=2,
        ).id  # fmt: skip
        pending = factory.submission(s, me, task, submitted_at=when, attempt=2).id
    report = h.sync(s1_store)
    assert report.rejected == 1, report
    assert approved not in _on_server(program, Submission)
    assert pending in _on_server(program, Submission, status="pending")

    # nor by hand: a decision without the status, or a status without the rest
    now = wire_time(clock.now())
    work = {
        "created_at": now, "updated_at": now, "version": 1, "deleted_at": None,
        "assignment_id": ids["task"], "student_id": ids["s1"], "content": "v3",
        "submitted_at": now, "status": "pending", "feedback": None, "reviewer_id": None,
        "reviewed_at": None, "attempt": 3,
    }  # fmt: skip
    forged = [
        {"status": "approved"},
        {"feedback": "Great work"},
        {"reviewer_id": ids["m1"]},
        {"reviewed_at": now},
    ]
    ids_ = [str(uuid.uuid4()) for _ in forged]
    results = push(
        h,
        "s1@example.org",
        *(
            change("submissions", i, "insert", {**work, "id": i, **f})
            for i, f in zip(ids_, forged, strict=True)
        ),
    )
    assert [r["status"] for r in results] == ["rejected"] * 4, results
    assert _on_server(program, Submission) & set(ids_) == set()
