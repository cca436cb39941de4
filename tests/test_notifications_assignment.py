"""Notifications (toggles, own inbox only) and assigning students to mentors (capacity, force,
audit detail, who is told)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from mentor_tui.config import Config, Notifications
from mentor_tui.core.assignment.seats import assign_student, mentor_load, unassign_student
from mentor_tui.core.notifications.notify import (
    TOGGLES,
    list_notifications,
    mark_all_read,
    mark_read,
    notify,
    unread_count,
)
from mentor_tui.db.engine import session_scope
from mentor_tui.db.models import AuditEntry, JournalEntry, Notification, User
from mentor_tui.errors import AccessDenied, NotFound, UserError
from tests import factory
from tests.school import School, build_school

CONFIG = Config()
QUIET = Config(notifications=Notifications(new_student_assignment=False))


@pytest.fixture
def school(engine) -> School:
    with session_scope(engine) as s:
        return build_school(s)


def inbox(s, user: User) -> list[tuple[str, str]]:
    return [(n.type, n.message) for n in list_notifications(s, factory.actor(user))]


# ---------------------------------------------------------------------------------------------
# Notifications


def test_notify_writes_through_the_write_path(engine, school: School) -> None:
    with session_scope(engine) as s:
        note = notify(
            s,
            CONFIG,
            user_id=school.maria.id,
            type="assignment_submission",
            title="New submission",
            message="Ada submitted Task 1",
            data={"at": school.now},
            toggle="pending_submission_reminder",
        )
        assert note is not None
        s.flush()
        journal = (
            s.execute(select(JournalEntry.op).where(JournalEntry.entity_id == note.id))
            .scalars()
            .all()
        )
        assert journal == ["insert"]
        assert note.data == {"at": school.now.isoformat()}
        assert inbox(s, school.maria) == [("assignment_submission", "Ada submitted Task 1")]


@pytest.mark.parametrize("toggle", TOGGLES)
def test_a_toggle_that_is_off_writes_nothing(engine, school: School, toggle: str) -> None:
    off = Config(notifications=Notifications(**{toggle: False}))
    with session_scope(engine) as s:
        assert notify(s, off, user_id=school.maria.id, type="t", title="T", toggle=toggle) is None
        assert notify(s, CONFIG, user_id=school.maria.id, type="t", title="T", toggle=toggle)
        assert notify(s, off, user_id=school.maria.id, type="plain", title="No toggle")
        assert [n.type for n in list_notifications(s, factory.actor(school.maria))] == [
            "plain",
            "t",
        ]
        assert unread_count(s, factory.actor(school.maria)) == 2


def test_unknown_toggle_is_a_programming_error(engine, school: School) -> None:
    with session_scope(engine) as s, pytest.raises(ValueError, match="unknown notification toggle"):
        notify(s, CONFIG, user_id=school.maria.id, type="t", title="T", toggle="typo")


def test_inbox_is_newest_first_and_private(engine, school: School) -> None:
    with session_scope(engine) as s:
        for n in range(3):
            row = notify(s, CONFIG, user_id=school.ada.id, type="t", title=f"N{n}")
            assert row is not None
            row.created_at = school.now - timedelta(hours=3 - n)
        notify(s, CONFIG, user_id=school.ben.id, type="t", title="Ben's")
    with session_scope(engine) as s:
        ada = factory.actor(school.ada)
        assert [n.title for n in list_notifications(s, ada)] == ["N2", "N1", "N0"]
        assert [n.title for n in list_notifications(s, ada, limit=2)] == ["N2", "N1"]
        ben_note = list_notifications(s, factory.actor(school.ben))[0]
        with pytest.raises(NotFound):
            mark_read(s, ada, ben_note.id)
        with pytest.raises(NotFound):
            mark_read(s, factory.actor(school.admin), ben_note.id)
        first = list_notifications(s, ada)[0]
        mark_read(s, ada, first.id, now=school.now)
        mark_read(s, ada, first.id)  # already read: nothing changes
        assert [n.title for n in list_notifications(s, ada, unread_only=True)] == ["N1", "N0"]
        assert unread_count(s, ada) == 2
        assert mark_all_read(s, ada) == 2 and unread_count(s, ada) == 0
        assert unread_count(s, factory.actor(school.ben)) == 1
        reads = (
            s.execute(
                select(AuditEntry).where(
                    AuditEntry.action == "read", AuditEntry.entity_id == first.id
                )
            )
            .scalars()
            .all()
        )
        assert len(reads) == 1 and reads[0].actor_id == school.ada.id
        with pytest.raises(UserError, match="between 0 and 1000"):
            list_notifications(s, ada, limit=5000)


# ---------------------------------------------------------------------------------------------
# Assignment


def test_mentor_load_counts_live_students_whatever_their_status(engine, school: School) -> None:
    with session_scope(engine) as s:
        assert mentor_load(s, school.maria.id) == (3, 3)
        assert mentor_load(s, school.otto.id) == (2, 5)  # Eve graduated still counts
        bare = factory.user(s, "No Profile", role="mentor")
        assert mentor_load(s, bare.id, config=Config(max_students_per_mentor=7)) == (0, 7)


def test_assign_notifies_mentor_and_student_and_audits(engine, school: School) -> None:
    admin = factory.actor(school.admin)
    with session_scope(engine) as s:
        finn = assign_student(s, admin, "finn@example.org", "otto@example.org", config=CONFIG)
        assert finn.mentor_id == school.otto.id
        assert inbox(s, school.otto) == [
            ("new_student_assignment", "Finn (finn@example.org) is now your student.")
        ]
        assert inbox(s, school.finn) == [("mentor_assigned", "Otto Other is now your mentor.")]
        (entry,) = (
            s.execute(select(AuditEntry).where(AuditEntry.action == "assign")).scalars().all()
        )
        assert entry.actor_id == school.admin.id and entry.entity_id == school.finn.id
        assert entry.detail["mentor_id"] == school.otto.id
        assert entry.detail["forced"] is False
        assert "previous_mentor_id" not in entry.detail
        assert mentor_load(s, school.otto.id) == (3, 5)


def test_the_toggle_silences_the_mentor_not_the_student(engine, school: School) -> None:
    with session_scope(engine) as s:
        assign_student(s, factory.actor(school.admin), school.finn.id, school.otto.id, config=QUIET)
        assert inbox(s, school.otto) == []
        assert [t for t, _ in inbox(s, school.finn)] == ["mentor_assigned"]


def test_capacity_is_never_exceeded_unless_forced(engine, school: School) -> None:
    admin = factory.actor(school.admin)
    with session_scope(engine) as s:
        with pytest.raises(
            UserError,
            match=r"^Maria Mentor is at capacity \(3 of 3 students\); force the assignment",
        ):
            assign_student(s, admin, "finn@example.org", "maria@example.org", config=CONFIG)
        assert s.get(User, school.finn.id).mentor_id is None
        assert inbox(s, school.maria) == []
        assign_student(s, admin, "finn@example.org", "maria@example.org", force=True, config=CONFIG)
        assert mentor_load(s, school.maria.id) == (4, 3)
        entry = s.execute(select(AuditEntry).where(AuditEntry.action == "assign")).scalar_one()
        assert entry.detail["forced"] is True and entry.detail["load_before"] == 3


def test_reassigning_names_the_old_mentor(engine, school: School) -> None:
    admin = factory.actor(school.admin)
    with session_scope(engine) as s:
        assign_student(s, admin, "ada@example.org", "otto@example.org", config=CONFIG)
        entry = s.execute(select(AuditEntry).where(AuditEntry.action == "assign")).scalar_one()
        assert entry.detail["previous_mentor_id"] == school.maria.id
        assert entry.detail["previous_mentor"] == "maria@example.org"
        assert mentor_load(s, school.maria.id) == (2, 3)
        # the same mentor again changes nothing and tells nobody twice
        assign_student(s, admin, "ada@example.org", "otto@example.org", config=CONFIG)
        assert len(inbox(s, school.otto)) == 1
        assert len(s.execute(select(AuditEntry).where(AuditEntry.action == "assign")).all()) == 1


def test_unassign(engine, school: School) -> None:
    admin = factory.actor(school.admin)
    with session_scope(engine) as s:
        ben = unassign_student(s, admin, "ben@example.org")
        assert ben.mentor_id is None
        entry = s.execute(select(AuditEntry).where(AuditEntry.action == "unassign")).scalar_one()
        assert entry.detail["previous_mentor_id"] == school.maria.id
        unassign_student(s, admin, "ben@example.org")  # nothing left to do
        assert len(s.execute(select(AuditEntry).where(AuditEntry.action == "unassign")).all()) == 1


def test_only_an_active_mentor_takes_students(engine, school: School) -> None:
    admin = factory.actor(school.admin)
    with session_scope(engine) as s:
        gone = factory.mentor(s, "Gone Mentor", email="gone@example.org", status="Inactive")
        with pytest.raises(UserError, match=r"gone@example.org is not an active mentor"):
            assign_student(s, admin, "finn@example.org", gone.id, config=CONFIG)
        with pytest.raises(UserError, match=r"ben@example.org is not a mentor"):
            assign_student(s, admin, "finn@example.org", "ben@example.org", config=CONFIG)
        with pytest.raises(UserError, match=r"maria@example.org is not a student"):
            assign_student(s, admin, "maria@example.org", "otto@example.org", config=CONFIG)
        with pytest.raises(NotFound):
            assign_student(s, admin, "finn@example.org", "nobody@example.org", config=CONFIG)


def test_only_admins_assign(engine, school: School) -> None:
    with session_scope(engine) as s:
        for who in (school.maria, school.ada):
            with pytest.raises(AccessDenied, match="Only an admin can assign"):
                assign_student(
                    s, factory.actor(who), school.finn.id, school.maria.id, config=CONFIG
                )
            with pytest.raises(AccessDenied, match="Only an admin can unassign"):
                unassign_student(s, factory.actor(who), school.ada.id)
        assert s.get(User, school.finn.id).mentor_id is None
        assert s.execute(select(Notification)).first() is None
