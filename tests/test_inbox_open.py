"""Screen 7 opened at scale (issue 17): what its first paint waits for and what follows it.

The conversations are counted without their aggregates and listed with their people read once;
a conversation's pages come from a covering index and it opens on its newest page, fetched
first; it is marked read after it is shown; a new screen's status bar shows the figures kept
from the last count and counts again only when the store has changed."""

from __future__ import annotations

import sys
import threading
import time
from pathlib import Path

import pytest
from app_support import MENTOR, compiled_now, copy_store, services_for, settle
from rich.text import Text
from sqlalchemy import event, select
from textual.app import App, ComposeResult

from mentor_tui.app.main import MentorApp
from mentor_tui.core.access import Actor
from mentor_tui.core.messages import inbox, send
from mentor_tui.core.notifications.notify import notify, unread_count
from mentor_tui.db.engine import session_scope
from mentor_tui.db.models import User
from mentor_tui.screens.inbox import sources
from mentor_tui.screens.inbox.inbox import InboxScreen
from mentor_tui.screens.inbox.thread import ThreadScreen
from mentor_tui.widgets.paged_table import Column, PagedRow, PagedTable
from mentor_tui.widgets.status_bar import StatusBar
from tests import factory
from tests.school import School, build_school

SIZE = (100, 30)


@pytest.fixture
def school(engine) -> School:
    with session_scope(engine) as s:
        return build_school(s)


def _talk(engine, school: School) -> None:
    """Conversations of every kind: direct ones both ways, an announcement, a long thread."""
    maria, ada, admin = (factory.actor(p) for p in (school.maria, school.ada, school.admin))
    with session_scope(engine) as s:
        first = send.send(s, ada, "maria@example.org", "About recursion")
        for n in range(5):
            send.reply(s, maria if n % 2 else ada, first.id, f"Reply {n} about recursion")
        send.send(s, maria, "ben@example.org", "Welcome, Ben")
        send.announce(s, admin, "Staff meeting on Friday", "mentors")
        send.send(s, ada, "admin@example.org", "A question for the admins")


@pytest.mark.parametrize("who", ["maria", "ada", "ben", "admin", "otto"])
@pytest.mark.parametrize("text", ["", "recursion", "nothing like it"])
def test_conversations_are_counted_as_they_are_listed(
    engine, school: School, who: str, text: str
) -> None:
    _talk(engine, school)
    actor = factory.actor(getattr(school, who))
    with session_scope(engine) as s:
        listed = inbox.conversations(s, actor, limit=500, text=text)
        assert inbox.count_conversations(s, actor, text) == len(listed)
    if who == "maria" and not text:
        assert len(listed) == 3, "ada's thread, ben's, the announcement"


def test_a_page_of_conversations_reads_its_people_once(engine, school: School) -> None:
    _talk(engine, school)
    maria = factory.actor(school.maria)
    statements: list[str] = []

    def seen(conn, cursor, statement, parameters, context, executemany) -> None:
        statements.append(statement)

    with session_scope(engine) as s:
        event.listen(engine, "before_cursor_execute", seen)
        try:
            page = inbox.conversations(s, maria, limit=50)
        finally:
            event.remove(engine, "before_cursor_execute", seen)
    # the page, its first messages, their people: no query per conversation
    assert len(statements) == 3, statements
    titles = {c.title for c in page}
    assert {school.ada.full_name, school.ben.full_name} <= titles
    assert any(t.startswith(f"Announcement by {school.admin.full_name}") for t in titles)


def test_a_conversations_page_reads_the_covering_index(engine, school: School) -> None:
    _talk(engine, school)
    maria = factory.actor(school.maria)
    with session_scope(engine) as s:
        thread = next(c for c in inbox.conversations(s, maria) if c.messages == 6).thread_id
    statements: list[tuple[str, object]] = []

    def seen(conn, cursor, statement, parameters, context, executemany) -> None:
        statements.append((statement, parameters))

    with session_scope(engine) as s:
        event.listen(engine, "before_cursor_execute", seen)
        try:
            lines = inbox.thread_messages(s, maria, thread, offset=2, limit=3)
        finally:
            event.remove(engine, "before_cursor_execute", seen)
    assert [line.body for line in lines] == [f"Reply {n} about recursion" for n in (1, 2, 3)]
    statement, parameters = statements[-1]
    with engine.connect() as conn:
        plan = " ".join(
            str(row[3])
            for row in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters)
        )
    assert "ix_messages_thread_page" in plan, plan
    assert "TEMP B-TREE" not in plan, "the page in the index's order: nothing sorted"


