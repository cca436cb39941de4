"""Reading snapshot pages ahead of the writer: one thread asks the server for page after page,
another reads each answer, so the network, the server and the store's writes overlap."""

from __future__ import annotations

import json
import queue
import threading
from collections.abc import Callable
from typing import Any, Self

import httpx

from mentor_tui.sync.http import decode_json
from mentor_tui.sync.protocol import SNAPSHOT_NEXT_HEADER, SQLITE_PAGE_TYPE
from mentor_tui.sync.sqlite_page import SqlitePage, unreadable

# Snapshot pages fetched ahead of the one being written (each up to SNAPSHOT_PAGE rows).
FETCH_AHEAD = 6

Cursor = tuple[str | None, str | None]
_Item = tuple[Any, BaseException | None]


class FetchAhead:
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

    def __exit__(self, kind: type[BaseException] | None, *exc: object) -> None:
        self._stop.set()
        if kind is not None and not issubclass(kind, Exception):
            return  # ctrl+c: stop now; the daemon threads end with their request or the process
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
            except Exception as error:
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
                except Exception as failure:
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


__all__ = ["FETCH_AHEAD", "Cursor", "FetchAhead"]
