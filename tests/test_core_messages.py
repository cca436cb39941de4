"""Conversations in the core (issue 17): who may write to whom, threads, announcements with
each recipient's own unread state, kept edits, reports to the admins, and an audit log that
records that a message was sent, never its text."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from mentor_tui.config import Config
from mentor_tui.core.messages import inbox, send
from mentor_tui.core.notifications.notify import MESSAGE_REPORTED, list_notifications
from mentor_tui.db.engine import session_scope
from mentor_tui.db.models import AuditEntry, Message
from mentor_tui.errors import AccessDenied, NotFound, UserError
from tests import factory
from tests.school import School, build_school

CONFIG = Config()


@pytest.fixture
def school(engine) -> School:
    with session_scope(engine) as s:
        return build_school(s)


def _a(user):
    return factory.actor(user)


@pytest.mark.parametrize(
    ("sender", "recipient"),
    [
        ("ada", "maria"),  # a student to their mentor
        ("ada", "admin"),  # and to the admins
        ("maria", "ada"),  # a mentor to their student
        ("maria", "otto"),  # to another mentor
        ("maria", "admin"),
        ("admin", "dan"),  # an admin to anyone
        ("admin", "otto"),
    ],
)
def test_who_may_write_to_whom(engine, school: School, sender: str, recipient: str) -> None:
    with session_scope(engine) as s:
        row = send.send(s, _a(getattr(school, sender)), getattr(school, recipient).email, "Hi")
        assert row.thread_id == row.id and row.kind == "direct"


@pytest.mark.parametrize(
    ("sender", "recipient", "why"),
    [
        ("ada", "dan", "a student writes to their mentor"),  # another mentor's student
        ("ada", "ben", "a student writes to their mentor"),  # a fellow student
        ("ada", "otto", "a student writes to their mentor"),  # another mentor
        ("maria", "dan", "a mentor writes to their own students"),
        ("maria", "finn", "a mentor writes to their own students"),  # unassigned
    ],
)
def test_what_is_refused(engine, school: School, sender: str, recipient: str, why: str) -> None:
    with session_scope(engine) as s, pytest.raises(AccessDenied, match=why):
        send.send(s, _a(getattr(school, sender)), getattr(school, recipient).email, "Hi")
    with session_scope(engine) as s:
        assert s.execute(select(Message)).first() is None, "nothing half-written"


def test_empty_and_self_are_one_sentence(engine, school: School) -> None:
    with session_scope(engine) as s:
        with pytest.raises(UserError, match="needs some text"):
            send.send(s, _a(school.ada), "maria@example.org", "  \n ")
        with pytest.raises(UserError, match="yourself"):
            send.send(s, _a(school.ada), "ada@example.org", "me")
        with pytest.raises(NotFound):
            send.send(s, _a(school.ada), "nobody@example.org", "hi")


def test_a_reply_belongs_to_its_thread_and_unread_counts_follow(engine, school: School) -> None:
    ada, maria = _a(school.ada), _a(school.maria)
    with session_scope(engine) as s:
        first = send.send(s, ada, "maria@example.org", "Can we talk about recursion?")
        answer = send.reply(s, maria, first.id, "Yes, tomorrow.")
        again = send.reply(s, ada, first.id, "Thanks!")
        assert answer.thread_id == again.thread_id == first.id
        assert answer.recipient_id == ada.id and again.recipient_id == maria.id
    with session_scope(engine) as s:
        assert inbox.unread_messages(s, maria) == 2 and inbox.unread_messages(s, ada) == 1
        [talk] = inbox.conversations(s, maria)
        assert (talk.title, talk.messages, talk.unread) == ("Ada", 3, 2)
        assert talk.last_preview == "Thanks!"
        lines = inbox.thread_messages(s, maria, first.id)
        assert [line.body for line in lines] == [
            "Can we talk about recursion?",
            "Yes, tomorrow.",
            "Thanks!",
        ]
        assert [line.unread for line in lines] == [True, False, True]
        assert inbox.mark_thread_read(s, maria, first.id) == 2
    with session_scope(engine) as s:
        assert inbox.unread_messages(s, maria) == 0
        assert inbox.mark_thread_unread(s, maria, first.id)
        assert inbox.unread_messages(s, maria) == 1
        # nobody else reads or replies in it
        with pytest.raises(NotFound):
            send.reply(s, _a(school.otto), first.id, "me too")
        with pytest.raises(NotFound):
            inbox.thread_messages(s, _a(school.ben), first.id)


def test_a_reply_to_someone_no_longer_allowed_is_refused(engine, school: School) -> None:
    with session_scope(engine) as s:
        first = send.send(s, _a(school.maria), "ada@example.org", "Welcome")
        school.ada.mentor_id = school.otto.id  # Ada moved to Otto
        s.add(school.ada)
        s.flush()
        with pytest.raises(AccessDenied):
            send.reply(s, _a(school.ada), first.id, "Bye")


def test_announcements_reach_their_audience_each_with_their_own_unread(
    engine, school: School
) -> None:
    with session_scope(engine) as s:
        mine = send.announce(s, _a(school.maria), "Office hours moved to Friday")
        everyone = send.announce(s, _a(school.admin), "Welcome to the program", "everyone")
        mentors = send.announce(s, _a(school.admin), "Mentor meeting", "mentors")
        with pytest.raises(AccessDenied, match="Only mentors and admins"):
            send.announce(s, _a(school.ada), "Party")
        with pytest.raises(AccessDenied, match="students"):
            send.announce(s, _a(school.maria), "All hands", "everyone")
    with session_scope(engine) as s:

        def seen(user) -> set[str]:
            return {c.thread_id for c in inbox.conversations(s, _a(user))}

        assert seen(school.ada) == seen(school.ben) == {mine.id, everyone.id}
        assert seen(school.dan) == {everyone.id}, "not Maria's announcement"
        assert seen(school.otto) == {everyone.id, mentors.id}
        assert seen(school.maria) == {mine.id, everyone.id, mentors.id}
        assert inbox.unread_messages(s, _a(school.ada)) == 2
        assert inbox.unread_messages(s, _a(school.maria)) == 2, "not her own"
        inbox.mark_thread_read(s, _a(school.ada), mine.id)
    with session_scope(engine) as s:
        assert inbox.unread_messages(s, _a(school.ada)) == 1
        assert inbox.unread_messages(s, _a(school.ben)) == 2, "Ben's own state"
        assert inbox.mark_all_read(s, _a(school.ben)) == 2
        assert inbox.unread_messages(s, _a(school.ben)) == 0
        assert inbox.mark_thread_unread(s, _a(school.ben), everyone.id)
        assert inbox.unread_messages(s, _a(school.ben)) == 1
        # a reply to an announcement is a conversation of its own with who announced it
        answer = send.reply(s, _a(school.ben), mine.id, "Friday works")
        assert answer.thread_id == answer.id and answer.recipient_id == school.maria.id
        assert answer.id not in {c.thread_id for c in inbox.conversations(s, _a(school.ada))}
        with pytest.raises(UserError, match="conversations of their own"):
            send.reply(s, _a(school.maria), mine.id, "to all")


def test_an_edit_keeps_the_earlier_text_and_only_the_sender_edits(engine, school: School) -> None:
    with session_scope(engine) as s:
        row = send.send(s, _a(school.ada), "maria@example.org", "I cant come")
        with pytest.raises(AccessDenied):
            send.edit(s, _a(school.maria), row.id, "changed by her")
        send.edit(s, _a(school.ada), row.id, "I can't come")
    with session_scope(engine) as s:
        [line] = inbox.thread_messages(s, _a(school.maria), row.id)
        assert line.body == "I can't come" and line.edited
        assert [h["body"] for h in line.history] == ["I cant come"]


def test_a_report_reaches_the_admins_with_its_thread_and_nothing_else(
    engine, school: School
) -> None:
    with session_scope(engine) as s:
        private = send.send(s, _a(school.otto), "dan@example.org", "Private matter")
        first = send.send(s, _a(school.maria), "ada@example.org", "Hello Ada")
        bad = send.reply(s, _a(school.maria), first.id, "Something unacceptable")
    admin = _a(school.admin)
    with session_scope(engine) as s:
        assert inbox.conversations(s, admin) == [], "admins do not read conversations"
        with pytest.raises(UserError, match="your own"):
            send.report(s, CONFIG, _a(school.maria), bad.id)
        send.report(s, CONFIG, _a(school.ada), bad.id)
        with pytest.raises(UserError, match="already"):
            send.report(s, CONFIG, _a(school.ada), bad.id)
    with session_scope(engine) as s:
        [talk] = inbox.conversations(s, admin)
        assert talk.thread_id == first.id and talk.reported
        assert talk.title == "Maria Mentor and Ada"
        bodies = [line.body for line in inbox.thread_messages(s, admin, first.id)]
        assert bodies == ["Hello Ada", "Something unacceptable"]
        assert private.id not in repr(inbox.conversations(s, admin))
        [note] = list_notifications(s, admin)
        assert note.type == MESSAGE_REPORTED and note.data["thread_id"] == first.id
        assert "unacceptable" not in note.message + note.title


def test_the_audit_log_records_sending_never_the_text(engine, school: School) -> None:
    secret = "my password is hunter2"
    with session_scope(engine) as s:
        row = send.send(s, _a(school.ada), "maria@example.org", secret)
        send.edit(s, _a(school.ada), row.id, secret + "!")
        inbox.mark_thread_read(s, _a(school.maria), row.id)
    with session_scope(engine) as s:
        entries = s.execute(select(AuditEntry).where(AuditEntry.entity == "messages")).scalars()
        actions = []
        for entry in entries:
            actions.append(entry.action)
            assert "hunter2" not in repr(entry.detail)
        assert actions[0] == "send" and set(actions) == {"send", "edit", "read"}


def test_hostile_text_is_kept_exactly(engine, school: School) -> None:
    hostile = "[bold red]x[/] \x1b[31mred\x1b[0m \u202eevil\u202c " + "ü" * 1_000_000
    with session_scope(engine) as s:
        row = send.send(s, _a(school.ada), "maria@example.org", hostile)
    with session_scope(engine) as s:
        [line] = inbox.thread_messages(s, _a(school.maria), row.id)
        assert line.body == hostile
        [talk] = inbox.conversations(s, _a(school.maria))
        assert len(talk.last_preview) <= inbox.PREVIEW


def test_one_text_to_several_students_is_a_conversation_with_each(engine, school: School) -> None:
    """Issue #22: several marked students, one message each (the domain has no group
    conversation); each reads and answers only their own."""
    maria = _a(school.maria)
    to = [school.ada.id, school.ben.email, school.cleo.id, school.ada.email]  # Ada twice
    with session_scope(engine) as s:
        rows = send.send_each(s, maria, to, "Week 3 is out")
    with session_scope(engine) as s:
        sent = s.execute(select(Message.recipient_id, Message.thread_id, Message.id)).all()
        assert sorted(r[0] for r in sent) == sorted([school.ada.id, school.ben.id, school.cleo.id])
        assert all(thread == message for _to, thread, message in sent)
        assert {r.id for r in rows} == {r[2] for r in sent}
        assert inbox.unread_messages(s, _a(school.ben)) == 1
        assert inbox.unread_messages(s, _a(school.dan)) == 0


@pytest.mark.parametrize(
    ("sender", "recipients", "why"),
    [
        # a mentor writes to their own students only: Dan is Otto's; nothing goes to Ada either
        ("maria", ["ada", "dan"], "cannot write to dan@example.org: a mentor writes"),
        ("ada", ["maria", "ben"], "cannot write to ben@example.org: a student writes"),
        (
            "maria",
            ["dan", "finn", "eve", "ada"],
            "dan@example.org, finn@example.org, eve@example.org: a mentor",
        ),
    ],
)
def test_several_recipients_are_checked_before_any_is_written(
    engine, school: School, sender: str, recipients: list[str], why: str
) -> None:
    keys = [getattr(school, r).email for r in recipients]
    with session_scope(engine) as s, pytest.raises(AccessDenied, match=why):
        send.send_each(s, _a(getattr(school, sender)), keys, "Hi")
    with session_scope(engine) as s:
        assert s.execute(select(Message)).first() is None, "nothing half-written"
    with session_scope(engine) as s, pytest.raises(UserError, match="whom the message is to"):
        send.send_each(s, _a(school.maria), [" "], "Hi")
