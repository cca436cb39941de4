"""The bridge's fast first pass keeps its promises (against a real PostgreSQL): a row's digest
is the same text whether its ids were read as UUIDs or as text, and a table filled with its
indexes set aside gets every one of them back, also when the pass is stopped on it."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import nullcontext
from datetime import UTC
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select, text

from mentor_tui.config import Config
from mentor_tui.core import clock, writes
from mentor_tui.core.people import progress_totals, sort_keys, submission_totals
from mentor_tui.db.engine import make_engine, session_scope
from mentor_tui.db.models import ModuleProgress
from mentor_tui.lms import bridge, inbound
from mentor_tui.lms.mapping import digest, digester, text_uuids
from tests.derived_support import check_recounts
from tests.lms_support import ID, make_platform, run

pytestmark = pytest.mark.postgres

ROWS = """
CREATE TABLE sample (id uuid, other uuid, at timestamptz, score numeric, name text, done bool,
                     n integer, f double precision, big bigint, small smallint, v varchar(20),
                     naive timestamp);
INSERT INTO sample VALUES
  ('0b8f6b1e-2a55-4c1a-9d43-7f0e3c5a9b10', NULL, '2026-03-01 12:30:15.123456+02', 88.50,
   'Sam ''Ü''', true, 3, 1.5, 9000000000, 2, 'x"y', '2026-03-01 10:00:00'),
  ('1b8f6b1e-2a55-4c1a-9d43-7f0e3c5a9b10', '2b8f6b1e-2a55-4c1a-9d43-7f0e3c5a9b10', NULL, NULL,
   NULL, false, NULL, NULL, NULL, NULL, NULL, NULL),
  ('3b8f6b1e-2a55-4c1a-9d43-7f0e3c5a9b10', NULL, '2026-03-01 10:30:15.123456+00', -0.0,
   'Mia', true, 3, 1.5, 9000000000, 2, 'x', NULL);
