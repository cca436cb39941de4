"""``writes.insert_many`` writes through the driver's executemany with each column type's own
bind processor: the rows it stores are the very rows SQLAlchemy's executemany stores (its
fallback), byte for byte, for every kind of column (times, booleans, floats, JSON, NULLs)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from mentor_tui.core import clock, writes
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


def written(path: Path, monkeypatch: pytest.MonkeyPatch, fast: bool) -> dict[str, list[Any]]:
    if not fast:
        monkeypatch.setattr(writes, "_MARKS", {})  # SQLAlchemy's own executemany
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
    assert len(fast["users"]) == 2 and len(fast["module_progress"]) == 2
    assert len(fast["change_journal"]) == 7
    assert len(fast["audit_log"]) == 5  # not the progress rows: they asked for none


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
