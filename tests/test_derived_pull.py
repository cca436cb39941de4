"""The derived tables (progress totals, submission totals, sort keys, feedback pairs, sessions attended) after a sync's pull: a
first snapshot into an empty store goes without the triggers that keep them and fills them once
at the end (``sync/bulk_load.py``); a pull into a store with rows keeps them row by row. Either
way they equal a full recount, and the triggers are back for the writes after it."""

from __future__ import annotations

import shutil
import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest
from derived_support import check_recounts, three_students
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, select
from test_attended_totals import counted as counted_attended
from test_attended_totals import kept as kept_attended
from test_feedback_pairs import counted as counted_pairs
from test_feedback_pairs import kept as kept_pairs
from test_sort_keys import _write
from test_sort_keys import step as any_step
from test_submission_totals import STUDENTS

from mentor_tui.core import clock, writes
from mentor_tui.core.people import sort_keys
from mentor_tui.db.engine import make_engine, session_scope
from mentor_tui.db.models import ModuleProgress, Submission, User
from mentor_tui.sync import pull as pull_module
from mentor_tui.sync import sync_once
from mentor_tui.sync.bulk_load import defer_indexes, restore_indexes
from mentor_tui.sync.protocol import table_specs
from mentor_tui.sync.sqlite_page import PAGE_SCHEMA, apply_sqlite_page
from tests import sync_helpers
from tests.sync_helpers import Program

program_template = sync_helpers.program_template  # a fixture
program = sync_helpers.program  # a fixture

KEEPING = ("student_progress_totals_", "student_submission_totals_", "student_sort_keys_",
           "submission_feedback_pairs_", "student_attended_totals_")  # fmt: skip


def check_derived(engine: Engine) -> tuple[int, ...]:
    """Each derived table equals its recount (revision 0025's two as well); how many rows the
    first three have."""
    sizes = check_recounts(engine)
    with session_scope(engine) as s:
        assert kept_pairs(s) == counted_pairs(s)
        assert kept_attended(s) == counted_attended(s)
    return sizes


def keeping_triggers(path: Path) -> set[str]:
    conn = sqlite3.connect(path)
    try:
        names = conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        return {n for (n,) in names if n.startswith(KEEPING)}
    finally:
        conn.close()


@pytest.fixture
def school(engine) -> tuple[list[str], str, list[str]]:
    """Three students, one assignment, a course of three modules (as test_sort_keys')."""
    return three_students(engine)


def pull_rows(source: Path, target: Path, *, bulk: bool) -> None:
    """Every synced row of ``source`` written into ``target`` as a snapshot page is (the
    source attached as the page), in one transaction; with ``bulk`` as into an empty store:
    its indexes and triggers set aside first, built and refilled after."""
    conn = sqlite3.connect(target, isolation_level=None)
    try:
        conn.execute("PRAGMA trusted_schema=OFF")  # as while a pull's page is attached
        conn.execute(f"ATTACH ? AS {PAGE_SCHEMA}", (str(source),))
        conn.execute("BEGIN IMMEDIATE")
        if bulk:
            assert defer_indexes(conn) > 0
        apply_sqlite_page(conn, {"tables": list(table_specs())}, set(), insert=bulk)
        if bulk:
            assert restore_indexes(conn) > 0
        conn.execute("COMMIT")
    finally:
        conn.close()


examples = iter(range(10**9))


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    first=st.lists(any_step, min_size=1, max_size=10),
    then=st.lists(any_step, min_size=0, max_size=8),
)
def test_a_pull_keeps_the_derived_tables_equal_to_a_recount(
    engine, db_path, school, empty_store, first, then
) -> None:
    """Random writes to students, their progress and their submissions; the store's rows
    pulled into an empty store (the bulk route), then more writes pulled into it again (the
    upsert, its triggers at work)."""
    for op in first:
        _write(engine, db_path, school, op)
    target = db_path.parent / f"pulled-{next(examples)}.db"
    shutil.copyfile(empty_store, target)
    pull_rows(db_path, target, bulk=True)
    pulled = make_engine(target)
    try:
        check_derived(pulled)
        assert keeping_triggers(target) == keeping_triggers(empty_store)
        for op in then:
            _write(engine, db_path, school, op)
        pull_rows(db_path, target, bulk=False)
        check_derived(pulled)
    finally:
        pulled.dispose()
        target.unlink()


def test_a_first_pull_fills_the_derived_tables_once(engine, db_path, school, empty_store) -> None:
    students = school[0]
    at = clock.now()
    _write(engine, db_path, school, ("insert", 0, "pending", at))
    _write(engine, db_path, school, ("progress", 1, 0, True, at - timedelta(days=1)))
    _write(engine, db_path, school, ("progress", 1, 1, False, at - timedelta(days=2)))
    target = db_path.parent / "pulled.db"
    shutil.copyfile(empty_store, target)
    pull_rows(db_path, target, bulk=True)
    pulled = make_engine(target)
    try:
        assert check_derived(pulled) == (1, 1, STUDENTS)
        with session_scope(pulled) as s:
            keys = sort_keys.kept(s)
        assert keys[students[0]][1:3] == (0.0, 1)
        assert keys[students[1]][1:3] == (50.0, 0)
    finally:
        pulled.dispose()


def test_a_login_and_the_syncs_after_it_keep_the_derived_tables(
    program: Program, monkeypatch: pytest.MonkeyPatch
) -> None:
    """End to end against the server: the admin's first snapshot into an empty store (the
    bulk route) and the change log pulled after it (row by row)."""
    h, ids = program.harness, program.ids
    monkeypatch.setattr(pull_module, "SNAPSHOT_PAGE", 4)  # many pages, several transactions
    store = h.store("admin-laptop")
    h.login(store, "admin@example.org")
    assert check_derived(store) == (2, 2, 3)
    assert keeping_triggers(h.root / "stores" / "admin-laptop.db") == keeping_triggers(
        h.root / "stores" / "admin.db"
    )
    now = clock.now()
    with session_scope(program.admin_store) as s:  # the programme moves on elsewhere
        s3 = s.get(User, ids["s3"])
        writes.update(s, None, s3, {"full_name": "Sid Renamed"})
        row = ModuleProgress(user_id=ids["s3"], module_id=ids["module"], is_completed=True)
        row.last_activity_at = now
        writes.insert(s, None, row)
        writes.update(s, None, s.get(Submission, ids["sub1"]), {"status": "approved"})
    h.sync(program.admin_store)
    sync_once(store, client=h.client)
    assert check_derived(store) == (3, 2, 3)
    with session_scope(store) as s:
        keys = sort_keys.kept(s)
    assert keys[ids["s3"]][:3] == ("Sid Renamed", 100.0, 0)
    assert keys[ids["s1"]][2] == 0
    with session_scope(store) as s:
        same = s.execute(select(User.full_name).where(User.id == ids["s3"])).scalar_one()
    assert same == "Sid Renamed"