"""


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Any]:
    engine = make_engine(tmp_path / "store.db")
    yield engine
    engine.dispose()


def indexes(engine: Any) -> list[tuple[str, str]]:
    with engine.connect() as conn:
        return sorted(
            conn.exec_driver_sql(
                "SELECT name, coalesce(sql, '') FROM sqlite_master WHERE type = 'index'"
            ).all()
        )


def test_a_digest_is_the_same_whether_ids_are_read_as_uuids_or_as_text(pg_url: str) -> None:
    import psycopg

    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute(ROWS)
        plain = conn.execute("SELECT * FROM sample ORDER BY id").fetchall()
        with conn.cursor() as cur:
            text_uuids(cur)
            cur.execute("SELECT * FROM sample ORDER BY id")
            seals = digester(cur.description)
            as_text = cur.fetchall()
    assert isinstance(as_text[0][0], str) and not isinstance(plain[0][0], str)
    assert isinstance(plain[0][3], Decimal)
    assert seals(as_text) == [digest(row) for row in plain]
    assert len(set(seals(as_text))) == 3
    assert [seals([row])[0] for row in as_text] == seals(as_text)  # a row alone: the same


def test_a_first_pass_leaves_every_index_of_the_store(
    pg_url: str, store: Any, tmp_path: Path
) -> None:
    expected = indexes(store)
    assert any(name == "ix_progress_user_live" for name, _ in expected)
    with store.connect() as conn:
        cache = conn.exec_driver_sql("PRAGMA cache_size").scalar()
    platform = make_platform(pg_url)
    first = bridge.run_pass(platform, store, Config())
    assert first.taken_in["user_module_progress"] == 6
    assert indexes(store) == expected
    with store.connect() as conn:  # the pass's larger page cache is given back
        assert conn.exec_driver_sql("PRAGMA cache_size").scalar() == cache
    with session_scope(store) as s:  # the indexes are in use, and hold every row
        plan = " ".join(
            str(r[-1])
            for r in s.execute(
                text("EXPLAIN QUERY PLAN SELECT id FROM module_progress WHERE completed_at > ''")
            )
        )
        assert "ix_progress_completed" in plan
        assert s.execute(text("PRAGMA integrity_check")).scalar_one() == "ok"
    assert bridge.run_pass(platform, store, Config()).rows_in == 0


def test_a_pass_stopped_while_filling_a_table_leaves_its_indexes(
    pg_url: str, store: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = indexes(store)
    platform = make_platform(pg_url)
    real_insert = writes.insert_many

    def dying_insert(session: Any, actor: Any, model: Any, rows: Any, **kwargs: Any) -> int:
        if model is ModuleProgress and rows:  # its indexes are set aside by now
            assert "ix_progress_user_live" not in str(
                session.execute(text("SELECT group_concat(name) FROM sqlite_master")).scalar()
            )
            raise KeyboardInterrupt
        return real_insert(session, actor, model, rows, **kwargs)

    monkeypatch.setattr(inbound.writes, "insert_many", dying_insert)
    with pytest.raises(KeyboardInterrupt):
        bridge.run_pass(platform, store, Config())
    assert indexes(store) == expected
    monkeypatch.setattr(inbound.writes, "insert_many", real_insert)
    assert bridge.run_pass(platform, store, Config()).taken_in["user_module_progress"] == 6
    assert indexes(store) == expected
    with session_scope(store) as s:
        assert s.execute(select(func.count()).select_from(ModuleProgress)).scalar_one() == 6


def test_the_garbage_collector_is_paused_for_a_table_and_on_again_after(
    pg_url: str, store: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    import gc

    platform = make_platform(pg_url)
    real_insert = writes.insert_many
    seen: list[bool] = []

    def watched(*args: Any, **kwargs: Any) -> int:
        seen.append(gc.isenabled())
        return real_insert(*args, **kwargs)

    monkeypatch.setattr(inbound.writes, "insert_many", watched)
    assert gc.isenabled()
    bridge.run_pass(platform, store, Config())
    assert seen and not any(seen)
    assert gc.isenabled()
    monkeypatch.setattr(inbound.writes, "insert_many", real_insert)
    with pytest.raises(KeyboardInterrupt), inbound.collector_paused():
        raise KeyboardInterrupt
    assert gc.isenabled()


def triggers(engine: Any) -> list[tuple[str, str]]:
    with engine.connect() as conn:
        return sorted(
            conn.exec_driver_sql("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'").all()
        )


def test_a_first_pass_counts_every_student_progress_once_and_keeps_the_triggers(
    pg_url: str, store: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The totals' insert trigger is set aside while progress is filled and the totals are
    counted after: the same totals (and sort keys) as a recount, the trigger back (also after a pass stopped
    while it was set aside), and later writes counted by it again."""
    expected = triggers(store)
    assert any(name == progress_totals.INSERT_TRIGGER for name, _ in expected)
    platform = make_platform(pg_url)
    real_insert = writes.insert_many

    def dying_insert(session: Any, actor: Any, model: Any, rows: Any, **kwargs: Any) -> int:
        if model is ModuleProgress and rows:
            assert progress_totals.INSERT_TRIGGER not in str(
                session.execute(text("SELECT group_concat(name) FROM sqlite_master")).scalar()
            )
            raise KeyboardInterrupt
        return real_insert(session, actor, model, rows, **kwargs)

    monkeypatch.setattr(inbound.writes, "insert_many", dying_insert)
    with pytest.raises(KeyboardInterrupt):
        bridge.run_pass(platform, store, Config())
    assert triggers(store) == expected
    monkeypatch.setattr(inbound.writes, "insert_many", real_insert)
    assert bridge.run_pass(platform, store, Config()).taken_in["user_module_progress"] == 6
    assert triggers(store) == expected
    with session_scope(store) as s:
        totals = progress_totals.kept(s)
        assert totals == progress_totals.recount(s)
        assert sorted((m, c) for m, c, _ in totals.values()) == [(1, 1), (2, 0), (3, 2)]
        # the tables kept from the totals and from the submissions agree too (revision 0022)
        assert sort_keys.kept(s) == sort_keys.recount(s)
        assert submission_totals.kept(s) == submission_totals.recount(s)
    run(platform, "UPDATE user_module_progress SET is_completed = true, updated_at = now() "
        "WHERE id = %s", (ID["p3"],))  # fmt: skip
    assert bridge.run_pass(platform, store, Config()).rows_in == 1
    with session_scope(store) as s:
        assert progress_totals.kept(s) == progress_totals.recount(s)
        assert progress_totals.kept(s)[ID["s1"]][:2] == (3, 3)
        assert sort_keys.kept(s) == sort_keys.recount(s)