class _Rows:
    def __init__(self, rows: int) -> None:
        self.rows = rows
        self.fetches: list[int] = []

    def count(self) -> int:
        return self.rows

    def fetch(self, offset: int, limit: int) -> list[PagedRow]:
        self.fetches.append(offset)
        end = min(offset + limit, self.rows)
        return [PagedRow(key=f"r{i}", cells=(Text(f"row {i}"),)) for i in range(offset, end)]


class _TableApp(App[None]):
    def __init__(self, source: _Rows) -> None:
        super().__init__()
        self.source = source

    def compose(self) -> ComposeResult:
        yield PagedTable([Column("row", "Row")], page_size=50, start_at_end=True)

    def on_mount(self) -> None:
        self.query_one(PagedTable).set_source(self.source, keep_cursor_key=True)


@pytest.mark.anyio
@pytest.mark.parametrize("anyio_backend", ["asyncio"])
@pytest.mark.parametrize("rows", [1, 49, 50, 51, 1234])
async def test_a_table_that_starts_at_its_end_fetches_its_last_page_first(
    anyio_backend, rows: int
) -> None:
    source = _Rows(rows)
    app = _TableApp(source)
    async with app.run_test(size=(40, 12)) as pilot:
        await settle(pilot)
        table = app.query_one(PagedTable)
        assert source.fetches[0] == (rows - 1) // 50 * 50, "the last page, first"
        assert table.cursor_index == rows - 1 and table.cursor_key == f"r{rows - 1}"
        assert table.scroll_y == max(0, rows - 11), "the newest rows on screen"
        if rows > 100:
            assert 0 not in source.fetches, "the top, never shown, is never read"
        table.set_source(source, keep_cursor_key=True)  # a reload keeps the cursor's place
        await settle(pilot)
        assert table.cursor_index == rows - 1


def _actor(services, email: str = MENTOR) -> Actor:
    with session_scope(services.engine) as s:
        return Actor.of(s.execute(select(User).where(User.email == email)).scalar_one())


def _unread(services, actor: Actor) -> int:
    with session_scope(services.engine) as s:
        return inbox.unread_messages(s, actor) + unread_count(s, actor)


@pytest.mark.anyio
@pytest.mark.parametrize("anyio_backend", ["asyncio"])
async def test_a_new_screen_shows_the_kept_figures_and_counts_again_after_a_change(
    anyio_backend, template, tmp_path
) -> None:
    services = services_for(copy_store(template, tmp_path / "m.db"), MENTOR)
    mentor = _actor(services)
    app = MentorApp(services)
    counts: list[int] = []
    real = app._count_pending

    def counted() -> None:
        counts.append(1)
        real()

    app._count_pending = counted  # type: ignore[method-assign]
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.refresh_status()  # read after what start-up wrote (the dashboard's jobs)
        await settle(pilot)
        before = len(counts)
        await pilot.press("7")
        await settle(pilot)
        assert isinstance(app.screen, InboxScreen)
        bar = app.screen.query_one(StatusBar)
        assert bar.unread == _unread(services, mentor), "the kept total, at once"
        assert len(counts) == before, "nothing changed: no recount"
        with session_scope(services.engine) as s:  # another connection commits
            notify(s, None, user_id=mentor.id, type="t", title="Something new")
        await pilot.press("2")
        await settle(pilot)
        assert len(counts) == before + 1, "the store changed: counted again"
        assert app.screen.query_one(StatusBar).unread == _unread(services, mentor)


