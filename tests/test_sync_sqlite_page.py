"""Snapshot pages as SQLite databases (``format=sqlite``): the same rows as the JSON pages for
every account, a page from the server read as untrusted input, pages made alike read one after
another in one transaction, and the first pull's quick paths (plain inserts, the rollback
journal) that never change what ends up in the store."""

from __future__ import annotations

import json
import sqlite3
from typing import Any

import httpx
import pytest

from mentor_tui.sync import pull as pull_module
from mentor_tui.sync.fetch_ahead import FetchAhead
from mentor_tui.sync.http import ServerUnavailable
from mentor_tui.sync.protocol import SQLITE_PAGE_TYPE, table_specs, to_wire
from mentor_tui.sync.sqlite_page import (
    PAGE_META,
    PAGE_SCHEMA,
    SqlitePage,
    apply_sqlite_page,
    open_page,
)
from mentor_tui.sync.store import local_transaction, upsert_rows
from tests import sync_helpers
from tests.sync_helpers import Program, server_view, store_view

program_template = sync_helpers.program_template  # a fixture
program = sync_helpers.program  # a fixture


def _walk(h: Any, headers: dict[str, str], page_format: str) -> dict[str, dict[str, list[Any]]]:
    """Every snapshot row an account gets, by table and id, as wire values."""
    rows: dict[str, dict[str, list[Any]]] = {}
    params: dict[str, Any] = {"limit": 4, "format": page_format}
    while True:
        answer = h.client.get("/sync/snapshot", params=params, headers=headers)
        assert answer.status_code == 200, answer.text
        if page_format == "json":
            page = answer.json()
            for block in page["tables"]:
                for row in block["rows"]:
                    rows.setdefault(block["table"], {})[row[0]] = row
        else:
            assert answer.headers["content-type"] == SQLITE_PAGE_TYPE
            conn = sqlite3.connect(":memory:")
            conn.deserialize(answer.content)
            page = json.loads(conn.execute(f"SELECT meta FROM {PAGE_META}").fetchone()[0])
            for name in page["tables"]:
                spec = table_specs()[name]
                for row in conn.execute(f'SELECT * FROM "{name}"'):
                    wire = [to_wire(k, v) for k, v in zip(spec.kinds, row, strict=True)]
                    rows.setdefault(name, {})[row[0]] = wire
            conn.close()
        if page["next"] is None:
            return rows
        params.update(table=page["next"]["table"], after=page["next"]["after"])


@pytest.mark.parametrize("email", ["admin@example.org", "m1@example.org", "s1@example.org"])
def test_sqlite_pages_hold_exactly_the_rows_of_the_json_pages(program: Program, email: str) -> None:
    h = program.harness
    headers = h.token(email)
    as_json = _walk(h, headers, "json")
    as_sqlite = _walk(h, headers, "sqlite")
    assert as_sqlite == as_json
    assert sum(len(rows) for rows in as_json.values()) > 10


def test_a_mentor_never_gets_another_mentors_rows_in_a_sqlite_page(program: Program) -> None:
    h, ids = program.harness, program.ids
    seen = _walk(h, h.token("m1@example.org"), "sqlite")
    assert ids["s1"] in seen["users"] and ids["s2"] not in seen["users"]
    assert ids["sub2"] not in seen.get("submissions", {})
    cursor = {"table": "users", "after": ids["s2"][:-1], "format": "sqlite"}
    answer = h.client.get("/sync/snapshot", params=cursor, headers=h.token("m1@example.org"))
    conn = sqlite3.connect(":memory:")
    conn.deserialize(answer.content)
    meta = json.loads(conn.execute(f"SELECT meta FROM {PAGE_META}").fetchone()[0])
    sent = {r[0] for name in meta["tables"] for r in conn.execute(f'SELECT id FROM "{name}"')}
    assert ids["s2"] not in sent  # (the page may hold no users at all past that cursor)


def test_a_first_pull_through_sqlite_pages_equals_the_servers_view(program: Program) -> None:
    h = program.harness
    store = h.store("fresh")
    h.login(store, "admin@example.org")
    assert store_view(store) == server_view(h.engine, store, "admin@example.org")


# --- a page is untrusted input ------------------------------------------------------------


def _page(build: str, meta: str | None = '{"tables": ["users"], "next": null}') -> SqlitePage:
    conn = sqlite3.connect(":memory:")
    conn.executescript(build)
    if meta is not None:
        conn.execute(f'CREATE TABLE "{PAGE_META}" (meta TEXT)')
        conn.execute(f'INSERT INTO "{PAGE_META}" VALUES (?)', (meta,))
    conn.commit()
    return SqlitePage(conn.serialize())


USERS = "CREATE TABLE users (id TEXT, full_name TEXT); INSERT INTO users VALUES ('u', 'U');"
BAD_PAGES = {
    "not a database": SqlitePage(b"this is not an SQLite database at all" * 200),
    "a view": _page(USERS + "CREATE VIEW sneaky AS SELECT 1;"),
    "a trigger": _page(USERS + "CREATE TRIGGER t AFTER INSERT ON users BEGIN SELECT 1; END;"),
    "an unknown table": _page(USERS + "CREATE TABLE payload (x);"),
    "no meta": _page(USERS, meta=None),
    "meta that is not JSON": _page(USERS, meta="{not json"),
    "meta naming a missing table": _page(USERS, meta='{"tables": ["messages"], "next": null}'),
    "rows without ids": _page(
        "CREATE TABLE users (full_name TEXT); INSERT INTO users VALUES ('U');"
    ),
}


