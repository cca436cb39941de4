"""Opening the review queue (key 3) the first time (issue #21): its first rows are painted
before the queue is counted, and what the first open would load otherwise (its widgets'
stylesheets, the preview's Markdown renderer) is loaded once start-up is over."""

from __future__ import annotations

import sqlite3
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest
from app_support import (
    FROZEN_NOW,
    MENTOR,
    compiled_now,
    copy_store,
    frozen_clock,  # noqa: F401  (autouse: the clock stands still in every test here)
    mentor_app,
    open_screen,
    services_for,
    settle,
)
from textual.widgets import Input

from mentor_tui.core import clock
from mentor_tui.core.reviews.decisions import submission_preview
from mentor_tui.core.reviews.queue_pages import landing_after
from mentor_tui.screens.reviews import queue, queue_source
from mentor_tui.screens.reviews.feedback_editor import FeedbackPanel
from mentor_tui.screens.reviews.queue import ReviewQueueScreen
from mentor_tui.widgets.paged_table import PagedTable

SIZE = (130, 40)


async def test_the_first_rows_are_painted_before_the_queue_is_counted(
    template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # pages of 2 rows: the mentor's 6 pending items need counting beyond the first page
    monkeypatch.setattr(queue, "PAGE_SIZE", 2)
    monkeypatch.setattr(queue_source, "PAGE_SIZE", 2)
    counting = threading.Event()
    may_count = threading.Event()
    count_now = queue_source.QueueSource.count_now

    def held_count(self, session):
        counting.set()
        may_count.wait(timeout=20)
        return count_now(self, session)

    monkeypatch.setattr(queue_source.QueueSource, "count_now", held_count)
    app = mentor_app(template, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("3")
        deadline = time.monotonic() + 10
        table = None
        while time.monotonic() < deadline:
            await pilot.pause(0.02)
            if isinstance(app.screen, ReviewQueueScreen):
                table = app.screen.query_one(PagedTable)
                if table.key_at(0) is not None:
                    break
        try:
            assert table is not None and table.key_at(0) is not None, "no rows before the count"
            assert counting.is_set()  # the count is on its way, held
            assert table.row_count == 2  # the first page stands for the list until counted
            assert str(app.screen.query_one("#reviews-count").content) == ""
        finally:
            may_count.set()
        await settle(pilot)
        total = app.services.run(
            lambda s: count_now(app.screen._source_now, s)  # type: ignore[union-attr]
        )
        assert total > 2
        assert table.row_count == total
        assert str(app.screen.query_one("#reviews-count").content).startswith(f"{total} pending")


async def test_the_first_open_adds_no_stylesheet(template: Path, tmp_path: Path) -> None:
    """The queue's stylesheet and its widgets' (its filter box, list and feedback editor) were
    read ahead once start-up was over: the first `3` parses no stylesheet again."""
    app = mentor_app(template, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app._heap_frozen  # the preload is done
        sources = set(app.stylesheet.source)
        await pilot.press("3")
        await settle(pilot)
        assert isinstance(app.screen, ReviewQueueScreen)
        assert set(app.stylesheet.source) == sources


async def test_the_preview_renderer_is_loaded_ahead_in_a_thread(
    template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    threads: list[str] = []
    preload = ReviewQueueScreen.preload

    def recorded() -> None:
        threads.append(threading.current_thread().name)
        preload()

    monkeypatch.setattr(ReviewQueueScreen, "preload", staticmethod(recorded))
    app = mentor_app(template, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert len(threads) == 1
        assert threads[0] != threading.main_thread().name


@pytest.mark.parametrize("warmed", [True, False])
def test_warm_up_compiles_the_first_open_and_decision_queries(
    template: Path, tmp_path: Path, warmed: bool
) -> None:
    """What the first `3` reads (its first page, the first item's preview) and the first
    approve-and-next's landing (the item after the decided one) is compiled by `warm_up`."""
    services = services_for(copy_store(template, tmp_path / "s.db"), MENTOR)
    actor = services.actor
    assert actor is not None
    if warmed:
        assert any(compiled_now(services, lambda: ReviewQueueScreen.warm_up(services)))

    def first_open() -> None:
        source = queue_source.QueueSource(services, actor, {})
        first = services.run(lambda s: source.read(s, 0, queue_source.PAGE_SIZE))
        assert len(first) >= 2
        services.run(lambda s: submission_preview(s, actor, first[0].id))
        landing = services.run(lambda s: landing_after(s, actor, first[0], config=services.config))
        assert landing is not None and landing.id == first[1].id

    compiled = compiled_now(services, first_open)
    assert compiled and any(compiled) != warmed, compiled


async def test_the_app_warms_the_queue_up_once_start_up_is_over(
    template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    warmed: list[object] = []
    monkeypatch.setattr(ReviewQueueScreen, "warm_up", staticmethod(warmed.append))
    app = mentor_app(template, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        deadline = time.monotonic() + 10
        while not warmed and time.monotonic() < deadline:
            await pilot.pause(0.05)
        assert warmed == [app.services]


async def test_the_feedback_editor_comes_after_the_first_preview(
    template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The hidden feedback editor is not made with the screen (its text area would hold up
    the first rows): it is mounted once the first preview is shown, or at once by `a`."""
    rendering = threading.Event()
    may_render = threading.Event()
    render_preview = queue.render_preview

    def held(*args, **kwargs):
        rendering.set()
        may_render.wait(timeout=20)
        return render_preview(*args, **kwargs)

    monkeypatch.setattr(queue, "render_preview", held)
    app = mentor_app(template, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("3")
        deadline = time.monotonic() + 10
        while not rendering.is_set() and time.monotonic() < deadline:
            await pilot.pause(0.02)
        try:
            screen = app.screen
            assert isinstance(screen, ReviewQueueScreen)
            assert screen.query_one(PagedTable).key_at(0) is not None
            assert rendering.is_set() and screen._preview is None  # the preview is held
            assert not screen.query(FeedbackPanel)
            await pilot.press("a")  # before the first preview: the editor is made for it
            await pilot.pause()
            panel = screen.query_one(FeedbackPanel)
            assert panel.is_open and panel.has_focus_within
        finally:
            may_render.set()
        await settle(pilot)
        assert screen._preview is not None
        assert len(screen.query(FeedbackPanel)) == 1


async def test_the_feedback_editor_is_mounted_once_the_first_preview_is_shown(
    template: Path, tmp_path: Path
) -> None:
    app = mentor_app(template, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_screen(pilot, "3")
        screen = app.screen
        assert isinstance(screen, ReviewQueueScreen) and screen._preview is not None
        panel = screen.query_one(FeedbackPanel)
        assert not panel.is_open and not panel.visible and not panel.region


async def test_the_list_has_the_focus_from_the_first_frame(
    template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The hidden filter box is never focused on the way (Textual's first focusable widget):
    its focus and blur restyled it on every open (issue #21)."""
    focused: list[str | None] = []
    set_focus = ReviewQueueScreen.set_focus

    def recorded(self, widget, *args, **kwargs):
        focused.append(None if widget is None else widget.id)
        return set_focus(self, widget, *args, **kwargs)

    monkeypatch.setattr(ReviewQueueScreen, "set_focus", recorded)
    app = mentor_app(template, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_screen(pilot, "3")
        screen = app.screen
        assert isinstance(screen, ReviewQueueScreen)
        assert screen.focused is screen.query_one(PagedTable)
        assert focused and set(focused) == {"reviews-table"}


async def _preloaded(pilot) -> None:
    """Until the app's preload (its `warm_up` last) is done."""
    await settle(pilot)
    deadline = time.monotonic() + 10
    while not pilot.app._heap_frozen and time.monotonic() < deadline:
        await pilot.pause(0.05)
    await settle(pilot)


def _reads(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The offsets of the queue's page reads from now on (appended by any thread)."""
    offsets: list[int] = []
    read = queue_source.QueueSource.read

    def recorded(self, session, offset, limit):
        offsets.append(offset)
        return read(self, session, offset, limit)

    monkeypatch.setattr(queue_source.QueueSource, "read", recorded)
    return offsets


async def test_the_first_page_read_by_the_preload_is_painted_without_a_read(
    template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The preload reads the first page; `3` paints it unless the store changed since, with
    the time left as of the open, and reads no first page itself (issue #21)."""
    monkeypatch.setattr(queue, "PAGE_SIZE", 2)
    monkeypatch.setattr(queue_source, "PAGE_SIZE", 2)
    app = mentor_app(template, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await _preloaded(pilot)
        offsets = _reads(monkeypatch)
        later = FROZEN_NOW + timedelta(days=3)
        monkeypatch.setattr(clock, "now", lambda: later)
        await pilot.press("3")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ReviewQueueScreen)
        table = screen.query_one(PagedTable)
        first = screen._items[table.key_at(0) or ""]
        assert first.time_left == first.due_by - later  # not as of the preload
        assert 0 not in offsets  # painted from the preload's page
        expected = app.services.run(lambda s: screen._source_now.read(s, 0, 2))  # type: ignore[union-attr]
        assert [table.key_at(0), table.key_at(1)] == [i.id for i in expected]


async def test_a_commit_after_the_preload_reads_the_first_page_again(
    template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(queue, "PAGE_SIZE", 2)
    monkeypatch.setattr(queue_source, "PAGE_SIZE", 2)
    app = mentor_app(template, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await _preloaded(pilot)
        offsets = _reads(monkeypatch)
        with sqlite3.connect(app.services.db_path) as conn:  # another process's commit
            conn.execute("UPDATE assignments SET title = title || ' (new)'")
        await pilot.press("3")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ReviewQueueScreen)
        assert 0 in offsets
        first = screen._items[screen.query_one(PagedTable).key_at(0) or ""]
        assert first.assignment_title.endswith(" (new)")


async def test_the_filter_box_is_made_by_the_first_slash(template: Path, tmp_path: Path) -> None:
    """The hidden filter box is not made with the screen (its making and styling held up the
    first rows): `/` mounts it, focused."""
    app = mentor_app(template, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_screen(pilot, "3")
        screen = app.screen
        assert isinstance(screen, ReviewQueueScreen)
        assert not screen.query("#reviews-filter")
        sources = set(app.stylesheet.source)
        await pilot.press("slash")
        await pilot.pause()
        box = screen.query_one("#reviews-filter", Input)
        assert box.has_focus and box.region.height > 0
        assert set(app.stylesheet.source) == sources  # its stylesheet was read ahead
        await pilot.press("escape")
        await pilot.pause()
        assert box.has_class("hidden") and screen.query_one(PagedTable).has_focus


def test_the_way_the_queue_is_read_is_decided_once_until_the_store_changes(
    template: Path, tmp_path: Path
) -> None:
    """Every page read asks twice whether to read student by student (a count of the visible
    students): kept until the store changes (``core/memo.py``)."""
    from sqlalchemy import event

    from mentor_tui.core.reviews.queue import _reads_student_by_student

    services = services_for(copy_store(template, tmp_path / "s.db"), MENTOR)
    actor = services.actor
    assert actor is not None
    counts: list[str] = []

    def seen(conn, cursor, statement, parameters, context, executemany) -> None:
        if "count(" in statement.lower():
            counts.append(statement)

    event.listen(services.engine, "before_cursor_execute", seen)
    asked = [services.run(lambda s: _reads_student_by_student(s, actor)) for _ in range(3)]
    assert asked == [True] * 3 and len(counts) == 1  # a mentor's few students
    with sqlite3.connect(services.db_path) as conn:  # another process's commit
        conn.execute("UPDATE assignments SET title = title || ' (new)'")
    assert services.run(lambda s: _reads_student_by_student(s, actor))
    assert len(counts) == 2
