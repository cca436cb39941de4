"""The protocol's building blocks: every synced table has a read rule, tombstones count for
visibility, values travel exactly, and applying pulled rows never journals."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from mentor_tui.core.access import Actor
from mentor_tui.db.models import SYNCED_TABLES, MentorshipNote
from mentor_tui.sync.protocol import BadValue, from_wire, same_value, table_specs, to_local, to_wire
from mentor_tui.sync.scopes import grants, has_read_rule, readable
from mentor_tui.sync.store import local_transaction, pending_count, upsert_rows

MENTOR = Actor("m1", "mentor", "m1@example.org", "Maria")


def test_every_synced_table_has_a_read_rule() -> None:
    specs = table_specs()
    assert set(specs) == set(SYNCED_TABLES), "every registered synced table syncs"
    missing = [name for name in specs if not has_read_rule(name)]
    assert missing == [], f"add a read rule in sync/scopes.py for {missing}"


def test_tombstoned_rows_stay_readable_by_whoever_saw_them_alive() -> None:
    sql = str(select(MentorshipNote.id).where(readable(MENTOR, "mentorship_notes")))
    assert "deleted_at IS NULL" not in sql
    assert "mentorship_notes.mentor_id" in sql and "users.id = mentorship_notes.student_id" in sql


def test_admins_have_no_grant_on_notes_and_mentors_only_their_own() -> None:
    admin = Actor("a1", "admin", "a@example.org", "Ada")
    assert grants(admin, "mentorship_notes") == ()
    assert len(grants(admin, "users")) == 1
    student = Actor("s1", "student", "s@example.org", "Sam")
    assert grants(student, "mentorship_notes") == ()
    [own] = grants(MENTOR, "mentorship_notes")
    sql = str(
        select(MentorshipNote.id).where(own.where).compile(compile_kwargs={"literal_binds": True})
    )
    assert "mentorship_notes.mentor_id = 'm1'" in sql
    assert all("insert" not in g.ops for g in grants(student, "users"))


@pytest.mark.parametrize(
    ("kind", "sent", "typed"),
    [
        ("datetime", "2025-03-01T10:00:00+02:00", datetime(2025, 3, 1, 8, 0, tzinfo=UTC)),
        ("datetime", "2025-03-01 08:00:00.000000", datetime(2025, 3, 1, 8, 0, tzinfo=UTC)),
        ("date", "2025-03-01", date(2025, 3, 1)),
        ("bool", 1, True),
        ("bool", False, False),
        ("json", ["python", "go"], ["python", "go"]),
        ("float", 3, 3.0),
        ("str", "[bold]Eve[/bold]\x1b[31m", "[bold]Eve[/bold]\x1b[31m"),
        ("str", "nul\x00byte", "nul\ufffdbyte"),
    ],
)
def test_values_travel_exactly(kind: str, sent: object, typed: object) -> None:
    assert from_wire(kind, sent) == typed


@pytest.mark.parametrize(
    ("kind", "bad"),
    [("int", "3"), ("int", True), ("bool", "yes"), ("date", 5), ("json", "[]"), ("str", 5)],
)
def test_values_of_the_wrong_kind_are_refused(kind: str, bad: object) -> None:
    with pytest.raises(BadValue):
        from_wire(kind, bad)


def test_times_travel_in_the_stores_own_format() -> None:
    moment = datetime(2025, 3, 1, 8, 0, 5, 123, tzinfo=UTC)
    assert to_wire("datetime", moment) == "2025-03-01 08:00:05.000123"
    assert to_local("datetime", "2025-03-01T10:00:05.000123+02:00") == "2025-03-01 08:00:05.000123"
    assert same_value("datetime", "2025-03-01T10:00:00+02:00", datetime(2025, 3, 1, 8, tzinfo=UTC))


def test_applying_pulled_rows_never_writes_to_the_journal(engine) -> None:
    columns = list(table_specs()["users"].columns)
    row = ["u1", "2025-01-01 00:00:00.000000", "2025-01-01 00:00:00.000000", 3, None,
           "Sam", "sam@example.org", "student", "Active", "UTC", None]  # fmt: skip
    with local_transaction(engine) as conn:
        assert upsert_rows(conn, "users", columns, [row]) == 1
        older = [*row[:3], 2, *row[4:5], "Old Sam", *row[6:]]
        upsert_rows(conn, "users", columns, [older])  # an older version never wins
        assert conn.execute("SELECT full_name, version FROM users").fetchall() == [("Sam", 3)]
        assert pending_count(conn) == 0
        assert conn.execute("SELECT count(*) FROM change_journal").fetchone() == (0,)
        assert conn.execute("SELECT count(*) FROM audit_log").fetchone() == (0,)
