"""xAPI batches on a database that is also a mentor-tui store (its derived tables kept by
triggers): the batch's students' totals are counted once at the end (server/progress_totals.py),
and the totals, sort keys and stale marks are what the triggers would have made."""

from __future__ import annotations

import uuid
from pathlib import Path

import factory
import pytest
from sqlalchemy import text

from mentor_tui.core.learning.xapi import ActivityMap, check_statement
from mentor_tui.core.people import progress_totals, sort_keys
from mentor_tui.db.engine import session_scope
from mentor_tui.server import xapi_store
from mentor_tui.server.schema import ensure_schema, make_server_engine
from mentor_tui.server.xapi_store import Incoming, store_statements

VERB = "http://adlnet.gov/expapi/verbs/"


def _statement(email: str, module: str, verb: str, at: str, **result: object) -> Incoming:
    raw: dict[str, object] = {
        "id": str(uuid.uuid4()),
        "actor": {"mbox": f"mailto:{email}"},
        "verb": {"id": VERB + verb},
        "object": {"id": f"https://lms.example.org/modules/{module}"},
        "timestamp": at,
    }
    if result:
        raw["result"] = result
    return Incoming(str(raw["id"]), raw, check_statement(raw))


@pytest.fixture
def store(engine, db_path: Path):
    """A store with three students (one with a progress row already) and three modules, served:
    the server's schema added in place, its engine counting how often sort keys are made."""
    with session_scope(engine) as s:
        mentor = factory.mentor(s)
        people = [factory.student(s, f"Student {n}", mentor=mentor) for n in range(3)]
        _, modules = factory.course(s, modules=3)
        students = [(p.id, p.email) for p in people]
        module_ids = [m.id for m in modules]
    engine.dispose()
    server = make_server_engine(str(db_path))
    ensure_schema(server)
    with server.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO module_progress (id, created_at, updated_at, version, user_id, "
            "module_id, is_completed, percent, time_spent_minutes, last_activity_at) VALUES "
            "(?, '2026-03-01 09:00:00.000000', '2026-03-01 09:00:00.000000', 1, ?, ?, 0, 10, "
            "5, '2026-03-01 09:00:00.000000')",
            (str(uuid.uuid4()), students[0][0], module_ids[0]),
        )
    yield server, students, module_ids
    server.dispose()


def _triggers(server) -> list[str]:
    with server.connect() as conn:
        return [
            r[0]
            for r in conn.exec_driver_sql(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' ORDER BY name"
            )
        ]


def _derived_match(server) -> None:
    with session_scope(server) as s:
        assert progress_totals.kept(s) == progress_totals.recount(s)
        assert sort_keys.kept(s) == sort_keys.recount(s)


def test_a_batch_counts_its_students_once_and_keeps_the_derived_tables(store) -> None:
    server, students, modules = store
    (first, first_mail), (second, second_mail), (third, _) = students
    triggers = _triggers(server)
    assert "student_progress_totals_update" in triggers
    with server.begin() as conn:
        conn.exec_driver_sql("DELETE FROM student_risk_stale")
        # how often each student's sort keys are made (a temporary trigger: this connection's)
        conn.exec_driver_sql("CREATE TEMP TABLE made (user_id TEXT)")
        conn.exec_driver_sql(
            "CREATE TEMP TRIGGER count_made AFTER INSERT ON main.student_sort_keys "
            "BEGIN INSERT INTO made VALUES (NEW.user_id); END"
        )
    batch = [
        # the first student's row moves (an update), then two new rows
        _statement(first_mail, modules[0], "progressed", "2026-03-05T10:00:00Z",
                   extensions={"https://w3id.org/xapi/cmi5/result/extensions/progress": 60}),
        _statement(first_mail, modules[1], "completed", "2026-03-05T11:00:00Z"),
        _statement(first_mail, modules[2], "attempted", "2026-03-05T12:00:00Z"),
        _statement(second_mail, modules[1], "scored", "2026-03-05T10:30:00Z",
                   score={"scaled": 0.5}),
    ]  # fmt: skip
    assert store_statements(server, "lms", batch, ActivityMap()) == 4
    assert _triggers(server) == triggers  # made again
    _derived_match(server)
    with server.connect() as conn:
        made = [r[0] for r in conn.exec_driver_sql("SELECT user_id FROM temp.made")]
        stale = {r[0] for r in conn.exec_driver_sql("SELECT user_id FROM student_risk_stale")}
        totals = conn.execute(
            text("SELECT modules, completed FROM student_progress_totals WHERE user_id = :u"),
            {"u": first},
        ).one()
    assert sorted(made) == sorted([first, second])  # once each (per row, the triggers: 5)
    assert stale == {first, second}
    assert tuple(totals) == (3, 1)
    assert third not in made


def test_a_batch_that_fails_leaves_the_triggers_and_totals(store, monkeypatch) -> None:
    server, students, modules = store
    _, mail = students[0]
    triggers = _triggers(server)
    assert store_statements(
        server, "lms", [_statement(mail, modules[1], "completed", "2026-03-05T11:00:00Z")],
        ActivityMap(),
    ) == 1  # fmt: skip

    def fail(*_args: object) -> None:
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(xapi_store, "update_many", fail)  # after the triggers are set aside
    with pytest.raises(RuntimeError):
        store_statements(
            server, "lms", [_statement(mail, modules[1], "attempted", "2026-03-06T11:00:00Z")],
            ActivityMap(),
        )  # fmt: skip
    assert _triggers(server) == triggers
    _derived_match(server)
