"""Sending: a direct message (or the same one to each of several people), a reply in its thread, an announcement, an edit (the earlier
text kept), a report to the admins.

Every write goes through ``core/writes.py``; the audit log records that a message was sent
(kind, to whom), never its text.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlmodel import Session

from mentor_tui.config import Config
from mentor_tui.core import clock, writes
from mentor_tui.core.access import GROUP_AUDIENCE, Actor, message_scope
from mentor_tui.core.messages import rules
from mentor_tui.core.notifications.notify import MESSAGE_REPORTED, notify
from mentor_tui.db.models import Message, User, new_id
from mentor_tui.errors import AccessDenied, NotFound, UserError


def _new(
    session: Session,
    actor: Actor,
    body: str,
    *,
    to: User | None = None,
    thread_id: str | None = None,
    audience: str | None = None,
) -> Message:
    message_id = new_id()
    row = Message(
        id=message_id,
        sender_id=actor.id,
        recipient_id=to.id if to else None,
        kind="direct" if to else "announcement",
        body=rules.message_body(body),
        thread_id=thread_id or message_id,
        audience=audience,
    )
    detail = {"kind": row.kind, "to": to.id if to else audience, "thread_id": row.thread_id}
    writes.insert(session, actor.id, row, action="send", detail=detail)
    session.flush()
    return row


def send(session: Session, actor: Actor, to: str, body: str) -> Message:
    """A new conversation with the person ``to`` (email or id) names."""
    return _new(session, actor, body, to=rules.recipient(session, actor, to))


def send_each(session: Session, actor: Actor, to: Sequence[str], body: str) -> list[Message]:
    """One message with the same text to each person ``to`` names (emails or ids; several
    marked students), each a conversation of its own: the domain has no group conversation,
    and each student answers only their own. Every recipient is checked before the first is
    written, so a refusal sends nothing."""
    text = rules.message_body(body)
    return [_new(session, actor, text, to=user) for user in rules.recipients(session, actor, to)]


def visible_message(session: Session, actor: Actor, message_id: str) -> Message:
    row: Message | None = session.execute(
        select(Message).where(message_scope(actor), Message.id == message_id.strip())
    ).scalar_one_or_none()
    if row is None:
        raise NotFound(f"You have no message {message_id.strip()!r}.")
    return row


def thread_root(session: Session, actor: Actor, thread_id: str) -> Message:
    """The first message of a conversation the actor can see."""
    key = thread_id.strip()
    row = session.execute(
        select(Message).where(message_scope(actor), Message.thread_id == key).limit(1)
    ).scalar_one_or_none()
    if row is None:
        raise NotFound(f"You have no conversation {key!r}.")
    root = session.get(Message, row.thread_id)
    return root if root is not None and root.deleted_at is None else row


def reply_target(session: Session, actor: Actor, root: Message) -> User | None:
    """Whom a reply in ``root``'s conversation goes to; None: a reply to an announcement
    the actor received, which starts a conversation of its own with its sender."""
    if root.kind == "announcement":
        if root.sender_id == actor.id:
            raise UserError(
                "Replies to your announcement come as conversations of their own: answer one "
                "of those, or send another announcement."
            )
        return None
    if actor.id not in (root.sender_id, root.recipient_id):
        raise AccessDenied("You are not in this conversation; write to them directly.")
    return session.get(User, root.recipient_id if root.sender_id == actor.id else root.sender_id)


def reply(session: Session, actor: Actor, thread_id: str, body: str) -> Message:
    """A reply in the conversation ``thread_id`` (to its other person); to an announcement,
    a new conversation with the person who announced it."""
    root = thread_root(session, actor, thread_id)
    other = reply_target(session, actor, root)
    if other is None:
        return _new(session, actor, body, to=rules.recipient(session, actor, root.sender_id))
    to = rules.recipient(session, actor, other.id)  # may no longer be allowed (reassigned)
    return _new(session, actor, body, to=to, thread_id=root.id)


def announce(session: Session, actor: Actor, body: str, audience: str = "students") -> Message:
    """An announcement: a mentor's to their students; an admin's to all students, all mentors
    or everyone; or to a group (core/messages/groups.py: a course's students, a
    specialization's mentors; a study group of theirs: ``group:`` and its id). Each recipient
    reads it (and marks it) on their own."""
    from mentor_tui.core.messages.groups import check_group

    name = audience.strip()
    if ":" in name and not name.startswith(GROUP_AUDIENCE):
        checked = check_group(session, actor, name)
    else:
        checked = rules.audience(actor, name, session)
    return _new(session, actor, body, audience=checked)


def edit(session: Session, actor: Actor, message_id: str, body: str) -> Message:
    """Change the text of a message the actor sent; the earlier text is kept (``history``) and
    the message shows as edited."""
    row = visible_message(session, actor, message_id)
    if row.sender_id != actor.id:
        raise AccessDenied("You can only edit messages you sent.")
    text = rules.message_body(body)
    if text == row.body:
        return row
    now = clock.now()
    history = [*row.history, {"body": row.body, "until": clock.iso_utc(now)}]
    writes.update(
        session,
        actor.id,
        row,
        {"body": text, "edited_at": now, "history": history},
        action="edit",
    )
    return row


def report(session: Session, config: Config, actor: Actor, message_id: str) -> Message:
    """Report a message to the admins: they then see it with its conversation, and each gets a
    notification (the escalation path). The report names no text."""
    row = visible_message(session, actor, message_id)
    if row.sender_id == actor.id:
        raise UserError("You cannot report your own message.")
    if row.reported_at is not None:
        raise UserError("This message has already been reported to the admins.")
    writes.update(
        session,
        actor.id,
        row,
        {"reported_at": clock.now(), "reported_by": actor.id},
        action="report",
    )
    sender = session.get(User, row.sender_id)
    who = sender.full_name if sender else "someone"
    admins = session.execute(
        select(User.id).where(User.role == "admin", User.deleted_at.is_(None))
    ).scalars()
    for admin_id in admins:
        notify(
            session,
            config,
            user_id=admin_id,
            type=MESSAGE_REPORTED,
            title="A message was reported",
            message=f"{actor.full_name} reported a message from {who}.",
            data={"message_id": row.id, "thread_id": row.thread_id},
            actor_id=actor.id,
        )
    return row


__all__ = [
    "announce",
    "edit",
    "reply",
    "reply_target",
    "report",
    "send",
    "send_each",
    "thread_root",
    "visible_message",
]
