"""Pulling: a first snapshot of everything the account may see, then the change log.

Each page is taken in one local transaction together with the new cursor, so a client killed
mid-pull resumes from the last page it kept and applies nothing twice in a way that matters
(rows are written as the server holds them). An interrupted snapshot resumes where it stopped,
then the log is read from the position the snapshot started at, which brings every change
made while the snapshot was read.
"""

from __future__ import annotations

import json
import os
import queue
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Self

import httpx
from sqlalchemy import Engine

from mentor_tui.errors import UserError
from mentor_tui.sync.http import SyncHttp, decode_json
from mentor_tui.sync.protocol import (
    PULL_PAGE,
    SNAPSHOT_NEXT_HEADER,
    SNAPSHOT_PAGE,
    SQLITE_PAGE_TYPE,
    table_specs,
)
from mentor_tui.sync.sqlite_page import (
    PAGE_SCHEMA,
    SqlitePage,
    apply_sqlite_page,
    open_page,
    unreadable,
)
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
    rollback journal while it fills; see ``_rollback_journal``."""
    report = PullReport()
    with local_transaction(engine) as conn:
        state = read_state(conn)
        if not state.snapshot_done and state.snapshot_table is None:
            defer_indexes(conn)
        fresh = is_deferred(conn)
    if state.snapshot_done:
        return report
    with _rollback_journal(engine, bulk and fresh):
        _snapshot_pages(engine, http, state, report, progress, page_size, fresh)
    return report


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

    with _Ahead(fetch, (state.snapshot_table, state.snapshot_after)) as ahead:
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


@contextmanager
def _rollback_journal(engine: Engine, wanted: bool) -> Iterator[None]:
    """While a store fills from empty, write it with a rollback journal instead of WAL. In WAL
    every page of a million rows and their indexes is written twice (to the WAL, then copied
    into the database by a checkpoint); with a rollback journal, pages added at the end of the
    file are written once and only the few pages that change are journaled. A crash leaves a
    journal that the next open rolls back, as it does a WAL. WAL comes back at the end, and
    every new connection asks for it anyway (``db/engine.py``). Leaving WAL needs the only
    connection to the file: the engine's idle pooled connections are closed first, and when
    another connection (another process) holds it, the pull carries on in WAL."""
    switched = False
    if wanted:
        engine.dispose()
        switched = _journal_mode(engine, "DELETE") == "delete"
    try:
        yield
    finally:
        if switched:
            _journal_mode(engine, "WAL")


def _journal_mode(engine: Engine, mode: str) -> str:
    raw = engine.raw_connection()
    try:
        conn = raw.driver_connection
        assert isinstance(conn, sqlite3.Connection)
        try:
            return str(conn.execute(f"PRAGMA journal_mode={mode}").fetchone()[0]).lower()
        except sqlite3.OperationalError:  # locked by another connection
            return ""
    finally:
        raw.close()


# Snapshot pages are asked for as SQLite databases (``sync/sqlite_page.py``); a server that
# answers in JSON is read as JSON.
SNAPSHOT_FORMAT = "sqlite"

# Snapshot pages fetched ahead of the one being written (each up to SNAPSHOT_PAGE rows).
FETCH_AHEAD = 6

Cursor = tuple[str | None, str | None]
_Item = tuple[Any, BaseException | None]


class _Ahead:
    """Two threads ahead of the writer. One asks for page after page, taking each next cursor
    from the answer's ``Snapshot-Next`` header, so the server reads the next page while this
    one is still being read; the other reads each answer's JSON. Up to ``FETCH_AHEAD`` read
    pages wait for the writer; a failure is raised in the writer at that page."""

    def __init__(
        self, fetch: Callable[[str | None, str | None], httpx.Response], cursor: Cursor
    ) -> None:
        self._fetch, self._cursor = fetch, cursor
        self._answers: queue.Queue[_Item] = queue.Queue(maxsize=2)
        self._pages: queue.Queue[_Item] = queue.Queue(maxsize=FETCH_AHEAD)
        self._stop = threading.Event()
        self._threads = [
            threading.Thread(target=self._run_fetch, name="snapshot-fetch", daemon=True),
            threading.Thread(target=self._run_read, name="snapshot-read", daemon=True),
        ]

    def __enter__(self) -> Self:
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        for thread in self._threads:  # unblock a put; a fetch in flight runs out
            while thread.is_alive():
                for waiting in (self._answers, self._pages):
                    try:
                        waiting.get(timeout=0.02)
                    except queue.Empty:
                        pass

    def _put(self, into: queue.Queue[_Item], item: _Item) -> bool:
        while not self._stop.is_set():
            try:
                into.put(item, timeout=0.1)
                return True
            except queue.Full:
                pass
        return False

    def _get(self, source: queue.Queue[_Item]) -> _Item | None:
        while not self._stop.is_set():
            try:
                return source.get(timeout=0.1)
            except queue.Empty:
                pass
        return None

    def _run_fetch(self) -> None:
        table, after = self._cursor
        while not self._stop.is_set():
            try:
                answer = self._fetch(table, after)
                found, cursor = _header_cursor(answer)
                item: _Item = (answer.content, None)
                if answer.headers.get("content-type", "").startswith(SQLITE_PAGE_TYPE):
                    if not found:
                        raise unreadable("it came without its next cursor")
                    item = (SqlitePage(answer.content, last=cursor is None), None)
                elif not found:  # a server that does not send the header: read it here
                    page = _read(answer.content)
                    item, cursor = (page, None), page.get("next")
            except Exception as error:  # noqa: BLE001 - the writer raises it
                self._put(self._answers, (None, error))
                return
            if not self._put(self._answers, item) or cursor is None:
                return
            table, after = cursor["table"], cursor["after"]

    def _run_read(self) -> None:
        while True:
            item = self._get(self._answers)
            if item is None:
                return
            content, error = item
            if error is None and isinstance(content, bytes):
                try:
                    content = _read(content)
                except Exception as failure:  # noqa: BLE001 - the writer raises it
                    error = failure
            if not self._put(self._pages, (content, error)):
                return
            if isinstance(content, SqlitePage):
                if content.last:
                    return
            elif error is not None or content.get("next") is None:
                return

    def ready(self) -> bool:
        return not self._pages.empty()

    def next(self) -> dict[str, Any] | SqlitePage:
        page, error = self._pages.get()
        if error is not None:
            raise error
        assert page is not None
        return page


def _read(content: bytes) -> dict[str, Any]:
    try:
        page = decode_json(content)
    except ValueError:
        page = None
    if not isinstance(page, dict):
        raise unreadable("it is not JSON")
    return page


def _header_cursor(answer: httpx.Response) -> tuple[bool, dict[str, str] | None]:
    """(found, cursor) from the ``Snapshot-Next`` header; not found if absent or malformed."""
    value = answer.headers.get(SNAPSHOT_NEXT_HEADER)
    if value is None:
        return False, None
    try:
        cursor = json.loads(value)
    except ValueError:
        return False, None
    if cursor is None:
        return True, None
    if (
        isinstance(cursor, dict)
        and isinstance(cursor.get("table"), str)
        and isinstance(cursor.get("after"), str)
    ):
        return True, {"table": cursor["table"], "after": cursor["after"]}
    return False, None


# Pages already fetched are written in one transaction up to this many rows or seconds: each
# commit of a WAL store may checkpoint (copy and fsync), which costs about as much as writing
# the page; the write lock is never held while waiting for the network.
BATCH_ROWS = 60_000
BATCH_SECONDS = 1.0

DEFERRED_INDEXES = "sync_deferred_indexes"

# The triggers that keep note search (core/note_search.py) in step with mentorship_notes, row by
# row; a bulk load goes without them and the search tables are rebuilt once at the end.
SEARCH_TRIGGERS = ("notes_fts_%", "notes_grams_%")
REBUILD_SEARCH = (
    "INSERT INTO notes_fts(notes_fts) VALUES ('rebuild')",
    "INSERT INTO notes_grams(notes_grams) VALUES ('delete-all')",
    "INSERT INTO notes_grams(rowid, note, owner) SELECT rid, note, owner FROM notes_grams_source",
)

# SQLite's own page cache size. CREATE INDEX sorts in memory up to the cache size and merges
# sorted runs beyond it: runs of a few MiB sort faster than one big run, so the indexes are
# built with this cache, not the large one the pages are written with.
SORT_CACHE_KIB = 2000
# Helper threads SQLite may sort with while it builds an index: a fifth off the 7 indexes of a
# million submissions on two cores.
SORT_THREADS = max(1, min(4, (os.cpu_count() or 1) - 1))


def defer_indexes(conn: sqlite3.Connection) -> int:
    """Before the first snapshot into an empty store: drop the secondary indexes of the synced
    tables and the note-search triggers, keeping their SQL in ``settings``, so a million rows
    go in without a random index write (or a tokenised note) each; ``restore_indexes`` builds
    them once, sorted, in the transaction of the last page, the one that marks the snapshot
    done. Keys and unique constraints stay. An interrupted snapshot leaves them dropped (the
    store does not claim to be synced) until it completes."""
    if conn.execute("SELECT 1 FROM users LIMIT 1").fetchone() is not None:
        return 0
    if conn.execute("SELECT 1 FROM settings WHERE key = ?", (DEFERRED_INDEXES,)).fetchone():
        return 0
    names = tuple(table_specs())
    marks = ", ".join("?" for _ in names)
    indexes = conn.execute(
        f"SELECT name, sql, tbl_name FROM sqlite_master WHERE type = 'index' "
        f"AND sql IS NOT NULL AND tbl_name IN ({marks})",
        names,
    ).fetchall()
    likes = " OR ".join("name LIKE ?" for _ in SEARCH_TRIGGERS)
    triggers = conn.execute(
        f"SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND ({likes})",
        SEARCH_TRIGGERS,
    ).fetchall()
    if not indexes and not triggers:
        return 0
    kept = {
        "indexes": [[table, sql] for _n, sql, table in indexes],
        "triggers": [sql for _n, sql in triggers],
    }
    conn.execute(
        "INSERT INTO settings (key, value) VALUES (?, ?)", (DEFERRED_INDEXES, json.dumps(kept))
    )
    for name, _sql, _table in indexes:
        conn.execute(f'DROP INDEX "{name}"')
    for name, _sql in triggers:
        conn.execute(f'DROP TRIGGER "{name}"')
    return len(indexes) + len(triggers)


def is_deferred(conn: sqlite3.Connection) -> bool:
    """Whether this store's first snapshot began into an empty store and has not finished."""
    found = conn.execute("SELECT 1 FROM settings WHERE key = ?", (DEFERRED_INDEXES,))
    return found.fetchone() is not None


