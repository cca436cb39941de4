"""The client: login (empty store, or a store that joins with its data), the token file,
logout, and a client killed mid-sync that carries on without losing or doubling anything."""

from __future__ import annotations

import json
import os
import stat

import pytest
from sqlalchemy import func, select

from mentor_tui.core import writes
from mentor_tui.core.people.settings import LAST_USER, get_setting
from mentor_tui.db.engine import session_scope
from mentor_tui.db.models import JournalEntry, MentorshipNote, Module, User
from mentor_tui.errors import UserError
from mentor_tui.sync import (
    LoggedOut,
    credentials,
    list_conflicts,
    logout,
    pending_change_count,
    sync_once,
    sync_status,
)
from mentor_tui.sync import pull as pull_module
from mentor_tui.sync import push as push_module
from mentor_tui.sync.bulk_load import DEFERRED_INDEXES
from tests import factory, sync_helpers
from tests.sync_helpers import (
    PASSWORD,
    Harness,
    Program,
    server_view,
    store_view,
)

program_template = sync_helpers.program_template  # a fixture
program = sync_helpers.program  # a fixture


h = sync_helpers.harness  # a fixture


def test_login_to_an_empty_store_pulls_everything_the_account_may_see(program: Program) -> None:
    h = program.harness
    store = h.store("fresh")
    report = h.login(store, "m1@example.org")
    assert report.role == "mentor" and report.adoption is None
    assert report.sync is not None and report.sync.pulled > 0
    assert store_view(store) == server_view(h.engine, store, "m1@example.org")
    with session_scope(store) as s:
        assert get_setting(s, LAST_USER) == "m1@example.org", "the account is the acting user"
    status = sync_status(store)
    assert status.snapshot_done and status.position > 0 and status.last_sync_at is not None
    assert _indexes(store) == _indexes(h.store("never-synced"))
    assert len(_indexes(store)) > 10


def test_the_token_lives_in_an_owner_only_file_and_never_in_the_store(program: Program) -> None:
    h = program.harness
    store = h.store("fresh")
    h.login(store, "m1@example.org")
    path = credentials.credentials_path()
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(path.parent).st_mode) == 0o700
    saved = json.loads(path.read_text())
    assert len(saved) == 2, "one entry per logged-in store (the admin's and this one)"
    entry = saved[sync_status(store).client_id]
    token = entry["token"]
    assert len(token) >= 40 and entry["server_url"] == h.base
    db_bytes = (h.root / "stores" / "fresh.db").read_bytes()
    assert token.encode() not in db_bytes
    assert token not in repr(credentials.load_token(sync_status(store).client_id))


def test_logout_revokes_the_token_and_forgets_it(program: Program) -> None:
    h = program.harness
    store = h.store("fresh")
    h.login(store, "m1@example.org")
    old = credentials.load_token(sync_status(store).client_id)
    assert old is not None
    assert logout(store, client=h.client) is True
    assert credentials.load_token(sync_status(store).client_id) is None
    assert (
        h.client.get("/sync/me", headers={"Authorization": f"Bearer {old.token}"}).status_code
        == 401
    )
    with pytest.raises(LoggedOut, match="logged out"):
        sync_once(store, client=h.client)
    with session_scope(store) as s:  # the store keeps working offline
        assert s.execute(select(func.count()).select_from(User)).scalar() > 0
    h.login(store, "m1@example.org")  # and logs in again where it left off
    assert sync_status(store).snapshot_done


def test_a_wrong_password_is_one_sentence(program: Program) -> None:
    from mentor_tui.sync import login

    with pytest.raises(UserError, match=r"^Login refused: Wrong email or password.$"):
        login(
            program.harness.store("x"),
            program.harness.base,
            "m1@example.org",
            "nope",
            client=program.harness.client,
        )
    with pytest.raises(UserError, match="is not a server address"):
        login(program.harness.store("y"), "ftp://x", "m1@example.org", PASSWORD)


def test_a_store_linked_to_one_account_refuses_another(program: Program) -> None:
    h = program.harness
    store = h.store("m1")
    h.login(store, "m1@example.org")
    with pytest.raises(UserError, match=r"linked to http://testserver as m1@example.org"):
        h.login(store, "m2@example.org")