@pytest.mark.anyio
@pytest.mark.parametrize("anyio_backend", ["asyncio"])
async def test_a_conversation_opens_on_its_newest_message_then_is_marked_read(
    anyio_backend, template, tmp_path
) -> None:
    services = services_for(copy_store(template, tmp_path / "m.db"), MENTOR)
    mentor = _actor(services)
    with session_scope(services.engine) as s:
        student = s.execute(
            select(User).where(User.mentor_id == mentor.id, User.status == "Active").limit(1)
        ).scalar_one()
        writer = Actor.of(student)
        first = send.send(s, writer, mentor.email, "Message 0")
        for n in range(1, 230):
            send.reply(s, writer if n % 2 == 0 else mentor, first.id, f"Message {n}")
        thread = first.id
    assert _unread(services, mentor) > 0
    app = MentorApp(services)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.push_screen(ThreadScreen(thread))
        await settle(pilot)
        table = app.screen.query_one(PagedTable)
        assert table.row_count == 230
        assert table.cursor_index == 229
        assert app.screen.source is not None
        assert app.screen.source.lines[table.cursor_key].body == "Message 229"
        with session_scope(services.engine) as s:
            assert inbox.unread_messages(s, mentor) == 0, "read once shown"


class _WatchedThread(ThreadScreen):
    """Notes, when the screen's mount handler runs, whether its rows were asked for."""

    CSS_PATH = Path(sys.modules[ThreadScreen.__module__].__file__ or "").parent / "inbox.tcss"
    loading_at_mount: bool | None = None

    def on_mount(self) -> None:
        loader = self.query_one(PagedTable)._loader
        # being read, or read already (a short conversation comes at once)
        self.loading_at_mount = loader is not None and (loader._running or loader._counted)


@pytest.mark.anyio
@pytest.mark.parametrize("anyio_backend", ["asyncio"])
async def test_screen_7_and_a_conversation_open_focused_and_reading(
    anyio_backend, template, tmp_path, monkeypatch
) -> None:
    """Each list has the focus from the screen's first frame (no other widget is given it
    first: a focus moved later restyles and repaints the screen once more), and a
    conversation's rows are asked for while its screen mounts, not after."""
    services = services_for(copy_store(template, tmp_path / "m.db"), MENTOR)
    thread = _talk_to(services, _actor(services))
    focused: list[str | None] = []
    set_focus = InboxScreen.set_focus

    def noted(screen, widget, *args, **kwargs):
        focused.append(None if widget is None else widget.id)
        return set_focus(screen, widget, *args, **kwargs)

    monkeypatch.setattr(InboxScreen, "set_focus", noted)
    app = MentorApp(services)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("7")
        await settle(pilot)
        assert isinstance(app.screen, InboxScreen)
        assert focused and set(focused) == {"inbox-conversations"}, focused
        await pilot.press("slash")
        await settle(pilot)
        assert app.screen.focused is app.screen.query_one("#inbox-filter"), "`/` still filters"
        screen = _WatchedThread(thread)
        app.push_screen(screen)
        await settle(pilot)
        assert screen.loading_at_mount is True
        assert screen.focused is screen.query_one(PagedTable)


async def _until(pilot, condition, what: str) -> None:
    """Poll (a held count keeps its worker running: no waiting for the workers here)."""
    deadline = time.monotonic() + 10
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        await pilot.pause(0.01)


@pytest.mark.anyio
@pytest.mark.parametrize("anyio_backend", ["asyncio"])
async def test_the_inbox_paints_its_first_pages_before_anything_is_counted(
    anyio_backend, template, tmp_path, monkeypatch
) -> None:
    services = services_for(copy_store(template, tmp_path / "m.db"), MENTOR)
    mentor = _actor(services)
    with session_scope(services.engine) as s:
        for n in range(150):  # more than a page (100)
            notify(s, None, user_id=mentor.id, type="t", title=f"Event {n:03d}")
    _talk_to(services, mentor)
    held, asked = threading.Event(), threading.Event()
    counted: list[str] = []
    count_notifications = sources.notify.count_notifications
    count_all = inbox.count_conversations

    def count_held(session, actor, text=""):
        asked.set()
        assert held.wait(10), "the test never let the count through"
        return count_notifications(session, actor, text)

    def count_conversations(session, actor, text=""):
        counted.append(text)
        return count_all(session, actor, text)

    monkeypatch.setattr(sources.notify, "count_notifications", count_held)
    monkeypatch.setattr(sources.inbox, "count_conversations", count_conversations)
    # the open with nothing read ahead (as after a commit): no preload of the first pages
    monkeypatch.setattr(InboxScreen, "warm_up", staticmethod(lambda services: None))
    app = MentorApp(services)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("7")
        await _until(pilot, asked.is_set, "the notifications' count, asked after their page")
        screen = app.screen
        assert isinstance(screen, InboxScreen)
        table = screen.query_one("#inbox-notifications", PagedTable)
        await _until(pilot, lambda: table.cursor_key is not None, "the newest notifications")
        assert table.row_count == 100, "the first page, painted while the count is held"
        newest = table.render_line(1).text
        assert "Event 149" in newest, newest
        label = screen.query_one("#inbox-notifications-count")
        assert str(label.render()) == "Notifications", "no figure before the count"
        conversations = screen.query_one("#inbox-conversations", PagedTable)
        await _until(pilot, lambda: conversations.cursor_key is not None, "the conversations")
        held.set()
        await settle(pilot)
        with session_scope(services.engine) as s:
            total = count_notifications(s, mentor)
        assert total > 150 and table.row_count == total
        assert str(label.render()) == f"Notifications: {total:,}"
        with session_scope(services.engine) as s:
            talks = count_all(s, mentor)
        assert 0 < talks < 100 and conversations.row_count == talks
        assert str(screen.query_one("#inbox-conversations-count").render()) == (
            f"Conversations: {talks}"
        )
        assert counted == [], "conversations that fit on their first page are never counted"