def restore_indexes(conn: sqlite3.Connection, tables: list[str] | None = None) -> int:
    """Build what ``defer_indexes`` dropped: the indexes, the note-search tables from every
    note now in the store, then the triggers that keep them from here on. With ``tables``
    (tables the snapshot has finished) only those tables' indexes are built, and the rest stay
    recorded, in the same transaction, for a later call: a client killed after this builds
    only what is still missing."""
    row = conn.execute("SELECT value FROM settings WHERE key = ?", (DEFERRED_INDEXES,)).fetchone()
    if row is None:
        return 0
    kept = json.loads(row[0])
    if isinstance(kept, list):  # kept by a version that deferred only indexes
        kept = {"indexes": kept, "triggers": []}
    # An entry is [table, sql], or the bare sql of an older version (built only at the end).
    wanted = None if tables is None else set(tables)
    build, rest = [], []
    for entry in kept["indexes"]:
        table = entry[0] if isinstance(entry, list) else None
        if wanted is None or table in wanted:
            build.append(entry[1] if isinstance(entry, list) else entry)
        else:
            rest.append(entry)
    if wanted is not None and not build:
        return 0
    old_cache = conn.execute("PRAGMA cache_size").fetchone()[0]
    conn.execute(f"PRAGMA cache_size=-{SORT_CACHE_KIB}")
    conn.execute(f"PRAGMA threads={SORT_THREADS}")
    try:
        for sql in build:
            conn.execute(sql)
    finally:
        conn.execute(f"PRAGMA cache_size={int(old_cache)}")
        conn.execute("PRAGMA threads=0")
    if wanted is not None:
        kept["indexes"] = rest
        conn.execute(
            "UPDATE settings SET value = ? WHERE key = ?", (json.dumps(kept), DEFERRED_INDEXES)
        )
        return len(build)
    if kept["triggers"]:
        for sql in REBUILD_SEARCH:
            conn.execute(sql)
        for sql in kept["triggers"]:
            conn.execute(sql)
    conn.execute("DELETE FROM settings WHERE key = ?", (DEFERRED_INDEXES,))
    return len(build) + len(kept["triggers"])


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