RANDOM_IDS = {"change_journal": ("change_id",), "audit_log": ("id",), "notifications": ("id",)}


def everything(engine: Any) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table of a store, in a fixed order, without the ids made at random."""
    found: dict[str, list[tuple[Any, ...]]] = {}
    with engine.connect() as conn:
        names = conn.exec_driver_sql(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'notes_%' "
            "AND name NOT IN ('alembic_version', 'sqlite_sequence')"
        ).scalars()
        for name in names:
            columns = [c[1] for c in conn.exec_driver_sql(f'PRAGMA table_info("{name}")')]
            kept = [c for c in columns if c not in RANDOM_IDS.get(name, ())]
            listed = ", ".join(f'"{c}"' for c in kept)
            found[name] = conn.exec_driver_sql(
                f'SELECT {listed} FROM "{name}" ORDER BY {listed}'
            ).all()
    return found


def test_a_first_pass_writes_the_same_rows_as_with_the_derived_triggers_on(
    pg_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every row, journal entry, link, total and sort key the first pass writes is the same as
    when the derived tables' triggers stay on for each row (the way before they were set
    aside), at one moment."""
    platform = make_platform(pg_url)
    moment = clock.now()
    monkeypatch.setattr(clock, "now", lambda: moment)
    stores = []
    for name in ("trigger-on", "set-aside"):
        engine = make_engine(tmp_path / f"{name}.db")
        stores.append(engine)
        if name == "trigger-on":
            monkeypatch.setattr(inbound, "counted_after", lambda s, t: nullcontext())
        else:
            monkeypatch.undo()
            monkeypatch.setattr(clock, "now", lambda: moment)
        bridge.run_pass(platform, engine, Config())
    try:
        on, aside = (everything(engine) for engine in stores)
        assert on["student_progress_totals"] and on["change_journal"] and on["lms_rows"]
        assert on["student_submission_totals"] and on["student_sort_keys"]
        assert on.keys() == aside.keys()
        for name in on:
            assert on[name] == aside[name], name
    finally:
        for engine in stores:
            engine.dispose()


def derived_equal_a_recount(engine: Any) -> None:
    check_recounts(engine)


