"""Pilot tests of screen 7 (conversations and the notifications inbox): real keys, checked
against the store; at 80x24 the keys are visible; hostile text shows literally."""

from __future__ import annotations

import asyncio

from app_support import MENTOR, copy_store, services_for, settle, type_text
from sqlalchemy import func, select

from mentor_tui.app.main import MentorApp
from mentor_tui.core.access import Actor
from mentor_tui.core.messages import inbox, send
from mentor_tui.core.notifications.notify import unread_count
from mentor_tui.db.draft_models import EditorDraft
from mentor_tui.db.engine import session_scope
from mentor_tui.db.models import Message, User
from mentor_tui.screens.inbox.composer import ComposerScreen
from mentor_tui.screens.inbox.inbox import InboxScreen
from mentor_tui.screens.inbox.thread import ThreadScreen
from mentor_tui.widgets.key_footer import KeyFooter
from mentor_tui.widgets.paged_table import PagedTable
from mentor_tui.widgets.status_bar import StatusBar

SIZE = (80, 24)


def _actor(services, email: str = MENTOR) -> Actor:
    with session_scope(services.engine) as s:
        return Actor.of(s.execute(select(User).where(User.email == email)).scalar_one())


def _unread(services, actor: Actor) -> tuple[int, int]:
    with session_scope(services.engine) as s:
        return inbox.unread_messages(s, actor), unread_count(s, actor)


def _messages(services) -> int:
    with session_scope(services.engine) as s:
        return int(s.execute(select(func.count()).select_from(Message)).scalar_one())


def _a_student(services, mentor: Actor, *, other_mentors: bool = False) -> User:
    with session_scope(services.engine) as s:
        query = select(User).where(User.role == "student", User.status == "Active")
        if other_mentors:
            query = query.where(User.mentor_id.is_not(None), User.mentor_id != mentor.id)
        else:
            query = query.where(User.mentor_id == mentor.id)
        return User.model_validate(s.execute(query.order_by(User.email).limit(1)).scalar_one())


def _seed_unread(services, mentor: Actor) -> None:
    """Two students write to the mentor, and the mentor gets a notification: unread."""
    from mentor_tui.config import Config
    from mentor_tui.core.notifications.notify import notify

    with session_scope(services.engine) as s:
        students = s.execute(
            select(User)
            .where(User.mentor_id == mentor.id, User.status == "Active")
            .order_by(User.email)
            .limit(2)
        ).scalars()
        for n, student in enumerate(students):
            send.send(s, Actor.of(student), mentor.email, f"Question {n}")
        notify(s, Config(), user_id=mentor.id, type="t", title="Something happened")


async def _open_inbox(pilot) -> InboxScreen:
    await pilot.press("7")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, InboxScreen)
    return screen


def _footer(screen) -> str:
    """The footer's keys, the screen's own and then those pinned at the right (escape, help)."""
    footer = screen.query_one(KeyFooter)
    items = (*footer.items, *footer.pinned_items)
    return " ".join(f"{item.key} {item.description}" for item in items)


async def test_the_inbox_at_80x24_shows_its_keys_lists_and_the_unread_total(
    template, tmp_path
) -> None:
    services = services_for(copy_store(template, tmp_path / "m.db"), MENTOR)
    mentor = _actor(services)
    _seed_unread(services, mentor)
    messages, notifications = _unread(services, mentor)
    assert messages + notifications > 0, "the demo mentor has something unread"
    app = MentorApp(services)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open_inbox(pilot)
        footer = _footer(screen)
        for label in ("Next unread", "Reply", "Compose", "Announce", "Read/unread", "All read"):
            assert label in footer, footer
        keys = screen.query_one("#inbox-keys")
        words = str(keys.render())
        for key in ("tab next unread", "enter open", "r reply", "c compose", "A announce",
                    "m read/unread", "M all read", "/ filter", "! report"):  # fmt: skip
            assert key in words
        # wrapped onto the screen whole, above the footer
        assert keys.region.height >= 2 and keys.region.width <= 80
        assert keys.region.bottom <= screen.query_one(KeyFooter).region.y
        assert keys.virtual_size.height <= keys.region.height, "nothing cut"
        conversations = screen.query_one("#inbox-conversations", PagedTable)
        notes = screen.query_one("#inbox-notifications", PagedTable)
        assert conversations.row_count > 0 and notes.row_count > 0
        await settle(pilot)
        bar = screen.query_one(StatusBar)
        assert bar.unread == messages + notifications
        assert f"{messages + notifications:,} unread" in str(
            bar.query_one("#status-store").render()
        )