def test_a_store_with_data_joins_the_server(h: Harness) -> None:
    """A programme that started offline: an admin's store with people and work (some rows
    journaled, some written in bulk without the journal) joins a server that already knows
    the admin and one of the mentors by email."""
    admin_id = h.account("ada@example.org", "admin", "Ada on the server")
    mia_id = h.account("mia@example.org", "mentor", "Mia on the server")
    offline = h.store("offline")
    with session_scope(offline) as s:
        ada = factory.admin(s, "Ada Offline", email="ada@example.org")
        mia = factory.mentor(s, "Mia Offline", email="mia@example.org")
        sam = factory.student(s, "Sam", email="sam@example.org", mentor=mia)
        factory.course(s, "Go", modules=2)
        factory.note(s, mia, sam, "Mia's private note, typed offline")
        local_ids = (ada.id, mia.id, sam.id)
    with offline.begin() as conn:  # a bulk row, never journaled (as the demo builder writes)
        conn.exec_driver_sql(
            "INSERT INTO modules (id, created_at, updated_at, version, course_id, title, position) "
            "SELECT 'bulk-module', created_at, updated_at, 1, id, 'Bulk module', 9 FROM courses"
        )
    report = h.login(offline, "ada@example.org")
    assert report.adoption is not None and report.adoption.matched == 2
    assert report.adoption.left_out == {"mentorship_notes": 1}
    assert report.adoption.notes_kept_as_conflicts == 1
    assert report.sync is not None and report.sync.rejected == 0, report.sync
    with h.engine.connect() as conn:
        emails = sorted(conn.execute(select(User.email)).scalars())
        names = dict(conn.execute(select(User.email, User.full_name)).all())
        bulk = conn.execute(select(Module.title).where(Module.id == "bulk-module")).scalar()
        sam_on_server = conn.execute(
            select(User.mentor_id).where(User.email == "sam@example.org")
        ).scalar()
    assert emails == ["ada@example.org", "mia@example.org", "sam@example.org"], "nobody duplicated"
    assert names["mia@example.org"] == "Mia on the server", (
        "the server's copy of a matched person stands"
    )
    assert bulk == "Bulk module", "rows never journaled are pushed too"
    assert sam_on_server == mia_id, "references follow the matched person's server id"
    with session_scope(offline) as s:
        assert s.get(User, admin_id) is not None and s.get(User, local_ids[0]) is None
        assert get_setting(s, LAST_USER) == "ada@example.org"
    [kept] = list_conflicts(offline)
    assert kept.fields["note"]["mine"] == "Mia's private note, typed offline"
    assert store_view(offline) == server_view(h.engine, offline, "ada@example.org")
    assert pending_change_count(offline) == 0
    with offline.connect() as conn:  # the notes' search index survived the id moves
        conn.exec_driver_sql("INSERT INTO notes_fts(notes_fts) VALUES ('integrity-check')")


def _note_count(engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(MentorshipNote)).scalar_one())


def test_a_client_killed_after_the_server_committed_a_push_carries_on_exactly_once(
    program: Program, monkeypatch: pytest.MonkeyPatch
) -> None:
    h, ids = program.harness, program.ids
    store = h.store("m1")
    h.login(store, "m1@example.org")
    with session_scope(store) as s:
        me, sam = s.get(User, ids["m1"]), s.get(User, ids["s1"])
        for n in range(12):
            factory.note(s, me, sam, f"note {n}")
    real = push_module.apply_results
    calls = {"n": 0}

    def dies_on_the_second_batch(conn, batch, results):
        calls["n"] += 1
        if calls["n"] == 2:
            raise KeyboardInterrupt("killed")  # after the server committed this batch
        return real(conn, batch, results)

    monkeypatch.setattr(push_module, "apply_results", dies_on_the_second_batch)
    monkeypatch.setattr(push_module, "PUSH_BATCH", 5)
    with pytest.raises(KeyboardInterrupt):
        sync_once(store, client=h.client)
    assert _note_count(h.engine) == 10 and pending_change_count(store) == 7
    monkeypatch.setattr(push_module, "apply_results", real)
    report = sync_once(store, client=h.client)
    assert report.pushed == 7 and report.conflicts == 0 and report.rejected == 0
    assert _note_count(h.engine) == 12 and _note_count(store) == 12
    assert store_view(store) == server_view(h.engine, store, "m1@example.org")


