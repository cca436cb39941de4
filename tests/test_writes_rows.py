"""The write path writes each row at once with a statement of its own (``core/write_rows.py``),
not through the ORM's unit of work: the object the caller holds is left as a flush leaves it
(persistent, its values committed, equal to a fresh read, nothing left to write), rows reach
the store in the order they were written, a rollback undoes the object as it did, and the
journal and audit entries hold what they always held."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import event, inspect, text
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session

from mentor_tui.core import clock, write_rows, writes
from mentor_tui.db.engine import session_scope
from mentor_tui.db.models import Assignment, Course, Module, Submission, Synced, User

START = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def ticking(monkeypatch: pytest.MonkeyPatch) -> None:
    """A clock a quarter second (and a microsecond) on at each reading, ids counted."""
    moments = (START + timedelta(microseconds=250_001 * i) for i in range(1, 1000))
    monkeypatch.setattr(clock, "now", moments.__next__)
    ids = (f"id{i}" for i in range(1, 1000))
    monkeypatch.setattr(writes, "new_id", ids.__next__)


def statements(engine: Any) -> list[str]:
    seen: list[str] = []

    @event.listens_for(engine, "before_cursor_execute")
    def count(conn: Any, cursor: Any, sql: str, *args: Any) -> None:
        seen.append(sql)

    return seen


def people(session: Session) -> tuple[User, User]:
    mentor = writes.insert(session, None, User(id="m1", full_name="Mo", email="m@x.org",
                                              role="mentor"))  # fmt: skip
    student = writes.insert(session, None, User(id="s1", full_name="Sue", email="s@x.org",
                                                role="student", mentor_id="m1"))  # fmt: skip
    return mentor, student


def stored(session: Session, sql: str) -> list[tuple[Any, ...]]:
    """Rows read by the driver, past the ORM (no autoflush): what the store holds now."""
    return [tuple(r) for r in session.connection().exec_driver_sql(sql).all()]


def fields_of(row: Synced) -> dict[str, Any]:
    values = {name: getattr(row, name) for name in type(row).model_fields}
    return {k: clock.aware(v) if isinstance(v, datetime) else v for k, v in values.items()}


def test_an_update_is_in_the_store_at_once_and_leaves_nothing_to_flush(engine: Any) -> None:
    with session_scope(engine) as s:
        _mentor, student = people(s)
    with session_scope(engine) as s:
        student = s.get_one(User, "s1")
        seen = statements(engine)
        writes.update(s, "m1", student, {"status": "Inactive", "mentor_id": None})
        assert stored(s, "SELECT status, mentor_id, version FROM users WHERE id = 's1'") == [
            ("Inactive", None, 2)
        ]
        assert not s.dirty and not s.new and not inspect(student).modified
        written = len(seen)
        s.flush()
        assert len(seen) == written  # nothing written twice
        assert inspect(student).persistent and s.get(User, "s1") is student
        held = fields_of(student)
    with Session(engine) as fresh:
        assert fields_of(fresh.get_one(User, "s1")) == held
    assert held["version"] == 2 and held["status"] == "Inactive"


def test_an_insert_is_in_the_store_at_once_and_the_row_is_the_sessions(engine: Any) -> None:
    with session_scope(engine) as s:
        mentor, _student = people(s)
        assert stored(s, "SELECT id, version FROM users ORDER BY id") == [("m1", 1), ("s1", 1)]
        assert not s.new and not s.dirty and inspect(mentor).persistent
        seen = statements(engine)
        assert s.get(User, "m1") is mentor
        s.flush()
        assert seen == []  # from the identity map, and nothing left to write
        held = fields_of(mentor)
    with Session(engine) as fresh:
        assert fields_of(fresh.get_one(User, "m1")) == held


def test_rows_reach_the_store_in_the_order_they_were_written(engine: Any) -> None:
    """A parent written before its child is in the store first (foreign keys are checked at
    once), as is what the caller added to the session itself before a write."""
    with session_scope(engine) as s:
        writes.insert(s, None, Course(id="c1", title="Python"))
        writes.insert(s, None, Module(id="mo1", course_id="c1", title="M1"))
        writes.insert(s, None, Assignment(id="as1", module_id="mo1", title="A1"))
        s.add(Course(id="c2", title="Go", created_at=START, updated_at=START))  # not journaled
        writes.insert(s, None, Module(id="mo2", course_id="c2", title="M2"))
    with Session(engine) as fresh:
        assert fresh.get_one(Assignment, "as1").module_id == "mo1"
        assert fresh.get_one(Module, "mo2").course_id == "c2"


def test_a_rollback_undoes_the_objects_as_it_did(engine: Any) -> None:
    with session_scope(engine) as s:
        people(s)
    with Session(engine, expire_on_commit=False) as s:
        student = s.get_one(User, "s1")
        course = writes.insert(s, None, Course(id="c1", title="Python"))
        writes.update(s, None, student, {"full_name": "Sue B"})
        s.rollback()
        assert inspect(course).transient  # expunged, as a flushed new row is
        assert student.full_name == "Sue" and student.version == 1  # expired, read again
        assert s.get(Course, "c1") is None


def test_a_savepoints_rollback_expires_the_changed_row(engine: Any) -> None:
    with session_scope(engine) as s:
        people(s)
    with Session(engine) as s:
        student = s.get_one(User, "s1")
        savepoint = s.begin_nested()
        writes.update(s, None, student, {"full_name": "Sue B"})
        savepoint.rollback()
        assert student.full_name == "Sue" and student.version == 1


def test_a_detached_row_is_updated_and_joins_the_session(engine: Any) -> None:
    with session_scope(engine) as s:
        people(s)
    with Session(engine, expire_on_commit=False) as s:
        student = s.get_one(User, "s1")
    with session_scope(engine) as s:
        writes.update(s, None, student, {"timezone": "Europe/Berlin"})
        assert s.get(User, "s1") is student and not s.dirty
    with Session(engine) as fresh:
        assert fresh.get_one(User, "s1").timezone == "Europe/Berlin"


def test_the_callers_own_unflushed_change_to_the_row_is_kept(engine: Any) -> None:
    with session_scope(engine) as s:
        people(s)
    with session_scope(engine) as s:
        student = s.get_one(User, "s1")
        student.timezone = "Asia/Tokyo"  # set directly, flushed before the write
        writes.update(s, None, student, {"full_name": "Sue B"})
    with Session(engine) as fresh:
        row = fresh.get_one(User, "s1")
        assert (row.timezone, row.full_name, row.version) == ("Asia/Tokyo", "Sue B", 2)


def test_an_update_of_a_row_gone_from_the_store_is_refused(engine: Any) -> None:
    with session_scope(engine) as s:
        people(s)
    with Session(engine) as s:
        student = s.get_one(User, "s1")
        s.execute(text("DELETE FROM users WHERE id = 's1'"))
        with pytest.raises(StaleDataError):  # here, or at the flush as the ORM's was
            writes.update(s, None, student, {"full_name": "Sue B"})
            s.flush()


def test_a_row_added_by_the_caller_first_is_written_once(engine: Any) -> None:
    with session_scope(engine) as s:
        course = Course(id="c1", title="Python")
        s.add(course)
        writes.insert(s, None, course)
    with Session(engine) as fresh:
        assert fresh.execute(text("SELECT count(*) FROM courses")).scalar() == 1


# the entries as the ORM's unit of work wrote them before (the same scenario on the code
# before this change gives these rows, byte for byte)
JOURNAL = [
    ("m1", "insert", 0, '{"id": "m1", "created_at": "2026-03-01T12:00:00.250001+00:00", "updated_at": "2026-03-01T12:00:00.250001+00:00", "version": 1, "deleted_at": null, "full_name": "Mo", "email": "m@x.org", "role": "mentor", "status": "Active", "timezone": "UTC", "mentor_id": null}', None, "2026-03-01 12:00:00.500002", None, "null"),
    ("s1", "insert", 0, '{"id": "s1", "created_at": "2026-03-01T12:00:01.000004+00:00", "updated_at": "2026-03-01T12:00:01.000004+00:00", "version": 1, "deleted_at": null, "full_name": "Sue", "email": "s@x.org", "role": "student", "status": "Active", "timezone": "UTC", "mentor_id": "m1"}', None, "2026-03-01 12:00:01.250005", None, "null"),
    ("s1", "update", 1, '{"status": "Inactive", "mentor_id": null}', "m1", "2026-03-01 12:00:02.000008", None, '["capacity"]'),
    ("s1", "delete", 2, '{"deleted_at": "2026-03-01T12:00:02.500010+00:00"}', "m1", "2026-03-01 12:00:02.750011", None, "null"),
]  # fmt: skip
AUDIT = [
    (None, "create", "users", "m1", "2026-03-01 12:00:00.750003", "{}"),
    (None, "create", "users", "s1", "2026-03-01 12:00:01.500006", "{}"),
    ("m1", "unassign", "users", "s1", "2026-03-01 12:00:02.250009", '{"fields": ["mentor_id", "status"], "why": "left", "at": "2026-03-01T12:00:00+00:00"}'),
    ("m1", "delete", "users", "s1", "2026-03-01 12:00:03.000012", "{}"),
]  # fmt: skip


@pytest.mark.parametrize("own_sql", [True, False])
def test_journal_and_audit_entries_are_as_they_were(
    engine: Any, ticking: None, own_sql: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not own_sql:  # SQLAlchemy's own statements: the same rows
        monkeypatch.setattr(write_rows, "_MARKS", {})
    with session_scope(engine) as s:
        _mentor, student = people(s)
        writes.update(s, "m1", student, {"status": "Inactive", "mentor_id": None}, action="unassign",
                      detail={"why": "left", "at": START}, overrides=["capacity"])  # fmt: skip
        writes.tombstone(s, "m1", student)
    with engine.connect() as conn:
        journal = conn.exec_driver_sql(
            "SELECT entity_id, op, base_version, fields, actor_id, made_at, pushed_at, "
            "coalesce(overrides, 'NULL'), change_id FROM change_journal ORDER BY seq"
        ).all()
        audit = conn.exec_driver_sql(
            "SELECT actor_id, action, entity, entity_id, at, detail FROM audit_log ORDER BY at"
        ).all()
    assert [tuple(r[:8]) for r in journal] == JOURNAL
    assert len({r[8] for r in journal}) == 4  # each its own change id
    assert [tuple(r) for r in audit] == AUDIT


class Recorded:
    """A change log of another kind (the sync server's, say), installed for the session."""

    def __init__(self) -> None:
        self.changes: list[tuple[Any, ...]] = []

    def record(self, session: Session, actor_id: str | None, row: Synced, op: str,
               base_version: int, fields: dict[str, Any], overrides: list[str] | None,
               previous: dict[str, Any]) -> None:  # fmt: skip
        self.changes.append((op, row.id, row.version, base_version, fields, previous))

    def record_many(
        self, session: Session, actor_id: str | None, table: Any, rows: list[dict[str, Any]]
    ) -> None:
        raise AssertionError("not written here")


def test_a_change_log_of_its_own_gets_each_change_with_the_row_as_written(engine: Any) -> None:
    log = Recorded()
    with session_scope(engine) as s:
        writes.use_change_log(s, log)
        _mentor, student = people(s)
        writes.update(s, None, student, {"full_name": "Sue B"})
    assert [c[:4] for c in log.changes] == [
        ("insert", "m1", 1, 0),
        ("insert", "s1", 1, 0),
        ("update", "s1", 2, 1),
    ]
    assert log.changes[2][4:] == ({"full_name": "Sue B"}, {"full_name": "Sue"})
    with Session(engine) as fresh:
        assert fresh.execute(text("SELECT count(*) FROM change_journal")).scalar() == 0


def test_a_decision_leaves_the_submission_as_stored(engine: Any) -> None:
    from mentor_tui.config import Config
    from mentor_tui.core.access import Actor
    from mentor_tui.core.reviews.decisions import decide

    with session_scope(engine) as s:
        people(s)
        for parent in (Course(id="c1", title="Python"), Module(id="mo1", course_id="c1",
                       title="M1"), Assignment(id="as1", module_id="mo1", title="Hello")):  # fmt: skip
            writes.insert(s, None, parent)
            s.flush()
        writes.insert(s, "s1", Submission(id="sub1", assignment_id="as1", student_id="s1",
                                          submitted_at=START))  # fmt: skip
    with session_scope(engine) as s:
        mentor = Actor.of(s.get_one(User, "m1"))
        decided = decide(s, mentor, "sub1", "request_changes", "More tests", Config())
        assert not s.dirty and not s.new
        held = fields_of(decided)
        message = stored(s, "SELECT message FROM notifications WHERE user_id = 's1'")
    with Session(engine) as fresh:
        assert fields_of(fresh.get_one(Submission, "sub1")) == held
    assert held["status"] == "changes_requested" and held["version"] == 2
    assert message == [("Your submission 'Hello' was sent back for changes.",)]