async def test_tab_enter_open_the_next_unread_conversation_and_read_it(template, tmp_path) -> None:
    services = services_for(copy_store(template, tmp_path / "m.db"), MENTOR)
    mentor = _actor(services)
    _seed_unread(services, mentor)
    with session_scope(services.engine) as s:
        threads = inbox.conversations(s, mentor, limit=100)
        unread_threads = [c.thread_id for c in threads if c.unread]
    assert unread_threads
    app = MentorApp(services)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open_inbox(pilot)
        table = screen.query_one("#inbox-conversations", PagedTable)
        assert table.cursor_key == unread_threads[0], "the newest first: the cursor is on it"
        # tab: the next unread after the highlighted one
        assert table.cursor_index == 0
        await pilot.press("tab")
        await settle(pilot)
        assert table.cursor_key == unread_threads[1]
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ThreadScreen)
        await pilot.press("escape")
        await settle(pilot)
        # then past the last unread conversation: the unread notification
        await pilot.press("tab")
        await settle(pilot)
        assert app.focused is screen.query_one("#inbox-notifications", PagedTable)
        assert app.focused.cursor_index == 0
    with session_scope(services.engine) as s:
        [talk] = [
            c for c in inbox.conversations(s, mentor, limit=100) if c.thread_id == unread_threads[1]
        ]
        assert talk.unread == 0


async def test_compose_saves_as_you_type_and_sends_with_ctrl_s(template, tmp_path) -> None:
    services = services_for(copy_store(template, tmp_path / "m.db"), MENTOR)
    mentor = _actor(services)
    student = _a_student(services, mentor)
    before = _messages(services)
    app = MentorApp(services)
    async with app.run_test(size=SIZE) as pilot:
        await _open_inbox(pilot)
        await pilot.press("c")
        await settle(pilot)
        assert isinstance(app.screen, ComposerScreen)
        await type_text(pilot, student.email)
        await pilot.press("tab")
        await type_text(pilot, "See you at [b]ten[/b]")
        await asyncio.sleep(1.1)  # at most ~1 s after the last key: in the store
        await settle(pilot)
        with session_scope(services.engine) as s:
            [draft] = s.execute(select(EditorDraft).where(EditorDraft.kind == "message")).scalars()
            assert draft.fields == {"body": "See you at [b]ten[/b]", "recipient": student.email}
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, InboxScreen)
    assert _messages(services) == before + 1
    with session_scope(services.engine) as s:
        assert s.execute(select(EditorDraft)).first() is None, "sent: the draft is gone"
        row = s.execute(select(Message).order_by(Message.created_at.desc()).limit(1)).scalar_one()
        assert (row.sender_id, row.recipient_id, row.body) == (
            mentor.id,
            student.id,
            "See you at [b]ten[/b]",
        )