@pytest.mark.parametrize(
    ("page_format", "killed_at"),
    [("sqlite", 2), ("json", 4)],  # pages as SQLite databases; as JSON, a call per table in it
)
def test_a_client_killed_mid_pull_resumes_from_the_last_page_it_kept(
    program: Program, monkeypatch: pytest.MonkeyPatch, page_format: str, killed_at: int
) -> None:
    h = program.harness
    store = h.store("admin2")
    monkeypatch.setattr(pull_module, "SNAPSHOT_PAGE", 3)
    monkeypatch.setattr(pull_module, "SNAPSHOT_FORMAT", page_format)
    # a transaction per page: pages already fetched are otherwise written together, and a kill
    # in the second would take the first back with it (as it should; the test is of a page kept)
    monkeypatch.setattr(pull_module, "BATCH_ROWS", 1)
    writer = "apply_sqlite_page" if page_format == "sqlite" else "upsert_rows"
    real = getattr(pull_module, writer)
    calls = {"n": 0}

    def dies_mid_users(*args, **kw):
        calls["n"] += 1
        if calls["n"] == killed_at:
            raise KeyboardInterrupt("killed")
        return real(*args, **kw)

    monkeypatch.setattr(pull_module, writer, dies_mid_users)
    with pytest.raises(KeyboardInterrupt):
        h.login(store, "admin@example.org")
    status = sync_status(store)
    assert not status.snapshot_done and status.snapshot_table is not None
    assert "ix_users_role_name" not in _indexes(store), "indexes wait for the snapshot's end"
    monkeypatch.setattr(pull_module, writer, real)
    with session_scope(program.admin_store) as s:  # a change while the snapshot was half done
        writes.update(s, None, s.get(User, program.ids["s3"]), {"full_name": "Sid Renamed"})
    h.sync(program.admin_store)
    sync_once(store, client=h.client)
    assert store_view(store) == server_view(h.engine, store, "admin@example.org")
    with session_scope(store) as s:
        assert s.get(User, program.ids["s3"]).full_name == "Sid Renamed"
    assert _indexes(store) == _indexes(h.store("never-synced")), "every index is back"


def _indexes(engine) -> set[str]:
    with engine.connect() as conn:
        return set(
            conn.exec_driver_sql(
                "SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
            ).scalars()
        )


