"""Conversations through a real sync server (issue 17): two stores of different people
exchange messages both ways with unread counts that agree with what each has read, and a push
that breaks the messaging rules is refused whatever the client sends."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select

from mentor_tui.core import clock
from mentor_tui.core.messages import inbox, send
from mentor_tui.db.engine import session_scope
from mentor_tui.db.models import Message
from mentor_tui.sync import login, sync_once
from mentor_tui.sync.protocol import wire_time
from tests import sync_helpers
from tests.sync_helpers import PASSWORD, Program, ThreadServer, actor_in
from tests.sync_helpers import change as _change
from tests.sync_helpers import pull_everything as _pull_everything
from tests.sync_helpers import push as _push

program_template = sync_helpers.program_template  # a fixture
program = sync_helpers.program  # a fixture


def _message(
    sender: str,
    recipient: str | None,
    body: str = "hi",
    *,
    thread: str | None = None,
    kind: str | None = None,
    audience: str | None = None,
    **extra: Any,
) -> dict[str, Any]:
    message_id = str(uuid.uuid4())
    now = wire_time(clock.now())
    fields = {
        "id": message_id, "created_at": now, "updated_at": now, "version": 1,
        "deleted_at": None, "sender_id": sender, "recipient_id": recipient,
        "kind": kind or ("direct" if recipient else "announcement"), "body": body,
        "read_at": None, "thread_id": thread or message_id, "audience": audience,
        "edited_at": None, "history": [], "reported_at": None, "reported_by": None,
    } | extra  # fmt: skip
    return _change("messages", message_id, "insert", fields)


def _statuses(results: list[dict[str, Any]]) -> list[str]:
    return [r["status"] for r in results]


def test_a_push_that_breaks_the_messaging_rules_is_refused(program: Program) -> None:
    h, ids = program.harness, program.ids
    admin = actor_in(h.engine, "admin@example.org").id
    refused = _push(
        h,
        "s1@example.org",
        _message(ids["s1"], ids["s2"], "to another mentor's student"),
        _message(ids["s1"], ids["m2"], "to another mentor"),
        _message(ids["s1"], ids["m1"], "into M2's thread", thread=ids["msg2"]),
        _message(ids["s2"], ids["m2"], "in someone else's name"),
        _message(ids["s1"], None, "a student's announcement", audience="students"),
        _message(ids["s1"], ids["m1"], "born read", read_at=wire_time(clock.now())),
        _change("messages", ids["msg1"], "update", {"body": "put words in M1's mouth"}),
        _change("messages", ids["msg1"], "delete", {"deleted_at": wire_time(clock.now())}),
        _change("messages", ids["msg1"], "update", {"reported_by": ids["m2"]}),
        _change("messages", ids["msg2"], "update", {"read_at": wire_time(clock.now())}),
    )
    assert _statuses(refused) == ["rejected"] * 10, refused
    assert (
        _statuses(
            _push(
                h,
                "m1@example.org",
                _message(ids["m1"], None, "to everyone", audience="everyone"),
                _message(ids["m1"], ids["s2"], "to M2's student"),
                _change("messages", ids["msg1"], "update", {"body": "silently changed"}),
            )
        )
        == ["rejected"] * 3
    )
    allowed = _push(
        h,
        "s1@example.org",
        first := _message(ids["s1"], ids["m1"], "to my mentor"),
        _message(ids["s1"], admin, "to the admins"),
        _message(ids["s1"], ids["m1"], "in our thread", thread=ids["msg1"]),
        _change(
            "messages",
            ids["msg1"],
            "update",
            {"reported_at": wire_time(clock.now()), "reported_by": ids["s1"]},
        ),
    )
    assert _statuses(allowed) == ["applied"] * 4, allowed
    assert _statuses(
        _push(h, "m1@example.org", _message(ids["m1"], None, "hello all", audience="students"))
    ) == ["applied"]
    with h.engine.connect() as conn:
        bodies = set(conn.execute(select(Message.body)).scalars())
    assert "to another mentor's student" not in bodies and "to my mentor" in bodies
    # what reaches whom: M2 and S2 never see S1's messages; S3 sees M1's announcement
    assert first["entity_id"] not in _pull_everything(h, h.token("m2@example.org")).get(
        "messages", set()
    )
    h.account("s3@example.org", "student")
    s3_seen = _pull_everything(h, h.token("s3@example.org"))["messages"]
    s3_bodies = {body for body in _bodies(h, s3_seen)}
    assert s3_bodies == {"hello all"}, "Sid sees his mentor's announcement, no one's chat"


def _bodies(h, message_ids: set[str]) -> set[str]:
    with h.engine.connect() as conn:
        return set(conn.execute(select(Message.body).where(Message.id.in_(message_ids))).scalars())


def test_two_stores_exchange_messages_both_ways_with_agreeing_unread_counts(
    program: Program,
) -> None:
    h, ids = program.harness, program.ids
    with ThreadServer(h.engine) as server:
        mentor_store, student_store = h.store("m1"), h.store("s1")
        login(mentor_store, server.url, "m1@example.org", PASSWORD)
        login(student_store, server.url, "s1@example.org", PASSWORD)
        m1 = actor_in(mentor_store, "m1@example.org")
        s1 = actor_in(student_store, "s1@example.org")
        with session_scope(student_store) as s:
            assert inbox.unread_messages(s, s1) == 1  # M1's welcome
            send.reply(s, s1, ids["msg1"], "When is our next session?")
            inbox.mark_thread_read(s, s1, ids["msg1"])
        sync_once(student_store)
        sync_once(mentor_store)
        with session_scope(mentor_store) as s:
            assert inbox.unread_messages(s, m1) == 1
            [talk] = inbox.conversations(s, m1)
            assert (talk.thread_id, talk.unread, talk.last_preview) == (
                ids["msg1"],
                1,
                "When is our next session?",
            )
            send.reply(s, m1, ids["msg1"], "Tomorrow at ten.")
            inbox.mark_thread_read(s, m1, ids["msg1"])
            send.announce(s, m1, "No sessions next Monday")
        sync_once(mentor_store)
        sync_once(student_store)
        with session_scope(student_store) as s:
            assert inbox.unread_messages(s, s1) == 2  # the answer and the announcement
            bodies = [line.body for line in inbox.thread_messages(s, s1, ids["msg1"])]
            assert bodies == ["Welcome, Sam", "When is our next session?", "Tomorrow at ten."]
            assert inbox.mark_all_read(s, s1) == 2
        sync_once(student_store)
        sync_once(mentor_store)
        with session_scope(mentor_store) as s:
            assert inbox.unread_messages(s, m1) == 0
            lines = inbox.thread_messages(s, m1, ids["msg1"])
            assert [line.unread for line in lines] == [False, False, False]
        # the student's read marks are the student's own: on the server too
        with session_scope(h.engine) as s:
            assert inbox.unread_messages(s, s1) == 0 and inbox.unread_messages(s, m1) == 0


def _read_mark(message_id: str, user_id: str) -> dict[str, Any]:
    mark_id = str(uuid.uuid4())
    now = wire_time(clock.now())
    fields = {
        "id": mark_id, "created_at": now, "updated_at": now, "version": 1, "deleted_at": None,
        "message_id": message_id, "user_id": user_id, "read_at": now,
    }  # fmt: skip
    return _change("message_reads", mark_id, "insert", fields)


def test_read_marks_are_their_owners_alone_on_messages_they_may_read(program: Program) -> None:
    h, ids = program.harness, program.ids
    results = _push(
        h,
        "s1@example.org",
        _read_mark(ids["msg1"], ids["m1"]),  # in someone else's name
        _read_mark(ids["msg2"], ids["s1"]),  # on a message S1 may not read
        _read_mark(ids["msg1"], ids["s1"]),
    )
    assert _statuses(results) == ["rejected", "rejected", "applied"], results
    assert _pull_everything(h, h.token("m1@example.org")).get("message_reads") is None
    assert len(_pull_everything(h, h.token("s1@example.org"))["message_reads"]) == 1