async def test_a_closed_composer_keeps_its_draft_and_brings_it_back(template, tmp_path) -> None:
    services = services_for(copy_store(template, tmp_path / "m.db"), MENTOR)
    app = MentorApp(services)
    async with app.run_test(size=SIZE) as pilot:
        await _open_inbox(pilot)
        await pilot.press("A")
        await settle(pilot)
        await type_text(pilot, "Office hours")
        await pilot.press("escape")  # closes at once: the text is saved first
        await settle(pilot)
        assert isinstance(app.screen, InboxScreen)
        await pilot.press("A")
        await settle(pilot)
        body = app.screen.query_one("#composer-body")
        assert body.text == "Office hours"
        await type_text(pilot, " moved")
        await pilot.press("ctrl+s")
        await settle(pilot)
    with session_scope(services.engine) as s:
        row = s.execute(
            select(Message)
            .where(Message.kind == "announcement")
            .order_by(Message.created_at.desc())
            .limit(1)
        ).scalar_one()
        assert row.body == "Office hours moved" and row.audience == "students"
        assert s.execute(select(EditorDraft)).first() is None


async def test_reply_mark_all_read_and_report_by_keys(template, tmp_path) -> None:
    services = services_for(copy_store(template, tmp_path / "m.db"), MENTOR)
    mentor = _actor(services)
    _seed_unread(services, mentor)
    app = MentorApp(services)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open_inbox(pilot)
        table = screen.query_one("#inbox-conversations", PagedTable)
        with session_scope(services.engine) as s:
            direct = [c for c in inbox.conversations(s, mentor, limit=100) if c.kind == "direct"]
        target = direct[0].thread_id
        while table.cursor_key != target:
            await pilot.press("down")
        await pilot.press("r")
        await settle(pilot)
        await type_text(pilot, "Thanks!")
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("M")
        await settle(pilot)
        assert _unread(services, mentor) == (0, 0)
        await pilot.press("m")  # the highlighted conversation: unread again
        await settle(pilot)
        assert _unread(services, mentor)[0] == 1
        await pilot.press("exclamation_mark")
        await settle(pilot)
    with session_scope(services.engine) as s:
        lines = inbox.thread_messages(s, mentor, target, limit=100)
        assert lines[-1].body == "Thanks!" and lines[-1].sender_id == mentor.id
        reported = [line for line in lines if line.reported]
        assert len(reported) == 1 and reported[0].sender_id != mentor.id


async def test_a_student_cannot_write_to_another_mentors_student_in_the_app(
    template, tmp_path
) -> None:
    path = copy_store(template, tmp_path / "m.db")
    services = services_for(path, MENTOR)
    mentor = _actor(services)
    me = _a_student(services, mentor)
    other = _a_student(services, mentor, other_mentors=True)
    services = services_for(path, me.email)
    before = _messages(services)
    app = MentorApp(services)
    async with app.run_test(size=SIZE) as pilot:
        await _open_inbox(pilot)
        await pilot.press("c")
        await settle(pilot)
        await type_text(pilot, other.email)
        await pilot.press("tab")
        await type_text(pilot, "psst")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ComposerScreen), "refused: the composer stays"
        state = str(app.screen.query_one("#composer-state").render())
        assert "a student writes to their mentor" in state
        await pilot.press("A")  # not a key here: typed into the message
    assert _messages(services) == before


async def test_hostile_text_shows_literally(template, tmp_path) -> None:
    services = services_for(copy_store(template, tmp_path / "m.db"), MENTOR)
    mentor = _actor(services)
    student = _a_student(services, mentor)
    hostile = "[bold red]boom[/] \x1b[31mred\x1b[0m \u202eevil"
    with session_scope(services.engine) as s:
        row = send.send(s, Actor.of(s.get(User, student.id)), mentor.email, hostile)
        thread_id = row.thread_id
    app = MentorApp(services)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open_inbox(pilot)
        table = screen.query_one("#inbox-conversations", PagedTable)
        assert table.cursor_key == thread_id, "the newest conversation first"
        preview = table._row(0).cells[3].plain
        assert "[bold red]boom[/]" in preview and "\x1b" not in preview
        await pilot.press("enter")
        await settle(pilot)
        detail = str(app.screen.query_one("#thread-detail").render())
        assert "[bold red]boom[/]" in detail and "\x1b" not in detail