def test_a_pull_killed_before_its_indexes_are_built_builds_them_and_search_on_the_next_sync(
    program: Program, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The bulk load of a first snapshot goes without secondary indexes and note-search
    triggers; a client killed after it but before they are rebuilt has a store that does not
    claim to be synced, and the next sync (a new process) builds indexes and search."""
    from mentor_tui.core.access import Actor
    from mentor_tui.core.notes.notes import search_notes
    from mentor_tui.db.engine import make_engine

    h, ids = program.harness, program.ids
    laptop = h.store("m1-laptop")
    h.login(laptop, "m1@example.org")
    with session_scope(laptop) as s:
        m1, s1 = s.get(User, ids["m1"]), s.get(User, ids["s1"])
        latin = factory.note(s, m1, s1, "Sam refactored the parser beautifully").id
        cjk = factory.note(s, m1, s1, "萨姆的进展很好").id
    sync_once(laptop, client=h.client)

    monkeypatch.setattr(pull_module, "SNAPSHOT_PAGE", 4)
    real = pull_module.restore_indexes

    def killed(conn, tables=None) -> int:
        if tables is None:
            raise KeyboardInterrupt("killed after the bulk load")
        return 0  # no table's indexes early either: all of them wait for the next sync

    monkeypatch.setattr(pull_module, "restore_indexes", killed)
    path = h.root / "stores" / "m1-desk.db"
    desk = make_engine(path)
    with pytest.raises(KeyboardInterrupt):
        h.login(desk, "m1@example.org")
    status = sync_status(desk)
    assert not status.snapshot_done, "a store without its indexes never claims to be synced"
    assert "ix_notes_mentor_student_added" not in _indexes(desk)
    assert not _triggers(desk) & {"notes_fts_ai", "notes_grams_ai"}
    with desk.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM mentorship_notes").scalar() > 0
    desk.dispose()

    monkeypatch.setattr(pull_module, "restore_indexes", real)
    desk = make_engine(path)  # reopened, as by the next run
    try:
        sync_once(desk, client=h.client)
        assert sync_status(desk).snapshot_done
        fresh = h.store("never-synced")
        assert _indexes(desk) == _indexes(fresh) and _triggers(desk) == _triggers(fresh)
        actor = Actor(ids["m1"], "mentor", "m1@example.org", "Maria Mentor")
        with session_scope(desk) as s:
            assert [hit.id for hit in search_notes(s, actor, "parser")] == [latin]
            assert [hit.id for hit in search_notes(s, actor, "进展")] == [cjk]
            new = factory.note(s, s.get(User, ids["m1"]), s.get(User, ids["s1"]), "kanban").id
        with session_scope(desk) as s:  # the triggers index notes written from here on
            assert [hit.id for hit in search_notes(s, actor, "kanban")] == [new]
        with desk.connect() as conn:
            conn.exec_driver_sql("INSERT INTO notes_fts(notes_fts) VALUES ('integrity-check')")
    finally:
        desk.dispose()


def test_a_pull_killed_after_some_tables_indexes_were_built_builds_only_the_rest_next_time(
    program: Program, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A finished table's indexes are built while later tables still arrive, and kept with
    the page that finished it; a client killed before the last page keeps them, and the next
    sync builds what is still missing and only then marks the store synced."""
    from mentor_tui.db.engine import make_engine

    h = program.harness
    monkeypatch.setattr(pull_module, "SNAPSHOT_PAGE", 3)
    monkeypatch.setattr(pull_module, "BATCH_ROWS", 1)  # every page in its own transaction
    real = pull_module.restore_indexes
    built: list[list[str]] = []

    def killed_at_the_end(conn, tables=None) -> int:
        if tables is None:
            raise KeyboardInterrupt("killed before the last table's indexes")
        count = real(conn, tables)
        if count:
            built.append(list(tables))
        return count

    monkeypatch.setattr(pull_module, "restore_indexes", killed_at_the_end)
    path = h.root / "stores" / "admin-desk.db"
    desk = make_engine(path)
    with pytest.raises(KeyboardInterrupt):
        h.login(desk, "admin@example.org")
    status = sync_status(desk)
    assert not status.snapshot_done and status.snapshot_table is not None
    assert built and "users" in built[0], "users' indexes were built before the end"
    early = _indexes(desk)
    assert "ix_users_role_name" in early, "a finished table's indexes survive the kill"
    assert not {"ix_submissions_student_live", "ix_submissions_queue"} & early
    with desk.connect() as conn:
        left = json.loads(
            conn.exec_driver_sql(
                "SELECT value FROM settings WHERE key = ?", (DEFERRED_INDEXES,)
            ).scalar()
        )
    order = list(pull_module.table_specs())
    unfinished = set(order[order.index(status.snapshot_table) :])
    assert "submissions" in {table for table, _sql in left["indexes"]} <= unfinished
    desk.dispose()

    monkeypatch.setattr(pull_module, "restore_indexes", real)
    desk = make_engine(path)  # reopened, as by the next run
    try:
        sync_once(desk, client=h.client)
        assert sync_status(desk).snapshot_done
        assert _indexes(desk) == _indexes(h.store("never-synced")), "every index is back"
        assert _triggers(desk) == _triggers(h.store("never-synced"))
        assert store_view(desk) == server_view(h.engine, desk, "admin@example.org")
    finally:
        desk.dispose()


def _triggers(engine) -> set[str]:
    with engine.connect() as conn:
        return set(
            conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'trigger'").scalars()
        )


def test_pending_change_count_counts_unpushed_local_writes(program: Program) -> None:
    h, ids = program.harness, program.ids
    store = h.store("m1")
    h.login(store, "m1@example.org")
    assert pending_change_count(store) == 0
    with session_scope(store) as s:
        note = factory.note(s, s.get(User, ids["m1"]), s.get(User, ids["s1"]), "one")
        writes.update(s, ids["m1"], note, {"note": "two"})
    assert pending_change_count(store) == 2
    sync_once(store, client=h.client)
    assert pending_change_count(store) == 0
    with session_scope(store) as s:
        assert s.execute(select(func.count()).where(JournalEntry.pushed_at.is_(None))).scalar() == 0


def test_a_sync_through_the_in_process_test_client_warns_of_nothing(program: Program) -> None:
    """The per-request timeout travels on the request itself: Starlette's TestClient (which
    warns when ``request`` is given a timeout) sees none, and a real client still honours it
    (tests/test_sync_deadline.py)."""
    import warnings

    h = program.harness
    store = h.store("m1")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        h.login(store, "m1@example.org")
        with session_scope(store) as s:
            me = s.get_one(User, program.ids["m1"])
            factory.note(s, me, s.get_one(User, program.ids["s1"]), "no warnings, please")
        report = h.sync(store)
    assert report.pushed >= 1 and report.rejected == 0, report
