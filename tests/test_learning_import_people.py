"""`mentor-tui import FILE` and the people it brings: a new pending submission tells the
student's mentor once ("New submission", as the platform bridge does), never again on
re-import; with the program's `auto_assignment` on, a new student without a mentor is assigned
at once by the matching, acting as the importing admin."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select
from test_learning_import import ADMIN, GOOD, journal_size, run, write_jsonl

from mentor_tui.core.learning.keys import row_id
from mentor_tui.db.engine import session_scope
from mentor_tui.db.models import AuditEntry, Notification, User
from tests import factory


@pytest.fixture
def store(engine) -> None:
    with session_scope(engine) as s:
        factory.admin(s, email=ADMIN)


def told(engine, kind: str) -> list[tuple[str, str]]:
    with session_scope(engine) as s:
        rows = s.execute(
            select(Notification.user_id, Notification.message).where(Notification.type == kind)
        ).all()
    return sorted((user, message) for user, message in rows)


def test_a_new_pending_submission_tells_the_mentor_once(
    capsys, db_path, engine, store, tmp_path: Path
) -> None:
    maria = row_id("user", "m1")
    path = write_jsonl(tmp_path / "lms.jsonl", GOOD)
    assert run(capsys, db_path, "import", str(path), "--user", ADMIN)[0] == 0
    assert told(engine, "new_submission") == [(maria, "Sam Student submitted A tiny server.")]
    before = journal_size(engine)
    assert run(capsys, db_path, "import", str(path), "--user", ADMIN)[0] == 0
    assert journal_size(engine) == before  # the same file again: nobody is told again
    later = [
        {"type": "submission", "id": "sub2", "student_id": "s1", "assignment_id": "a1",
         "content": "second try", "submitted_at": "2026-03-05T10:00:00Z"},
        {"type": "submission", "id": "sub3", "student_id": "s1", "assignment_id": "a1",
         "content": "decided there", "submitted_at": "2026-03-04T10:00:00Z", "status": "approved",
         "feedback": "Good"},
    ]  # fmt: skip
    path = write_jsonl(tmp_path / "later.jsonl", later)
    assert run(capsys, db_path, "import", str(path), "--user", ADMIN)[::2] == (0, "")
    # the new pending one tells her; the one the platform decided is no work for her
    assert told(engine, "new_submission") == [(maria, "Sam Student submitted A tiny server.")] * 2


def test_the_notification_setting_off_tells_nobody(
    capsys, db_path, engine, store, tmp_path
) -> None:
    code, _, err = run(
        capsys, db_path, "settings", "set", "notifications.pending_submission_reminder", "false",
        "--user", ADMIN,
    )  # fmt: skip
    assert (code, err) == (0, "")
    path = write_jsonl(tmp_path / "lms.jsonl", GOOD)
    assert run(capsys, db_path, "import", str(path), "--user", ADMIN)[0] == 0
    assert told(engine, "new_submission") == []


def test_auto_assignment_assigns_new_students_and_their_mentor_hears_of_their_work(
    capsys, db_path, engine, store, tmp_path: Path
) -> None:
    assert (
        run(capsys, db_path, "settings", "set", "auto_assignment", "true", "--user", ADMIN)[0] == 0
    )
    records = [r for r in GOOD if r["type"] != "user"] + [
        {"type": "user", "id": "m1", "full_name": "Maria Mentor", "email": "maria@example.org",
         "role": "mentor"},
        {"type": "user", "id": "s1", "full_name": "Sam Student", "email": "sam@example.org",
         "role": "student"},  # no mentor given
    ]  # fmt: skip
    path = write_jsonl(tmp_path / "lms.jsonl", records)
    code, out, err = run(capsys, db_path, "import", str(path), "--user", ADMIN)
    assert (code, err) == (0, "")
    assert out.endswith("; 1 new student assigned by auto-assignment.\n")
    maria, sam = row_id("user", "m1"), row_id("user", "s1")
    with session_scope(engine) as s:
        assert s.get(User, sam).mentor_id == maria
        (entry,) = s.execute(select(AuditEntry).where(AuditEntry.action == "auto_assign")).scalars()
        admin = s.execute(select(User).where(User.email == ADMIN)).scalar_one()
        assert (entry.entity_id, entry.actor_id) == (sam, admin.id)
    assert told(engine, "new_submission") == [(maria, "Sam Student submitted A tiny server.")]
    code, out, _ = run(capsys, db_path, "import", str(path), "--user", ADMIN, "--json")
    assert json.loads(out)["auto_assigned"] == 0 and json.loads(out)["rows_written"] == 0
