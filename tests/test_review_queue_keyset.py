"""Keyset paging of the review queue (issue #21): a page read from a bookmark or from an end of
the queue is the page `list_queue` reads with OFFSET, ties in the sort keys included; the
queue's screen reads deep pages and the end without counting the items before them, and the
rows it shows after real keys are the store's."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from app_support import (
    ADMIN,
    copy_store,
    frozen_clock,  # noqa: F401  (autouse: the clock stands still here)
    services_for,
    settle,
)
from sqlalchemy import event

from mentor_tui.app.main import MentorApp
from mentor_tui.core.reviews.queue import count_queue, list_queue
from mentor_tui.core.reviews.queue_pages import items_after, items_before, queue_key
from mentor_tui.core.services import Services
from mentor_tui.screens.reviews.queue import ReviewQueueScreen
from mentor_tui.screens.reviews.queue_source import PAGE_SIZE
from mentor_tui.widgets.paged_table import PagedTable

SIZE = (130, 40)
PENDING = 330  # more than six pages of the screen's 50


def _store(template: Path, target: Path) -> Path:
    """A copy of the demo store with ``PENDING`` pending submissions, their times cut to the
    day (so that many share one: ties broken by id) and every ninth one asked for feedback
    at one of three moments (ties again, in the first part of the queue)."""
    path = copy_store(template, target)
    with sqlite3.connect(path) as db:
        db.execute(
            "UPDATE submissions SET status = 'pending', feedback = NULL, reviewer_id = NULL,"
            " reviewed_at = NULL WHERE id IN (SELECT id FROM submissions WHERE deleted_at IS NULL"
            " ORDER BY id LIMIT ?)",
            (PENDING,),
        )
        db.execute(
            "UPDATE submissions SET submitted_at = substr(submitted_at, 1, 10) || ' 00:00:00.000000'"
        )
        db.execute(
            "UPDATE submissions SET feedback_requested_at = CASE abs(rowid) % 3"
            " WHEN 0 THEN '2026-02-01 10:00:00.000000' WHEN 1 THEN '2026-02-02 10:00:00.000000'"
            " ELSE '2026-02-03 10:00:00.000000' END"
            " WHERE status = 'pending' AND rowid % 9 = 0"
        )
    return path


def _everything(services: Services) -> list[str]:
    actor = services.actor
    assert actor is not None
    return services.run(
        lambda s: [i.id for i in list_queue(s, actor, limit=10_000, config=services.config)]
    )


def test_keyset_pages_are_the_offset_pages_with_ties(template: Path, tmp_path: Path) -> None:
    services = services_for(_store(template, tmp_path / "s.db"), ADMIN)
    actor, config = services.actor, services.config
    assert actor is not None
    every = _everything(services)
    assert len(every) == services.run(lambda s: count_queue(s, actor, config=config)) >= PENDING

    def ids(items: list) -> list[str]:
        return [i.id for i in items]

    for size in (7, 50):
        forward: list[str] = []
        key = None
        while True:  # the whole queue, page after page from the last row read
            page = services.run(
                lambda s, key=key, size=size: items_after(s, actor, key, size, config=config)
            )
            if not page:
                break
            forward += ids(page)
            key = queue_key(page[-1])
        assert forward == every
        backward: list[str] = []
        key = None
        while True:  # and backwards from the end
            page = services.run(
                lambda s, key=key, size=size: items_before(s, actor, key, size, config=config)
            )
            if not page:
                break
            backward = ids(page) + backward
            key = queue_key(page[0])
        assert backward == every
    # from a row in the asked part, across into the rest, skipping rows; and back over it
    asked = services.run(
        lambda s: [i for i in list_queue(s, actor, limit=10_000, config=config)
                   if i.feedback_requested_at is not None]
    )  # fmt: skip
    assert 10 < len(asked) < len(every)
    at = every.index(asked[3].id)
    after = services.run(
        lambda s: items_after(s, actor, queue_key(asked[3]), 40, skip=len(asked), config=config)
    )
    assert ids(after) == every[at + 1 + len(asked) : at + 1 + len(asked) + 40]
    last = services.run(
        lambda s: list_queue(s, actor, offset=len(asked) + 5, limit=1, config=config)
    )
    before = services.run(
        lambda s: items_before(s, actor, queue_key(last[0]), 12, skip=4, config=config)
    )
    end = len(asked) + 5 - 4
    assert ids(before) == every[end - 12 : end]


def _statements(services: Services) -> list[tuple[str, object]]:
    seen: list[tuple[str, object]] = []

    @event.listens_for(services.engine, "before_cursor_execute")
    def keep(conn, cursor, statement, parameters, context, executemany) -> None:
        seen.append((statement, parameters))

    return seen


def _offsets(seen: list[tuple[str, object]]) -> list[int]:
    """The OFFSETs of the queue's reads of submission ids (0 when a read has none)."""
    found = []
    for statement, parameters in seen:
        if "ORDER BY" in statement and "LIMIT" in statement and "FROM submissions" in statement:
            values = list(parameters) if isinstance(parameters, (tuple, list)) else []
            found.append(int(values[-1]) if "OFFSET" in statement else 0)
    return found


