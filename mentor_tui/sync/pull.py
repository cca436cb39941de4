"""Pulling: a first snapshot of everything the account may see, then the change log.

Each page is taken in one local transaction together with the new cursor, so a client killed
mid-pull resumes from the last page it kept and applies nothing twice in a way that matters
(rows are written as the server holds them). An interrupted snapshot resumes where it stopped,
then the log is read from the position the snapshot started at, which brings every change
made while the snapshot was read.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx
from sqlalchemy import Engine

from mentor_tui.db.engine import rollback_journal
from mentor_tui.errors import UserError
from mentor_tui.sync.bulk_load import defer_indexes, is_deferred, restore_indexes
from mentor_tui.sync.fetch_ahead import FetchAhead
from mentor_tui.sync.http import SyncHttp
from mentor_tui.sync.protocol import PULL_PAGE, SNAPSHOT_PAGE, table_specs
from mentor_tui.sync.purge import checkpoint, purge_left_scope, secure_delete
from mentor_tui.sync.sqlite_page import PAGE_SCHEMA, SqlitePage, apply_sqlite_page, open_page
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
    conn: sqlite3.Connection,
    tables: list[dict[str, Any]],
    skip: set[tuple[str, str]],
    *,
    insert: bool = False,
) -> int:
    count = 0
    for block in tables:
        count += upsert_rows(
            conn, block["table"], block["columns"], block["rows"], skip=skip, insert=insert
        )
    return count


def snapshot(
    engine: Engine,
    http: SyncHttp,
    *,
    progress: Progress | None = None,
    page_size: int | None = None,
    bulk: bool = False,
) -> PullReport:
    """Read every row the account may see, page by page, each page kept with its cursor.
    A fetch thread reads up to ``FETCH_AHEAD`` pages ahead while pages are written, so the
    server reads and the store writes at the same time; a table's deferred indexes are built
    as soon as the cursor has moved past it, while the next tables are still arriving.

    Into a store that was empty when its first snapshot began, rows go in with a plain
    ``INSERT`` (the upsert is the fallback when a row is already there). With ``bulk`` (the
    CLI's login and sync, which hold the store alone) the store is also written with a
    rollback journal and without an fsync per commit while it fills; see
    ``db/engine.rollback_journal``."""
    report = PullReport()
    with local_transaction(engine) as conn:
        state = read_state(conn)
        if not state.snapshot_done and state.snapshot_table is None:
            defer_indexes(conn)
        fresh = is_deferred(conn)
    if state.snapshot_done:
        return report
    with rollback_journal(engine, bulk and fresh, unsynced=True):
        _snapshot_pages(engine, http, state, report, progress, page_size, fresh)
    if fresh:  # the first snapshot into an empty store: every at-risk score counted here
        _count_risk(engine)
    return report


def _count_risk(engine: Engine) -> None:
    """Every student's at-risk score counted once the first snapshot is in
    (``risk_keys.count_all``), so the students list's first read finds them kept."""
    from mentor_tui.core.people.risk_keys import count_all
    from mentor_tui.db.engine import session_scope

    with session_scope(engine) as session:
        count_all(session)


def _snapshot_pages(
    engine: Engine,
    http: SyncHttp,
    state: State,
    report: PullReport,
    progress: Progress | None,
    page_size: int | None,
    fresh: bool,
) -> None:
    limit = page_size or SNAPSHOT_PAGE
    order = list(table_specs())

    def fetch(table: str | None, after: str | None) -> httpx.Response:
        params: dict[str, Any] = {"limit": limit, "format": SNAPSHOT_FORMAT}
        if table is not None:
            params.update(table=table, after=after)
        return http.get_raw("/sync/snapshot", params=params)

    with FetchAhead(fetch, (state.snapshot_table, state.snapshot_after)) as ahead:
        done = False
        while not done:
            with local_transaction(engine, big=True, attach=PAGE_SCHEMA) as conn:
                state = read_state(conn)
                skip = pending_keys(conn)
                began, rows = time.monotonic(), 0
                while True:
                    arrived = ahead.next()
                    if isinstance(arrived, SqlitePage):
                        page = open_page(conn, arrived)
                        _check_server(state, page)
                        rows += apply_sqlite_page(conn, page, skip, insert=fresh)
                    else:
                        page = arrived
                        _check_server(state, page)
                        rows += _apply_tables(conn, page["tables"], skip, insert=fresh)
                    cursor = page.get("next")
                    values: dict[str, Any] = {}
                    if page.get("position") is not None and state.snapshot_table is None:
                        values["snapshot_position"] = page["position"]
                    if cursor is None:
                        start = values.get("snapshot_position", state.snapshot_position) or 0
                        values.update(
                            snapshot_done=True,
                            snapshot_table=None,
                            snapshot_after=None,
                            position=start,
                        )
                        restore_indexes(conn)
                        done = True
                    else:
                        values.update(
                            snapshot_table=cursor["table"], snapshot_after=cursor["after"]
                        )
                        if cursor["table"] in order:  # every table before it is complete
                            restore_indexes(conn, order[: order.index(cursor["table"])])
                    save_state(conn, **values)
                    state = read_state(conn)
                    report.pages += 1
                    if (
                        done
                        or not ahead.ready()  # never hold the write lock while waiting
                        or rows >= BATCH_ROWS
                        or time.monotonic() - began >= BATCH_SECONDS
                    ):
                        break
            report.pulled += rows
            if progress is not None:
                progress("snapshot", report.pulled, None)


# Snapshot pages are asked for as SQLite databases (``sync/sqlite_page.py``); a server that
# answers in JSON is read as JSON.
SNAPSHOT_FORMAT = "sqlite"

# Pages already fetched are written in one transaction up to this many rows or seconds: each
# commit of a WAL store may checkpoint (copy and fsync), which costs about as much as writing
# the page; the write lock is never held while waiting for the network.
BATCH_ROWS = 60_000
BATCH_SECONDS = 1.0


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
        removed = report.removed
        with local_transaction(engine, big=True) as conn:
            if read_state(conn).position != state.position:
                continue  # another sync of this store took this page meanwhile
            report.pulled += apply_page(conn, state, page, report)
            save_state(conn, position=page["position"])
        if report.removed > removed:
            checkpoint(engine)  # no WAL frame keeps a copy of what was removed
        report.pages += 1
        if progress is not None:
            progress("pull", report.pulled, None)
        if not page["more"]:
            return report


def apply_page(
    conn: sqlite3.Connection, state: State, page: dict[str, Any], report: PullReport
) -> int:
    """Revocations first, then rows as the server holds them, then drop whatever this
    account can no longer read (a reassigned student's work, a former mentor's profile).
    Removals overwrite what they delete, and purge what is about the removed rows
    (``sync/purge.py``)."""
    skip = pending_keys(conn)
    removed = 0
    by_table: dict[str, list[str]] = {}
    for item in page["revoked"]:
        if (item["entity"], item["id"]) != ("users", state.account_id):  # one's own row stays
            by_table.setdefault(item["entity"], []).append(item["id"])
    if by_table:
        with secure_delete(conn):
            for table, ids in by_table.items():
                removed += delete_rows(conn, table, ids)
    pulled = _apply_tables(conn, page["tables"], skip)
    if page["revoked"] or any(block["table"] in SCOPE_TABLES for block in page["tables"]):
        actor = local_actor(conn, state)
        if actor is not None:
            with secure_delete(conn):
                removed += prune(conn, actor)
    if removed:
        with secure_delete(conn):
            purge_left_scope(conn)
    report.removed += removed
    return pulled
