"""Pulling: a first snapshot of everything the account may see, then the change log.

Each page is taken in one local transaction together with the new cursor, so a client killed
mid-pull resumes from the last page it kept and applies nothing twice in a way that matters
(rows are written as the server holds them). An interrupted snapshot resumes where it stopped,
then the log is read from the position the snapshot started at, which brings every change
made while the snapshot was read.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine

from mentor_tui.core.errors import UserError
from mentor_tui.sync.http import SyncHttp
from mentor_tui.sync.protocol import PULL_PAGE, SNAPSHOT_PAGE, table_specs
from mentor_tui.sync.store import (
    SCOPE_TABLES,
    State,
    delete_rows,
    local_actor,
    local_transaction,
    pending_keys,
    prune,
    read_state,
    save_state,
    upsert_rows,
)

Progress = Callable[[str, int, int | None], None]


@dataclass
class PullReport:
    pulled: int = 0
    removed: int = 0
    pages: int = 0


def _check_server(state: State, page: dict[str, Any]) -> None:
    if state.server_id is not None and page.get("server_id") not in (None, state.server_id):
        raise UserError(
            "The server's database is not the one this store synced with; log in again with a "
            "fresh store (--db) to start over."
        )


def _apply_tables(
    conn: sqlite3.Connection, tables: list[dict[str, Any]], skip: set[tuple[str, str]]
) -> int:
    count = 0
    for block in tables:
        count += upsert_rows(conn, block["table"], block["columns"], block["rows"], skip=skip)
    return count


def snapshot(
    engine: Engine,
    http: SyncHttp,
    *,
    progress: Progress | None = None,
    page_size: int | None = None,
) -> PullReport:
    """Read every row the account may see, page by page, each page kept with its cursor.
    The next page is fetched while this one is written (one ahead), so the server reads and
    the store writes at the same time."""
    report = PullReport()
    with local_transaction(engine) as conn:
        state = read_state(conn)
        if not state.snapshot_done and state.snapshot_table is None:
            defer_indexes(conn)
    if state.snapshot_done:
        return report
    limit = page_size or SNAPSHOT_PAGE

    def fetch(table: str | None, after: str | None) -> dict[str, Any]:
        params: dict[str, Any] = {"limit": limit}
        if table is not None:
            params.update(table=table, after=after)
        return http.get("/sync/snapshot", params=params)

    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="snapshot") as ahead:
        upcoming: Future[dict[str, Any]] = ahead.submit(
            fetch, state.snapshot_table, state.snapshot_after
        )
        while True:
            page = upcoming.result()
            _check_server(state, page)
            cursor = page.get("next")
            if cursor is not None:
                upcoming = ahead.submit(fetch, cursor["table"], cursor["after"])
            with local_transaction(engine, big=True) as conn:
                state = read_state(conn)
                report.pulled += _apply_tables(conn, page["tables"], pending_keys(conn))
                values: dict[str, Any] = {}
                if page.get("position") is not None and state.snapshot_table is None:
                    values["snapshot_position"] = page["position"]
                if cursor is None:
                    start = values.get("snapshot_position", state.snapshot_position) or 0
                    values.update(
                        snapshot_done=True, snapshot_table=None, snapshot_after=None, position=start
                    )
                    restore_indexes(conn)
                else:
                    values.update(snapshot_table=cursor["table"], snapshot_after=cursor["after"])
                save_state(conn, **values)
            report.pages += 1
            if progress is not None:
                progress("snapshot", report.pulled, None)
            if cursor is None:
                return report


DEFERRED_INDEXES = "sync_deferred_indexes"


def defer_indexes(conn: sqlite3.Connection) -> int:
    """Before the first snapshot into an empty store: drop the secondary indexes of the synced
    tables (kept in ``settings``), so a million rows go in without a random index write each;
    ``restore_indexes`` builds them once, sorted, with the last page. Keys and unique
    constraints stay. An interrupted snapshot leaves them dropped until it completes."""
    if conn.execute("SELECT 1 FROM users LIMIT 1").fetchone() is not None:
        return 0
    if conn.execute("SELECT 1 FROM settings WHERE key = ?", (DEFERRED_INDEXES,)).fetchone():
        return 0
    names = tuple(table_specs())
    marks = ", ".join("?" for _ in names)
    found = conn.execute(
        f"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
        f"AND tbl_name IN ({marks})",
        names,
    ).fetchall()
    if not found:
        return 0
    conn.execute(
        "INSERT INTO settings (key, value) VALUES (?, ?)",
        (DEFERRED_INDEXES, json.dumps([sql for _name, sql in found])),
    )
    for name, _sql in found:
        conn.execute(f'DROP INDEX "{name}"')
    return len(found)


def restore_indexes(conn: sqlite3.Connection) -> int:
    row = conn.execute("SELECT value FROM settings WHERE key = ?", (DEFERRED_INDEXES,)).fetchone()
    if row is None:
        return 0
    statements = json.loads(row[0])
    for sql in statements:
        conn.execute(sql)
    conn.execute("DELETE FROM settings WHERE key = ?", (DEFERRED_INDEXES,))
    return len(statements)


def pull_log(
    engine: Engine,
    http: SyncHttp,
    *,
    progress: Progress | None = None,
    wait: float = 0.0,
    page_size: int | None = None,
) -> PullReport:
    """Pages of the log after the cursor until the server has no more. With ``wait`` the
    first request is a long poll: it returns as soon as there is something to see."""
    report = PullReport()
    while True:
        with local_transaction(engine) as conn:
            state = read_state(conn)
        params = {"after": state.position, "limit": page_size or PULL_PAGE}
        timeout = None
        if wait > 0:
            params["wait"] = wait
            timeout = wait + 15.0
        page = http.get("/sync/pull", params=params, timeout=timeout)
        wait = 0.0
        _check_server(state, page)
        if page["position"] < state.position:
            raise UserError(
                "The server's change log is behind this store's; log in again with a fresh "
                "store (--db) to start over."
            )
        with local_transaction(engine, big=True) as conn:
            if read_state(conn).position != state.position:
                continue  # another sync of this store took this page meanwhile
            report.pulled += apply_page(conn, state, page, report)
            save_state(conn, position=page["position"])
        report.pages += 1
        if progress is not None:
            progress("pull", report.pulled, None)
        if not page["more"]:
            return report


def apply_page(
    conn: sqlite3.Connection, state: State, page: dict[str, Any], report: PullReport
) -> int:
    """Revocations first, then rows as the server holds them, then drop whatever this
    account can no longer read (a reassigned student's work, a former mentor's profile)."""
    skip = pending_keys(conn)
    by_table: dict[str, list[str]] = {}
    for item in page["revoked"]:
        if (item["entity"], item["id"]) != ("users", state.account_id):  # one's own row stays
            by_table.setdefault(item["entity"], []).append(item["id"])
    for table, ids in by_table.items():
        report.removed += delete_rows(conn, table, ids)
    pulled = _apply_tables(conn, page["tables"], skip)
    if page["revoked"] or any(block["table"] in SCOPE_TABLES for block in page["tables"]):
        actor = local_actor(conn, state)
        if actor is not None:
            report.removed += prune(conn, actor)
    return pulled