def _shown(table: PagedTable) -> list[str | None]:
    top = int(table.scroll_y)
    rows = max(1, table.scrollable_content_region.height - 1)
    return [table.key_at(i) for i in range(top, min(table.row_count, top + rows))]


async def test_real_keys_page_the_queue_by_keys_and_show_the_stores_rows(
    template: Path, tmp_path: Path
) -> None:
    """pagedown to the bottom, end, pageup and home on the real screen: every row shown is the
    store's row at that place, and no read passes over the rows before its page (no OFFSET
    beyond a page: each page is read from the one before it, or backwards from the end)."""
    app = MentorApp(services_for(_store(template, tmp_path / "s.db"), ADMIN))
    every = _everything(app.services)
    seen = _statements(app.services)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("3")
        await settle(pilot)
        assert isinstance(app.screen, ReviewQueueScreen)
        table = app.screen.query_one(PagedTable)
        assert table.row_count == len(every)
        seen.clear()
        for key in ["pagedown"] * 12 + ["end", "pageup", "pageup", "home"]:
            await pilot.press(key)
            await settle(pilot)
            top = int(table.scroll_y)
            assert _shown(table) == every[top : top + len(_shown(table))], key
            assert table.cursor_key == every[table.cursor_index]
        assert table.cursor_index == 0
        assert _offsets(seen) and max(_offsets(seen)) < PAGE_SIZE


async def test_a_decision_deep_in_the_queue_keeps_paging_right(
    template: Path, tmp_path: Path
) -> None:
    """`end`, then approve-and-next twice at the end and go back up a page: the rows read
    after the decisions (from bookmarks moved up by the decided rows) are the store's."""
    app = MentorApp(services_for(_store(template, tmp_path / "s.db"), ADMIN))
    every = _everything(app.services)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("3")
        await settle(pilot)
        table = app.screen.query_one(PagedTable)
        await pilot.press("end", "up", "up", "up")
        await settle(pilot)
        deciding = [table.cursor_key, every[every.index(table.cursor_key or "") + 1]]
        for _ in deciding:
            await pilot.press("a", "ctrl+s")
            await settle(pilot)
        left = _everything(app.services)
        assert left == [i for i in every if i not in deciding]
        assert table.row_count == len(left)
        assert table.cursor_key == left[table.cursor_index]
        for key in ("pageup", "pageup", "pageup", "home", "end"):
            await pilot.press(key)
            await settle(pilot)
            top = int(table.scroll_y)
            assert _shown(table) == left[top : top + len(_shown(table))], key


async def test_landing_where_the_list_and_the_store_disagree(
    template: Path, tmp_path: Path
) -> None:
    """The next item was decided elsewhere (no message told the app): the decision's landing,
    read from the store, is the one after it, and the cursor goes there once the list has
    been counted again (the landing's position is asked for apart, not with every decision)."""
    from mentor_tui.db.engine import session_scope
    from mentor_tui.db.models import Submission

    app = MentorApp(services_for(_store(template, tmp_path / "s.db"), ADMIN))
    every = _everything(app.services)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("3")
        await settle(pilot)
        table = app.screen.query_one(PagedTable)
        await pilot.press("down", "down")
        await settle(pilot)
        assert table.cursor_key == every[2]
        with session_scope(app.services.engine) as session:
            session.get_one(Submission, every[3]).status = "approved"
        await pilot.press("a", "ctrl+s")
        for _ in range(5):
            await settle(pilot)
        left = _everything(app.services)
        assert left == [i for i in every if i not in (every[2], every[3])]
        assert table.row_count == len(left)
        assert table.cursor_key == every[4] == left[table.cursor_index]
        assert app.screen._preview is not None and app.screen._preview.id == every[4]


async def test_a_decision_lands_before_the_store_is_asked_where(
    template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue #21: the decision's worker writes the decision alone. The list lands on its next
    row, preview shown, first; where the store lands is read after that (with the recount)."""
    from mentor_tui.screens.reviews import landing

    app = MentorApp(services_for(_store(template, tmp_path / "s.db"), ADMIN))
    every = _everything(app.services)
    asked: list[tuple[str, str | None, str | None]] = []
    landing_after = landing.landing_after

    def recorded(session, actor, decided, **kwargs):  # type: ignore[no-untyped-def]
        screen = app.screen
        assert isinstance(screen, ReviewQueueScreen)
        shown = screen._preview.id if screen._preview is not None else None
        asked.append((decided.id, screen.query_one(PagedTable).cursor_key, shown))
        return landing_after(session, actor, decided, **kwargs)

    monkeypatch.setattr(landing, "landing_after", recorded)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("3")
        await settle(pilot)
        await pilot.press("a", "ctrl+s")
        for _ in range(3):
            await pilot.pause(0.1)  # past the moment after the landing
            await settle(pilot)
        table = app.screen.query_one(PagedTable)
        assert table.cursor_key == every[1]
    assert asked == [(every[0], every[1], every[1])]