def _talk_to(services, mentor: Actor, text: str = "Hello") -> str:
    """A student's message to ``mentor``: its conversation."""
    with session_scope(services.engine) as s:
        student = s.execute(
            select(User).where(User.mentor_id == mentor.id, User.status == "Active").limit(1)
        ).scalar_one()
        return send.send(s, Actor.of(student), mentor.email, text).id


@pytest.mark.parametrize("warmed", [True, False])
def test_warm_up_reads_the_first_pages_ahead_until_the_store_changes(
    template, tmp_path, warmed: bool
) -> None:
    """The preload's warm-up reads both first pages and the count of the list that fills
    its page: a `7` after it reads none of them again (no statement at all) until someone
    commits; then they are read again, with what was committed."""
    services = services_for(copy_store(template, tmp_path / "m.db"), MENTOR)
    mentor = _actor(services)
    with session_scope(services.engine) as s:
        for n in range(120):  # more than a page (100): the notifications are counted
            notify(s, None, user_id=mentor.id, type="t", title=f"Event {n:03d}")
    _talk_to(services, mentor)
    if warmed:
        assert compiled_now(services, lambda: InboxScreen.warm_up(services))
    shown: dict[str, object] = {}

    def first_pages() -> None:
        conversations = sources.ConversationsSource(services, mentor)
        notifications = sources.NotificationsSource(services, mentor)
        shown["conversations"] = [row.key for row in conversations.fetch(0, 100)]
        shown["notifications"] = [row.cells[1].plain for row in notifications.fetch(0, 100)]
        shown["count"] = notifications.count()

    def total() -> int:  # counted here without the kept figure
        with services.engine.connect() as conn:
            query = "SELECT count(*) FROM notifications WHERE user_id = ? AND deleted_at IS NULL"
            return int(conn.exec_driver_sql(query, (mentor.id,)).scalar_one())

    read = compiled_now(services, first_pages)
    assert (read == []) == warmed, read
    assert shown["notifications"][0] == "Event 119" and shown["count"] == total() > 120
    before = list(shown["conversations"])
    with session_scope(services.engine) as s:
        notify(s, None, user_id=mentor.id, type="t", title="Event after the warm-up")
    thread = _talk_to(services, mentor, "A new conversation")
    assert compiled_now(services, first_pages), "read again after the commits"
    assert shown["notifications"][0] == "Event after the warm-up"
    assert shown["count"] == total()
    assert shown["conversations"] == [thread, *before]


@pytest.mark.anyio
@pytest.mark.parametrize("anyio_backend", ["asyncio"])
async def test_the_app_warms_screen_7_up_once_start_up_is_over(
    anyio_backend, template, tmp_path, monkeypatch
) -> None:
    services = services_for(copy_store(template, tmp_path / "m.db"), MENTOR)
    warmed: list[object] = []
    monkeypatch.setattr(InboxScreen, "warm_up", staticmethod(warmed.append))
    app = MentorApp(services)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await _until(pilot, lambda: bool(warmed), "the preload")
        assert warmed == [services]
