"""Auto-assignment of the students the learning platform bridge brings in (real PostgreSQL):
with the program's ``auto_assignment`` on, a student who arrives without a mentor is assigned at
once by the matching, acting as the store's first active admin (named in the audit log), and the
assignment goes back to the platform's ``users.mentor_id`` in the same pass."""

from __future__ import annotations

from typing import Any

import pytest
import test_lms_bridge
from sqlalchemy import select
from test_lms_bridge import ID, pid, run, sync

from mentor_tui.config import Config
from mentor_tui.db.engine import session_scope
from mentor_tui.db.models import AuditEntry, Notification, User

pytestmark = pytest.mark.postgres

platform = test_lms_bridge.platform  # the same platform database and store fixtures
store = test_lms_bridge.store

ON = Config(auto_assignment=True)
NEW = """INSERT INTO users (id, full_name, email, role, status, mentor_id, timezone)
VALUES (%s, %s, %s, 'student', 'Active', NULL, 'UTC')"""


def audit(engine: Any, action: str) -> list[AuditEntry]:
    with session_scope(engine) as s:
        entries = list(s.execute(select(AuditEntry).where(AuditEntry.action == action)).scalars())
        s.expunge_all()
    return entries


def platform_mentor(url: str, user: str) -> str | None:
    (row,) = run(url, "SELECT mentor_id::text FROM users WHERE id = %s", (user,))
    return row[0]


def test_a_new_student_is_assigned_and_the_platform_gets_the_mentor(
    platform: str, store: Any
) -> None:
    new = pid("s5")
    run(platform, NEW, (new, "Noa New", "noa@school.example"))
    first = sync(store, platform, ON)
    assert first.auto_assigned == 1
    with session_scope(store) as s:
        mentor = s.get(User, new).mentor_id
        assert mentor in (ID["m1"], ID["m2"])
        told = s.execute(select(Notification.type).where(Notification.user_id == mentor))
        assert "new_student_assignment" in list(told.scalars())
        assert s.get(User, ID["s3"]).mentor_id is None  # inactive: the matching leaves them
    assert platform_mentor(platform, new) == mentor  # written back in the same pass
    (note,) = run(
        platform, "SELECT user_id::text, title FROM notifications WHERE type = 'new_student'"
    )
    assert note == (mentor, "New student")
    (entry,) = audit(store, "auto_assign")
    assert entry.entity_id == new and entry.actor_id == ID["a0"]
    (by,) = audit(store, "lms_auto_assign")
    assert by.actor_id == ID["a0"]
    assert by.detail == {"by": "lms sync", "acting_as": "ada@school.example", "students": 2,
                         "assigned": 1, "unplaced": 0}  # fmt: skip

    # nothing new: nothing assigned, nothing written either way
    again = sync(store, platform, ON)
    assert (again.rows_in, again.rows_out, again.auto_assigned) == (0, 0, 0)

    # a student arriving on a later pass is assigned on that pass
    later = pid("s6")
    run(platform, NEW, (later, "Lu Later", "lu@school.example"))
    third = sync(store, platform, ON)
    assert third.auto_assigned == 1
    with session_scope(store) as s:
        assert s.get(User, later).mentor_id is not None
        assert platform_mentor(platform, later) == s.get(User, later).mentor_id


def test_off_a_new_student_waits(platform: str, store: Any) -> None:
    new = pid("s5")
    run(platform, NEW, (new, "Noa New", "noa@school.example"))
    assert sync(store, platform).auto_assigned == 0
    with session_scope(store) as s:
        assert s.get(User, new).mentor_id is None
    assert platform_mentor(platform, new) is None
    assert audit(store, "auto_assign") == []


def test_without_an_active_admin_the_student_waits_and_the_log_says_why(
    platform: str,
    store: Any,
) -> None:
    run(platform, "UPDATE users SET status = 'Inactive' WHERE id = %s", (ID["a0"],))
    new = pid("s5")
    run(platform, NEW, (new, "Noa New", "noa@school.example"))
    assert sync(store, platform, ON).auto_assigned == 0
    with session_scope(store) as s:
        assert s.get(User, new).mentor_id is None
    assert platform_mentor(platform, new) is None
    reasons = {e.entity_id: e.detail["reason"] for e in audit(store, "auto_assign_unplaced")}
    assert "no active admin" in reasons[new]
