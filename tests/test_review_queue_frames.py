"""The review queue's frames (issue #21): what the first `3`, `a` and `ctrl+s` paint, and
the work they leave out: the first rows painted with the screen (no empty list first), the
list's scrollbar left alone by a layout that does not change it, the count line changed with
the decision's own frame, and the queue's count kept from the app's warm-up."""

from __future__ import annotations

from pathlib import Path

import pytest
from app_support import (
    MENTOR,
    copy_store,
    frozen_clock,  # noqa: F401  (autouse: the clock stands still in every test here)
    mentor_app,
    open_screen,
    services_for,
    settle,
)
from sqlalchemy import event
from textual.screen import Screen
from textual.widgets import TextArea

from mentor_tui.core.reviews.decisions import decide_many
from mentor_tui.core.reviews.queue import count_queue
from mentor_tui.screens.reviews import queue, queue_source
from mentor_tui.screens.reviews.feedback_editor import FeedbackArea, FeedbackPanel
from mentor_tui.screens.reviews.preview import PreviewPane
from mentor_tui.screens.reviews.queue import ReviewQueueScreen
from mentor_tui.widgets import table_loading
from mentor_tui.widgets.key_footer import KeyFooter
from mentor_tui.widgets.paged_table import PagedTable

SIZE = (130, 40)


def _counts(services, read) -> int:
    """How many count statements on submissions ``read`` runs."""
    seen: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany) -> None:
        if "count(*)" in statement and "FROM submissions" in statement:
            seen.append(statement)

    event.listen(services.engine, "before_cursor_execute", record)
    try:
        read()
    finally:
        event.remove(services.engine, "before_cursor_execute", record)
    return len(seen)


def test_the_queue_count_is_kept_until_the_store_changes(template: Path, tmp_path: Path) -> None:
    services = services_for(copy_store(template, tmp_path / "s.db"), MENTOR)
    actor = services.actor
    assert actor is not None
    count = services.run(lambda s: count_queue(s, actor, config=services.config))
    assert count > 1
    again: list[int] = []
    assert (
        _counts(services, lambda: again.append(services.run(lambda s: count_queue(s, actor)))) == 0
    )
    assert again == [count]
    # another filter is another figure
    assert _counts(services, lambda: services.run(lambda s: count_queue(s, actor, text_filter="x")))
    # a decision is a commit: counted again, one fewer
    source = queue_source.QueueSource(services, actor, {})
    first = services.run(lambda s: source.read(s, 0, 1))[0]
    services.run(lambda s: decide_many(s, actor, [first.id], "approve", None, services.config))
    after: list[int] = []
    assert _counts(services, lambda: after.append(services.run(lambda s: count_queue(s, actor))))
    assert after == [count - 1]
    # the overdue ones depend on the time: counted every time
    overdue = lambda: services.run(lambda s: count_queue(s, actor, overdue_only=True))  # noqa: E731
    overdue()
    assert _counts(services, overdue) == 1


def test_the_warm_up_counts_the_queue_for_the_first_open(template: Path, tmp_path: Path) -> None:
    services = services_for(copy_store(template, tmp_path / "s.db"), MENTOR)
    actor = services.actor
    assert actor is not None
    ReviewQueueScreen.warm_up(services)
    source = queue_source.QueueSource(services, actor, {})
    assert _counts(services, lambda: services.run(source.count_now)) == 0


