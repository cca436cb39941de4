"""``writes.insert_many`` writes through the driver's executemany with each column type's own
bind processor: the rows it stores are the very rows SQLAlchemy's executemany stores (its
fallback), byte for byte, for every kind of column (times, booleans, floats, JSON, NULLs)."""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from mentor_tui.core import clock, write_rows, writes
from mentor_tui.db.engine import make_engine, session_scope
from mentor_tui.db.models import Course, Module, ModuleProgress, User

MOMENT = datetime(2026, 3, 1, 12, 30, 15, 123456, tzinfo=UTC)
USERS = [
    {"id": "u1", "full_name": "Sam Ü", "email": "sam@example.org", "role": "student",
     "created_at": datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC)},
    {"id": "u2", "full_name": "Mia", "email": "mia@example.org", "role": "mentor",
     "created_at": None},
]  # fmt: skip
PROGRESS = [
    {"id": "p1", "user_id": "u1", "module_id": "m1", "is_completed": True, "percent": 100.0,
     "time_spent_minutes": 90, "quiz_score": 88.5, "last_activity_at": MOMENT,
     "completed_at": MOMENT},
    {"id": "p2", "user_id": "u1", "module_id": "m2", "is_completed": False, "percent": 12.5,
     "time_spent_minutes": 0, "quiz_score": None, "last_activity_at": None,
     "completed_at": None},
]  # fmt: skip


def written(
    path: Path, monkeypatch: pytest.MonkeyPatch, fast: bool, *, by_sqlite: bool = False
) -> dict[str, list[Any]]:
    if not fast:
        monkeypatch.setattr(write_rows, "_MARKS", {})  # SQLAlchemy's own executemany
    # the journal entries of many rows made here (byte for byte comparable), or by SQLite
    monkeypatch.setattr(writes.Journal, "made_by_sqlite", by_sqlite)
    monkeypatch.setattr(clock, "now", lambda: MOMENT)
    ids = iter(f"id{i}" for i in range(100))
    monkeypatch.setattr(writes, "new_id", ids.__next__)
    monkeypatch.setattr(writes, "new_ids", lambda count: [next(ids) for _ in range(count)])
    engine = make_engine(path)
    with session_scope(engine) as s:
        s.execute(text("PRAGMA defer_foreign_keys = ON"))
        assert writes.insert_many(s, None, User, USERS, action="bulk") == 2
        writes.insert_many(s, None, Course, [{"id": "c1", "title": "Python"}])
        writes.insert_many(s, None, Module, [{"id": f"m{i}", "course_id": "c1", "title": f"M{i}",
                                              "position": i} for i in (1, 2)])  # fmt: skip
        writes.insert_many(s, None, ModuleProgress, PROGRESS, action="bulk", audit_each=False)
    found: dict[str, list[Any]] = {}
    with engine.connect() as conn:
        found["fields"] = conn.exec_driver_sql(
            "SELECT entity, entity_id, fields, change_id, op, base_version, actor_id, made_at, "
            "pushed_at, overrides FROM change_journal ORDER BY seq"
        ).all()
        for table in ("users", "module_progress", "change_journal", "audit_log"):
            rows = conn.exec_driver_sql(f"SELECT * FROM {table}").all()
            found[table] = sorted(
                [tuple(v for v in r if not str(v).startswith("id") or len(str(v)) > 5)
                 for r in rows], key=repr)  # fmt: skip
    engine.dispose()
    monkeypatch.undo()
    return found