@pytest.mark.parametrize("case", list(BAD_PAGES))
def test_a_page_that_is_not_a_snapshot_page_is_refused_and_nothing_is_written(
    program: Program, case: str
) -> None:
    store = program.harness.store("fresh")
    before = store_view(store)
    with (
        pytest.raises(ServerUnavailable, match="cannot be read"),
        local_transaction(store, attach=PAGE_SCHEMA) as conn,
    ):
        meta = open_page(conn, BAD_PAGES[case])
        apply_sqlite_page(conn, meta, set(), insert=True)
    assert store_view(store) == before


def test_pages_made_alike_are_each_read_as_themselves_in_one_transaction(
    program: Program,
) -> None:
    """Two pages with the same schema cookie but their tables at other root pages: SQLite
    would read the second through the first one's cached schema."""
    store = program.harness.store("fresh")
    columns = ", ".join(table_specs()["courses"].columns)
    values = "'{id}', '2026-01-01 00:00:00.000000', '2026-01-01 00:00:00.000000', 1, NULL"
    rest = len(table_specs()["courses"].columns) - 5
    row = values + ", 'Course {id}'" + ", ''" * (rest - 1)
    first = _page(
        f"CREATE TABLE courses ({columns}); "
        + "".join(f"INSERT INTO courses VALUES ({row.format(id=f'a{i}')});" for i in range(3)),
        meta='{"tables": ["courses"], "next": null}',
    )
    second_build = sqlite3.connect(":memory:")
    second_build.execute(f'CREATE TABLE "{PAGE_META}" (meta TEXT)')
    second_build.execute(f'INSERT INTO "{PAGE_META}" VALUES (?)', ('{"tables": ["courses"]}',))
    second_build.execute(f"CREATE TABLE courses ({columns})")
    second_build.execute(f"INSERT INTO courses VALUES ({row.format(id='b0')})")
    second_build.commit()
    second = SqlitePage(second_build.serialize())
    with local_transaction(store, attach=PAGE_SCHEMA) as conn:
        for page in (first, second):
            apply_sqlite_page(conn, open_page(conn, page), set(), insert=False)
        got = {r[0] for r in conn.execute("SELECT id FROM courses WHERE id LIKE '_%'")}
    assert {"a0", "a1", "a2", "b0"} <= got


# --- the first pull's quick paths ----------------------------------------------------------


def test_a_plain_insert_of_a_row_already_there_falls_back_to_the_upsert(
    program: Program,
) -> None:
    store = program.harness.store("fresh")
    columns = list(table_specs()["courses"].columns)
    row = ["c1", "2026-01-01 00:00:00.000000", "2026-01-01 00:00:00.000000", 1, None]
    row += ["Old title"] + [""] * (len(columns) - 6)
    newer = [*row[:3], 2, None, "New title", *row[6:]]
    with local_transaction(store) as conn:
        assert upsert_rows(conn, "courses", columns, [row], insert=True) == 1
        assert upsert_rows(conn, "courses", columns, [newer], insert=True) == 1
        title = conn.execute("SELECT title FROM courses WHERE id = 'c1'").fetchone()[0]
    assert title == "New title"


def _journal_modes(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The store's journal mode as each snapshot page is written (filled in as they are)."""
    modes: list[str] = []
    real = pull_module.apply_sqlite_page

    def noting_the_journal(conn: sqlite3.Connection, *args: Any, **kw: Any) -> int:
        modes.append(conn.execute("PRAGMA journal_mode").fetchone()[0])
        return real(conn, *args, **kw)

    monkeypatch.setattr(pull_module, "apply_sqlite_page", noting_the_journal)
    return modes


def test_a_cli_first_pull_fills_the_store_with_a_rollback_journal_and_ends_in_wal(
    program: Program, monkeypatch: pytest.MonkeyPatch
) -> None:
    h = program.harness
    store = h.store("fresh")
    modes = _journal_modes(monkeypatch)
    from mentor_tui.sync import login

    login(store, h.base, "admin@example.org", sync_helpers.PASSWORD, client=h.client, bulk=True)
    assert modes and set(modes) == {"delete"}
    with store.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    assert store_view(store) == server_view(h.engine, store, "admin@example.org")


def test_with_another_connection_on_the_store_the_first_pull_stays_in_wal(
    program: Program, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another process holding the file (the app open on it) keeps WAL; the pull still works."""
    h = program.harness
    store = h.store("fresh")
    other = sqlite3.connect(str(store.url.database))
    other.execute("SELECT count(*) FROM users").fetchone()
    modes = _journal_modes(monkeypatch)
    from mentor_tui.sync import login

    try:
        login(store, h.base, "m1@example.org", sync_helpers.PASSWORD, client=h.client, bulk=True)
    finally:
        other.close()
    assert modes and set(modes) == {"wal"}
    assert store_view(store) == server_view(h.engine, store, "m1@example.org")


def test_a_json_server_without_the_cursor_header_is_still_read_page_by_page() -> None:
    pages = [
        {"server_id": "s", "position": 5, "tables": [], "next": {"table": "users", "after": "a"}},
        {"server_id": "s", "position": None, "tables": [], "next": None},
    ]
    asked: list[tuple[str | None, str | None]] = []

    def fetch(table: str | None, after: str | None) -> httpx.Response:
        asked.append((table, after))
        return httpx.Response(200, json=pages[len(asked) - 1])

    with FetchAhead(fetch, (None, None)) as ahead:
        got = [ahead.next(), ahead.next()]
    assert got == pages and asked == [(None, None), ("users", "a")]