def test_every_derived_trigger_is_set_aside_while_a_first_pass_fills_a_table(
    pg_url: str, store: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Users, progress and submissions are filled with no trigger of the derived tables on
    (0021, 0022: totals and sort keys; 0025: the feedback pairs); a pass stopped while filling submissions leaves the
    triggers and tables as they were, and after the next pass every derived table is its
    recount, with the triggers back."""
    expected = triggers(store)
    platform = make_platform(pg_url)
    real_insert = writes.insert_many
    filled: list[str] = []

    def watching_insert(session: Any, actor: Any, model: Any, rows: Any, **kwargs: Any) -> int:
        table = model.__tablename__
        if rows and table in ("users", "module_progress", "submissions"):
            names = (  # the at-risk stale marks stay on: they say which students were written
                # (the sessions attended, 0025, are kept from tables no pass fills this way)
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND (name LIKE 'student_%'"
                " OR name LIKE 'submission_feedback_pairs_%') AND name NOT LIKE "
                "'student_risk_stale_%' AND name NOT LIKE 'student_attended_totals_%'"
            )
            on = session.execute(text(names)).scalars().all()
            assert on == [], table
            filled.append(table)
            if table == "submissions" and kill:
                raise KeyboardInterrupt
        return real_insert(session, actor, model, rows, **kwargs)

    monkeypatch.setattr(inbound.writes, "insert_many", watching_insert)
    kill = True
    with pytest.raises(KeyboardInterrupt):
        bridge.run_pass(platform, store, Config())
    assert triggers(store) == expected
    derived_equal_a_recount(store)
    kill = False
    # the tables taken in before the stop stay in; the next pass takes the submissions
    assert bridge.run_pass(platform, store, Config()).taken_in["submissions"]
    assert filled.count("submissions") == 2
    assert {"users", "module_progress"} <= set(filled)
    assert triggers(store) == expected
    derived_equal_a_recount(store)
    with session_scope(store) as s:
        assert sort_keys.kept(s) and submission_totals.kept(s) and progress_totals.kept(s)


def journal_modes(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The store's journal mode as each batch of new rows is written (filled in as they are)."""
    modes: list[str] = []
    real_insert = writes.insert_many

    def noting_insert(session: Any, actor: Any, model: Any, rows: Any, **kwargs: Any) -> int:
        if rows:
            modes.append(session.execute(text("PRAGMA journal_mode")).scalar_one())
        return real_insert(session, actor, model, rows, **kwargs)

    monkeypatch.setattr(inbound.writes, "insert_many", noting_insert)
    return modes


def test_a_first_pass_into_an_empty_store_fills_it_with_a_rollback_journal_and_ends_in_wal(
    pg_url: str, store: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    platform = make_platform(pg_url)
    modes = journal_modes(monkeypatch)
    assert bridge.run_pass(platform, store, Config()).taken_in["user_module_progress"] == 6
    assert modes and set(modes) == {"delete"}
    with store.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    run(
        platform,
        "UPDATE users SET full_name = 'Renamed', updated_at = now() WHERE role = 'student'",
    )
    modes.clear()
    assert bridge.run_pass(platform, store, Config()).taken_in["users"]
    with store.connect() as conn:  # a store with users: its passes stay in WAL
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    derived_equal_a_recount(store)


def test_with_another_connection_on_the_store_the_first_pass_stays_in_wal(
    pg_url: str, store: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another process holding the file (the app open on it) keeps WAL; the pass still works."""
    platform = make_platform(pg_url)
    modes = journal_modes(monkeypatch)
    other = sqlite3.connect(str(store.url.database))
    try:
        other.execute("SELECT count(*) FROM users").fetchone()
        assert bridge.run_pass(platform, store, Config()).taken_in["user_module_progress"] == 6
    finally:
        other.close()
    assert modes and set(modes) == {"wal"}
    derived_equal_a_recount(store)
    assert bridge.run_pass(platform, store, Config()).rows_in == 0


def test_the_reused_json_encoder_writes_the_text_json_dumps_writes() -> None:
    """``writes.json_encoder`` (one C encoder for every row) makes ``json.dumps``'s text."""
    import json
    from datetime import UTC, datetime

    def default(value: Any) -> Any:
        if isinstance(value, datetime):
            return value.isoformat()
        raise TypeError(type(value).__name__)

    at = datetime(2026, 3, 1, 12, 30, 15, 123456, tzinfo=UTC)
    values = [
        {"b": 1, "a": None, "c": True, "d": 40.0, "e": 1e-7, "f": 1e308, "g": 'Ünï \x1f"\\'},
        {"nested": [1, {"z": at, "y": [None, False]}], "at": at, "n": -0.0, "big": 9 * 10**18},
        "text",
        3,
        None,
        [],
    ]
    for ordered in (False, True):
        encode = writes.json_encoder(default, sort_keys=ordered)
        for value in values:
            assert encode(value) == json.dumps(value, default=default, sort_keys=ordered)
    with pytest.raises(TypeError):
        writes.json_encoder()({"x": object()})


def test_the_platform_is_read_with_its_times_in_utc(pg_url: str) -> None:
    """The bridge's connection reads times as ``timezone.utc`` (kept as they are, not
    converted one by one), whatever the server's zone; the instants are the same."""
    import psycopg

    from mentor_tui.lms.platform import connect

    with psycopg.connect(pg_url, autocommit=True) as plain:
        plain.execute("SET TIME ZONE 'America/New_York'")
        there = plain.execute("SELECT timestamptz '2026-03-01 12:30:15+02'").fetchone()[0]
    conn = connect(pg_url)
    try:
        assert conn.info.parameter_status("TimeZone") == "UTC"
        here = conn.execute("SELECT timestamptz '2026-03-01 12:30:15+02'").fetchone()[0]
    finally:
        conn.close()
    assert here.tzinfo is UTC and here == there and here.hour == 10
