"""A conversation's pages at scale (issue 17): a page near the end is read from the newest
end (the newest page of a 10,000-message conversation skips no row), and the page a
conversation opens on is read with its count, in one transaction."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from sqlalchemy import event
from test_inbox_open import _talk

from mentor_tui.core.messages import inbox
from mentor_tui.db.engine import session_scope
from mentor_tui.screens.inbox import sources
from tests import factory
from tests.school import School, build_school


@pytest.fixture
def school(engine) -> School:
    with session_scope(engine) as s:
        return build_school(s)


@pytest.mark.parametrize("who", ["maria", "ada"])
def test_a_page_near_the_end_is_read_from_the_newest_end(engine, school: School, who) -> None:
    """With the count given, a page in the later half skips the rows after it: the same
    lines, in the same order, as read from the oldest end."""
    _talk(engine, school)
    actor = factory.actor(getattr(school, who))
    with session_scope(engine) as s:
        thread = next(c for c in inbox.conversations(s, actor) if c.messages == 6).thread_id
        total = inbox.count_thread(s, actor, thread)
        assert total == 6
        for offset in range(8):
            for limit in (1, 2, 4, 100):
                plain = inbox.thread_messages(s, actor, thread, offset=offset, limit=limit)
                counted = inbox.thread_messages(
                    s, actor, thread, offset=offset, limit=limit, total=total
                )
                assert [line.id for line in counted] == [line.id for line in plain]
    skipped: list[object] = []

    def seen(conn, cursor, statement, parameters, context, executemany) -> None:
        if "ORDER BY messages.created_at DESC" in statement:
            skipped.append(parameters[-1])  # OFFSET, the statement's last parameter

    with session_scope(engine) as s:
        event.listen(engine, "before_cursor_execute", seen)
        try:
            newest = inbox.thread_messages(s, actor, thread, offset=4, limit=4, total=total)
        finally:
            event.remove(engine, "before_cursor_execute", seen)
    assert [line.body for line in newest] == [f"Reply {n} about recursion" for n in (3, 4)]
    assert skipped == [0], "the newest page skips no row"


def test_a_conversations_newest_page_is_read_with_its_count(engine, school: School) -> None:
    """The count reads the page the table opens on (the newest) in the same transaction: the
    fetch that follows reads nothing; another page is read as before."""
    _talk(engine, school)
    maria = factory.actor(school.maria)
    services = SimpleNamespace(run=lambda job: _run(engine, job))
    with session_scope(engine) as s:
        thread = next(c for c in inbox.conversations(s, maria) if c.messages == 6).thread_id
        every = [line.id for line in inbox.thread_messages(s, maria, thread)]
    source = sources.ThreadSource(services, maria, thread, page_size=4)  # type: ignore[arg-type]
    statements: list[str] = []

    def seen(conn, cursor, statement, parameters, context, executemany) -> None:
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", seen)
    try:
        assert source.count() == 6
        counted = len(statements)
        newest = source.fetch(4, 4)
        assert len(statements) == counted, "the newest page came with the count"
        oldest = source.fetch(0, 4)
        assert len(statements) > counted
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    assert [row.key for row in oldest + newest] == every


def _run(engine, job):
    with session_scope(engine) as s:
        return job(s)