def test_the_driver_path_stores_what_sqlalchemy_stores(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fast = written(tmp_path / "fast.db", monkeypatch, fast=True)
    slow = written(tmp_path / "slow.db", monkeypatch, fast=False)
    assert fast == slow
    assert [f[2] for f in fast["fields"]] == [f[2] for f in slow["fields"]]  # the same texts
    assert len(fast["users"]) == 2 and len(fast["module_progress"]) == 2
    assert len(fast["change_journal"]) == 7
    assert len(fast["audit_log"]) == 5  # not the progress rows: they asked for none


def wire_fields(entity: str, text_of_fields: str) -> dict[str, Any]:
    """A journal entry's fields as the server reads them (``from_wire`` by column kind)."""
    import json

    from mentor_tui.sync.protocol import from_wire, spec

    kinds = dict(zip(spec(entity).columns, spec(entity).kinds, strict=True))
    return {
        name: from_wire(kinds[name], value) for name, value in json.loads(text_of_fields).items()
    }


def test_journal_entries_made_by_sqlite_carry_what_those_made_in_python_carry(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The entries SQLite makes from the rows written (``core/journal_sql.py``) carry, entry
    for entry and in the same order, the fields and values the ones made in Python carry, as
    the server reads them: times, booleans, floats to the last digit, JSON, NULLs."""
    import uuid

    tricky = [PROGRESS[0] | {"percent": 100 / 3, "quiz_score": 0.1 + 0.2},
              PROGRESS[1] | {"percent": 1e-7, "quiz_score": 99.99999999999997}]  # fmt: skip
    monkeypatch.setattr(sys.modules[__name__], "PROGRESS", tricky)
    python = written(tmp_path / "python.db", monkeypatch, fast=True)
    monkeypatch.setattr(sys.modules[__name__], "PROGRESS", tricky)
    sqlite = written(tmp_path / "sqlite.db", monkeypatch, fast=True, by_sqlite=True)
    assert {k: v for k, v in python.items() if k not in ("fields", "change_journal")} == {
        k: v for k, v in sqlite.items() if k not in ("fields", "change_journal")
    }
    assert len(sqlite["fields"]) == len(python["fields"]) == 7
    for (entity, row_id, mine, _, *rest), (entity2, row_id2, theirs, change_id, *rest2) in zip(
        python["fields"], sqlite["fields"], strict=True
    ):
        assert (entity, row_id) == (entity2, row_id2)
        assert rest == rest2  # op, base version, actor, time made, not pushed, no overrides
        assert wire_fields(entity, theirs) == wire_fields(entity, mine), row_id
        # the same fields in the same order, the same texts (times spelled as isoformat())
        assert list(json.loads(theirs).items()) == list(json.loads(mine).items()), row_id
        parsed = uuid.UUID(change_id)
        assert str(parsed) == change_id and parsed.variant == uuid.RFC_4122
    # the change ids of a batch grow with the rows: they go in at one end of their index
    ids = [f[3] for f in sqlite["fields"] if f[0] == "module_progress"]
    assert ids == sorted(ids) and len(set(ids)) == 2
    assert {uuid.UUID(f[3]).version for f in sqlite["fields"]} == {7}


def test_ids_made_many_at_once_are_what_new_id_makes() -> None:
    import uuid

    from mentor_tui.db.models import new_id, new_ids

    made = new_ids(2000)
    assert len(set(made)) == 2000
    for value in [*made, new_id()]:
        parsed = uuid.UUID(value)
        assert str(parsed) == value and parsed.version == 4 and parsed.variant == uuid.RFC_4122
    assert new_ids(0) == []


def test_json_texts_are_json_text_of_each_row() -> None:
    from datetime import timedelta, timezone

    berlin = timezone(timedelta(hours=1))
    rows = [
        {"id": "a", "at": MOMENT, "other": MOMENT.astimezone(berlin), "when": None, "n": 1.5,
         "done": True, "list": ["x", MOMENT]},
        {"id": "b", "at": MOMENT.replace(microsecond=0), "other": MOMENT, "when": MOMENT,
         "n": None, "done": False, "list": []},
    ]  # fmt: skip
    assert writes.json_texts(rows, ["at", "other", "when"]) == [writes.json_text(r) for r in rows]
    assert writes.json_text(rows[0]) == __import__("json").dumps(writes.to_json_value(rows[0]))


def test_many_rows_are_checked_as_each_row_is() -> None:
    from mentor_tui.core.validation import InvalidValue, check_row, check_rows

    good = {"id": "p", "user_id": "u1", "module_id": "m1", "is_completed": False,
            "percent": 40.0, "time_spent_minutes": 1, "quiz_score": None}  # fmt: skip
    bad_rows = [
        {"time_spent_minutes": True},  # a bool among whole numbers, beside an equal 1
        {"time_spent_minutes": -1},
        {"percent": float("nan")},
        {"percent": 100.5},
        {"quiz_score": "88"},
        {"module_id": "m" * 10_000},
    ]
    for bad in bad_rows:
        rows = [good, good | {"id": "q"}, good | {"id": "r"} | bad]
        with pytest.raises(InvalidValue) as each:
            check_row("module_progress", rows[-1])
        with pytest.raises(InvalidValue) as many:
            check_rows("module_progress", rows)
        assert str(many.value) == str(each.value)
    check_rows("module_progress", [good, good | {"id": "q", "quiz_score": 70.0}])
    # other fields in one row, and lists (not hashable): value by value
    with pytest.raises(InvalidValue):
        check_rows("module_progress", [good, {"id": "x", "percent": -3.0}])
    profile = {"id": "mp", "user_id": "u", "expertise": ["Python"], "capacity": 3}
    check_rows("mentor_profiles", [profile, profile | {"id": "mq"}])
    with pytest.raises(InvalidValue):
        check_rows("mentor_profiles", [profile, profile | {"id": "mq", "capacity": -1}])


def test_a_column_of_times_is_bound_as_each_time_is() -> None:
    """``_bulk`` binds a column of times at once, each distinct time once: what SQLAlchemy's
    own processor makes of each (None, one instant in two zones, another time)."""
    from datetime import timedelta, timezone

    from sqlalchemy.dialects import sqlite

    column = ModuleProgress.__table__.c.last_activity_at  # type: ignore[attr-defined]
    dialect = sqlite.dialect()
    own = column.type.dialect_impl(dialect).bind_processor(dialect)
    later = MOMENT + timedelta(hours=3)
    values = [MOMENT, None, MOMENT.astimezone(timezone(timedelta(hours=1))), later, MOMENT, None]
    made = writes._column_processor(column, dialect)(values)
    assert list(made) == [None if v is None else own(v) for v in values]
    assert made[0] == made[2] != made[3]


def test_texts_checked_a_column_at_once_say_what_each_row_would() -> None:
    from mentor_tui.core.validation import InvalidValue, check_row, check_rows

    base = {"id": "s", "assignment_id": "a", "student_id": "u", "content": "x" * 3_000,
            "feedback": None}  # fmt: skip
    check_rows("submissions", [base, base | {"id": "t", "feedback": "ok"}])  # a long text
    for bad in ({"assignment_id": "a" * 2_001}, {"content": "x" * 1_048_577}):
        rows = [base, base | {"id": "t"} | bad]
        with pytest.raises(InvalidValue) as each:
            check_row("submissions", rows[-1])
        with pytest.raises(InvalidValue) as many:
            check_rows("submissions", rows)
        assert str(many.value) == str(each.value)
