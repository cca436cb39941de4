"""A store the learning platform bridge filled, pushed to a sync server: the server ends with
the very rows whether the first pass's journal entries were made by SQLite
(``core/journal_sql.py``) or in Python (the form stores already hold), a row changed after the
bulk insert included."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlmodel import select

from mentor_tui.config import Config
from mentor_tui.core import clock, writes
from mentor_tui.db.engine import session_scope
from mentor_tui.db.models import ModuleProgress, Submission
from mentor_tui.lms import bridge
from mentor_tui.sync.protocol import table_specs
from tests.lms_support import ID, make_platform
from tests.sync_helpers import Harness, fast_hashing, live_rows, server_view, store_view

pytestmark = pytest.mark.postgres

ADMIN = "ada@school.example"  # the platform's admin, an admin on the server too


def pushed(
    platform: str, root: Path, monkeypatch: pytest.MonkeyPatch, *, by_sqlite: bool
) -> tuple[dict[str, dict[str, Any]], list[tuple[Any, ...]]]:
    """The server's live rows after a logged-in store's first pass and push; with one progress
    row and one submission changed here between the two. Also the store's journal."""
    monkeypatch.setattr(writes.Journal, "made_by_sqlite", by_sqlite)
    h = Harness(root)
    try:
        admin = h.account(ADMIN, "admin", "Ada Admin")  # an id of its own in each run
        store = h.store("store")
        h.login(store, ADMIN)
        bridge.run_pass(platform, store, Config())
        with session_scope(store) as s:
            progress = s.get(ModuleProgress, ID["p3"])
            assert progress is not None and progress.version == 1
            writes.update(s, None, progress, {"percent": 55.5, "quiz_score": 1 / 3})
            submission = s.exec(select(Submission).where(Submission.id == ID["sub1"])).one()
            writes.tombstone(s, None, submission)
        report = h.sync(store)
        assert report.pushed > 20 and not report.conflicts
        assert not h.sync(store).pushed  # nothing left: each entry went once
        with store.connect() as conn:
            journal = conn.exec_driver_sql(
                "SELECT entity, entity_id, op, base_version, pushed_at IS NOT NULL "
                "FROM change_journal ORDER BY seq"
            ).all()
            # what the server refused (the same either way), by row and field
            journal += conn.exec_driver_sql(
                "SELECT entity, entity_id, kind, fields FROM sync_conflicts ORDER BY entity_id"
            ).all()
        rows = {
            name: {
                same(admin, key): {k: same(admin, v) for k, v in row.items()}
                for key, row in live_rows(h.engine, name).items()
            }
            for name in table_specs()
        }
        return rows, [tuple(same(admin, v) for v in entry) for entry in journal]
    finally:
        h.close()


def same(admin: str, value: Any) -> Any:
    return "the admin" if value == admin else value


def test_the_server_gets_the_same_rows_from_entries_made_by_sqlite_or_in_python(
    pg_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fast_hashing(monkeypatch)
    platform = make_platform(pg_url)
    moment = clock.now()
    monkeypatch.setattr(clock, "now", lambda: moment)
    python, python_journal = pushed(platform, tmp_path / "python", monkeypatch, by_sqlite=False)
    sqlite, sqlite_journal = pushed(platform, tmp_path / "sqlite", monkeypatch, by_sqlite=True)
    assert sqlite_journal == python_journal  # the same entries, in the same order, all pushed
    assert all(entry[-1] for entry in sqlite_journal if entry[2] in ("insert", "update"))
    # the bulk-inserted tables did arrive, and the rows changed afterwards as they are now
    assert len(sqlite["module_progress"]) == 6 and len(sqlite["submissions"]) == 2
    assert ID["sub1"] not in sqlite["submissions"]
    changed = sqlite["module_progress"][ID["p3"]]
    assert (changed["percent"], changed["quiz_score"], changed["version"]) == (55.5, 1 / 3, 2)
    assert len(sqlite["courses"]) == 1 and len(sqlite["assignments"]) == 2
    assert sqlite.keys() == python.keys()
    for name in python:
        assert sqlite[name] == python[name], name


def test_a_store_filled_before_its_first_login_sends_every_row_at_that_login(
    pg_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A first pass into a store never joined to a server journals nothing in bulk (its first
    login queues every row it holds, as it then is: ``sync/adopt.py``); the server still ends
    with every row, a row changed between the two as it is now."""
    fast_hashing(monkeypatch)
    platform = make_platform(pg_url)
    h = Harness(tmp_path)
    try:
        h.account(ADMIN, "admin", "Ada Admin")
        store = h.store("store")
        bridge.run_pass(platform, store, Config())
        with store.connect() as conn:
            bulk = conn.exec_driver_sql(
                "SELECT count(*) FROM change_journal WHERE entity IN "
                "('users', 'module_progress', 'submissions', 'courses', 'modules')"
            ).scalar_one()
        assert bulk == 0  # no entry made only to be marked sent, unread, at the login
        with session_scope(store) as s:
            progress = s.get(ModuleProgress, ID["p3"])
            assert progress is not None
            writes.update(s, None, progress, {"percent": 55.5})
        report = h.login(store, ADMIN)
        assert report.adoption is not None and report.adoption.queued > 20
        assert report.sync is not None and not report.sync.conflicts
        assert not h.sync(store).pushed  # each row went once
        mine, theirs = store_view(store), server_view(h.engine, store, ADMIN)
        assert len(mine["module_progress"]) == 6 and len(mine["submissions"]) == 3
        assert mine["module_progress"][ID["p3"]]["percent"] == 55.5
        for name in ("users", "courses", "modules", "module_progress", "submissions"):
            assert theirs[name].keys() == mine[name].keys(), name
            for key, row in mine[name].items():
                same_fields = {k: v for k, v in row.items() if k not in ("version", "created_at")}
                assert {k: theirs[name][key][k] for k in same_fields} == same_fields, (name, key)
    finally:
        h.close()


def test_a_login_that_found_the_store_empty_and_sees_rows_at_its_end_asks_again(
    pg_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A bridge pass that fills a never-joined store while a login is between reading the store
    (empty: nothing to queue) and saving it as joined: the login stops with one sentence and
    the next one queues the rows, so none is left unsent."""
    from mentor_tui.errors import UserError
    from mentor_tui.sync import client

    fast_hashing(monkeypatch)
    platform = make_platform(pg_url)
    h = Harness(tmp_path)
    try:
        h.account(ADMIN, "admin", "Ada Admin")
        store = h.store("store")
        real = client.store_has_data

        def filled_meanwhile(conn: Any) -> bool:
            found = real(conn)  # empty: the login will not queue anything
            monkeypatch.setattr(client, "store_has_data", real)
            conn.execute("COMMIT")  # the login's read ends; the pass writes, then it goes on
            bridge.run_pass(platform, store, Config())
            conn.execute("BEGIN IMMEDIATE")
            return found

        monkeypatch.setattr(client, "store_has_data", filled_meanwhile)
        with pytest.raises(UserError, match="log in again"):
            h.login(store, ADMIN)
        report = h.login(store, ADMIN)
        assert report.adoption is not None and report.adoption.queued > 20
        theirs = server_view(h.engine, store, ADMIN)
        assert len(theirs["module_progress"]) == 6 and len(theirs["submissions"]) == 3
    finally:
        h.close()