async def test_the_first_rows_come_with_the_screen_not_from_the_list_read(
    template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first page read while the screen was built is given to the table as it mounts: the
    table reads no first page itself and never paints an empty list first."""
    monkeypatch.setattr(queue, "PAGE_SIZE", 2)  # the mentor's 6 pending items: 3 pages
    monkeypatch.setattr(queue_source, "PAGE_SIZE", 2)
    monkeypatch.setattr(queue, "FIRST_ROWS_WAIT", 10)  # the read is waited for, in this test
    fetched: list[tuple[int, int]] = []
    fetch = queue_source.QueueSource.fetch

    def recorded(self, offset: int, limit: int):
        fetched.append((offset, limit))
        return fetch(self, offset, limit)

    monkeypatch.setattr(queue_source.QueueSource, "fetch", recorded)
    first_rows_seen: list[int] = []
    first_rows = table_loading.first_rows

    def seen(self, message):
        first_rows_seen.append(len(message.rows))
        return first_rows(self, message)

    monkeypatch.setattr(PagedTable, "_first_rows", seen)
    painted_empty: list[bool] = []
    render_lines = PagedTable.render_lines

    def painted(self, crop):
        painted_empty.append(self.key_at(0) is None)
        return render_lines(self, crop)

    monkeypatch.setattr(PagedTable, "render_lines", painted)
    app = mentor_app(template, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_screen(pilot, "3")
        screen = app.screen
        assert isinstance(screen, ReviewQueueScreen)
        table = screen.query_one(PagedTable)
        assert table.row_count > 2 and table.key_at(0) is not None
        assert (0, 2) not in fetched and first_rows_seen == []
        assert painted_empty and not any(painted_empty)


async def test_the_editor_coming_and_going_leaves_the_scrollbar_alone(
    template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`a` and escape lay the screen out (the panel shows, then hides): the list's scrollbar,
    unchanged, is not set up and repainted again after the layout (Textual did so after every
    layout, and painted it in a frame of its own); a change of the list's rows still does."""
    app = mentor_app(template, tmp_path)
    updates: list[int] = []
    scroll_update = PagedTable._scroll_update

    def counted(self, virtual_size):
        updates.append(virtual_size.height)
        return scroll_update(self, virtual_size)

    async with app.run_test(size=(130, 9)) as pilot:  # 6 items: more than the list shows
        await open_screen(pilot, "3")
        table = app.screen.query_one(PagedTable)
        assert table.show_vertical_scrollbar
        monkeypatch.setattr(PagedTable, "_scroll_update", counted)
        await pilot.press("a")
        await settle(pilot)
        assert app.screen.focused is not table
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen.focused is table
        assert updates == []
        await pilot.press("a")
        await settle(pilot)
        await pilot.press("ctrl+s")  # a row fewer: the scrollbar follows
        await settle(pilot)
        assert table.vertical_scrollbar.window_virtual_size == table.row_count + 1
        assert table.row_count == 5


async def test_a_decision_shows_the_new_count_in_its_own_frame(
    template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The count line changes with the decision's rows (not a message later, which painted
    it in a frame after the landing), and says what was decided: no toast, whose making and
    laying out cost each decision about 7 ms of CPU in a terminal (notifications on)."""
    shown: list[str] = []
    saved = ReviewQueueScreen._saved

    def recorded(self, *args, **kwargs):
        saved(self, *args, **kwargs)
        shown.append(str(self.query_one("#reviews-count").content))

    monkeypatch.setattr(ReviewQueueScreen, "_saved", recorded)
    app = mentor_app(template, tmp_path)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await open_screen(pilot, "3")
        table = app.screen.query_one(PagedTable)
        before = table.row_count
        toasts = len(app._notifications)
        await pilot.press("a")
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert shown == [f"Approved 1 submission · {before - 1} pending submissions, oldest first"]
        assert str(app.screen.query_one("#reviews-count").content) == shown[0]
        assert len(app._notifications) == toasts


async def test_a_decision_shows_the_lists_keys_with_its_landing(
    template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The footer shows the list's keys again when the decision's handler returns, with the
    rows and the preview it lands on (it waited for the focus change's message hops, and was
    painted a frame after the landing); and it reads the screen's bindings once per update."""
    shown: list[list[str]] = []
    saved = ReviewQueueScreen._saved

    def recorded(self, *args, **kwargs):
        saved(self, *args, **kwargs)
        shown.append([item.key for item in self.query_one(KeyFooter).items])

    monkeypatch.setattr(ReviewQueueScreen, "_saved", recorded)
    app = mentor_app(template, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_screen(pilot, "3")
        await pilot.press("a")
        await settle(pilot)
        footer = app.screen.query_one(KeyFooter)
        assert "ctrl+s" in [item.key for item in footer.items]
        reads: list[int] = []
        active = Screen.active_bindings

        def counted(screen):
            reads.append(1)
            return active.fget(screen)  # type: ignore[attr-defined]

        monkeypatch.setattr(Screen, "active_bindings", property(counted))
        footer.update_keys()
        assert len(reads) == 1
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert len(shown) == 1
        assert "a" in shown[0] and "ctrl+s" not in shown[0]
        assert [item.key for item in footer.items] == shown[0]


async def test_saving_leaves_the_hidden_editor_unstyled_until_it_shows(
    template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The text area losing the focus as the panel hides is not styled again (nothing of it
    shows); the next `a` focuses it, and it shows its focused style."""
    app = mentor_app(template, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_screen(pilot, "3")
        await pilot.press("a")
        await settle(pilot)
        area = app.screen.query_one(FeedbackArea)
        focused_border = area.styles.border
        styled: list[bool] = []
        update = TextArea.update_node_styles

        def counted(self, animate: bool = True) -> None:
            styled.append(self.has_focus)
            update(self, animate)

        monkeypatch.setattr(TextArea, "update_node_styles", counted)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not area.has_focus and not area.visible
        assert styled == []
        await pilot.press("a")
        await settle(pilot)
        assert area.has_focus and styled == [True]
        assert area.styles.border == focused_border
        await pilot.press("escape")  # hidden again: cancelled
        await settle(pilot)
        assert styled == [True]
        await pilot.press("a")
        await pilot.click("#reviews-table")  # the list, the panel still shown: blurred style
        await settle(pilot)
        assert not area.has_focus and area.visible
        assert styled[-1] is False and area.styles.border != focused_border


async def test_the_preview_pane_paints_the_lines_the_worker_styled(
    template: Path, tmp_path: Path
) -> None:
    """The worker that renders a preview gives its lines in the pane's style too: the pane
    paints those strips as they are (it styled each line of every new item on the UI thread),
    the same as styling them there."""
    app = mentor_app(template, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_screen(pilot, "3")
        await pilot.press("a")
        await settle(pilot)
        await pilot.press("ctrl+s")  # lands on an item rendered ahead
        await settle(pilot)
        pane = app.screen.query_one(PreviewPane)
        shown = pane.shown
        assert shown is not None and shown.style == pane.rich_style
        assert len(shown.styled) == len(shown.lines) > 1
        width = pane.scrollable_content_region.width
        for y in range(2):
            line = pane.render_line(y)
            assert line is shown.styled[y]
            restyled = shown.lines[y].crop_extend(0, width, pane.rich_style)
            assert list(line) == list(restyled.apply_style(pane.rich_style))


async def test_the_editor_shown_again_paints_its_own_lines_as_before(
    template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The panel's own lines (its border and background) are the same at every `a`: shown
    again, it paints the lines it drew the first time (Textual drew all of them again), and
    what shows is what a full repaint shows."""
    drawn: list[int] = []
    render_line = FeedbackPanel.render_line

    def counted(self, y: int):
        drawn.append(y)
        return render_line(self, y)

    monkeypatch.setattr(FeedbackPanel, "render_line", counted)
    app = mentor_app(template, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_screen(pilot, "3")
        await pilot.press("a")
        await settle(pilot)
        assert drawn  # the first time
        await pilot.press("escape")
        await settle(pilot)
        drawn.clear()
        await pilot.press("a")
        await settle(pilot)
        assert drawn == []
        compositor = app.screen._compositor
        shown = [list(strip) for strip in compositor.render_strips()]
        app.screen.query_one(FeedbackPanel).refresh()
        await settle(pilot)
        assert drawn
        assert [list(strip) for strip in compositor.render_strips()] == shown
