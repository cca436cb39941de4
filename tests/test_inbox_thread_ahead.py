"""A conversation's newest page read ahead (issue #21): its count and newest page are kept until
the store changes (``inbox.newest_page``), and the preload's warm-up of screen 7 reads the newest
conversation's ahead, so that the first `enter` on it reads (and compiles) nothing."""

from __future__ import annotations

import pytest
from app_support import MENTOR, compiled_now, copy_store, services_for
from test_inbox_open import _actor, _talk, _talk_to

from mentor_tui.core.messages import inbox, send
from mentor_tui.db.engine import session_scope
from mentor_tui.screens.inbox import sources
from mentor_tui.screens.inbox.inbox import InboxScreen
from tests import factory
from tests.school import School, build_school


@pytest.fixture
def school(engine) -> School:
    with session_scope(engine) as s:
        return build_school(s)


def test_the_newest_page_is_the_count_and_the_last_page_until_a_commit(
    engine, school: School
) -> None:
    _talk(engine, school)
    maria, ada, otto = (factory.actor(p) for p in (school.maria, school.ada, school.otto))
    with session_scope(engine) as s:
        thread = next(c for c in inbox.conversations(s, maria) if c.messages == 6).thread_id
        every = inbox.thread_messages(s, maria, thread)
        assert inbox.newest_page(s, maria, thread, 4) == (6, 4, every[4:])
        assert inbox.newest_page(s, otto, thread, 4) == (0, 0, []), "not otto's to read"
        unread = [line.unread for line in inbox.newest_page(s, ada, thread, 4)[2]]
    assert any(unread)
    with session_scope(engine) as s:  # a commit: the kept page is read again
        inbox.mark_thread_read(s, ada, thread)
    with session_scope(engine) as s:
        assert not any(line.unread for line in inbox.newest_page(s, ada, thread, 4)[2])
    with session_scope(engine) as s:
        reply = send.reply(s, maria, thread, "One more about recursion")
    with session_scope(engine) as s:
        total, offset, lines = inbox.newest_page(s, maria, thread, 4)
    assert (total, offset, lines[-1].id) == (7, 4, reply.id)


@pytest.mark.parametrize("warmed", [True, False])
def test_warm_up_reads_the_newest_conversation_ahead(template, tmp_path, warmed: bool) -> None:
    """After the warm-up, opening the newest conversation (its count and the page it opens
    on) runs no statement until someone commits; then it reads what was committed."""
    services = services_for(copy_store(template, tmp_path / "m.db"), MENTOR)
    mentor = _actor(services)
    _talk_to(services, mentor, "An older conversation")
    newest = _talk_to(services, mentor, "The newest conversation")
    if warmed:
        InboxScreen.warm_up(services)
    opened: dict[str, object] = {}

    def open_newest() -> None:
        source = sources.ThreadSource(services, mentor, newest)
        opened["count"] = source.count()
        opened["bodies"] = [row.cells[2].plain for row in source.fetch(0, 100)]

    read = compiled_now(services, open_newest)
    assert (read == []) == warmed, read
    assert opened == {"count": 1, "bodies": ["The newest conversation"]}
    with session_scope(services.engine) as s:
        send.reply(s, mentor, newest, "A reply after the warm-up")
    assert compiled_now(services, open_newest), "read again after the commit"
    assert opened == {
        "count": 2,
        "bodies": ["The newest conversation", "A reply after the warm-up"],
    }
