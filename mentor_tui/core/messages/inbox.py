"""Reading conversations: the actor's conversations newest first and a conversation's messages
oldest first, a page at a time (a list never loads everything), unread counts, and marking
read or unread.

Unread, for the actor: a direct message to them not read yet (``messages.read_at``), or an
announcement meant for them with no read mark of theirs (``message_reads``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, case, exists, func, not_, select
from sqlalchemy.orm import aliased
from sqlmodel import Session

from mentor_tui.core import clock, writes
from mentor_tui.core.access import GROUP_AUDIENCE, Actor, message_scope
from mentor_tui.core.memo import memo
from mentor_tui.core.messages.groups import audience_label
from mentor_tui.core.messages.send import thread_root
from mentor_tui.core.notifications.notify import unread_count
from mentor_tui.db.message_models import MessageRead
from mentor_tui.db.models import Message, User
from mentor_tui.db.peer_models import StudyGroup

PREVIEW = 80


def _read_mark(actor: Actor) -> ColumnElement[bool]:
    return exists().where(
        MessageRead.message_id == Message.id,
        MessageRead.user_id == actor.id,
        MessageRead.read_at.is_not(None),
        MessageRead.deleted_at.is_(None),
    )


def unread_condition(actor: Actor) -> ColumnElement[bool]:
    direct = and_(
        Message.kind == "direct", Message.recipient_id == actor.id, Message.read_at.is_(None)
    )
    announcement = and_(
        Message.kind == "announcement", Message.sender_id != actor.id, not_(_read_mark(actor))
    )
    return (direct | announcement).self_group()


@dataclass(frozen=True)
class Conversation:
    thread_id: str
    kind: str
    title: str  # the other person, or an announcement's audience
    last_at: datetime
    last_preview: str
    messages: int
    unread: int
    reported: bool


@dataclass(frozen=True)
class Line:
    id: str
    thread_id: str
    sender_id: str
    sender_name: str
    kind: str
    body: str
    created_at: datetime
    edited: bool
    history: list[dict[str, Any]]
    unread: bool
    reported: bool


def _preview(body: str) -> str:
    return " ".join(body[: PREVIEW * 4].split())[:PREVIEW]


def _threads(actor: Actor, text: str = "") -> Any:
    unread = func.sum(case((unread_condition(actor), 1), else_=0))
    query = (
        select(
            Message.thread_id,
            func.max(Message.created_at).label("last_at"),
            func.count().label("n"),
            unread.label("unread"),
            func.max(case((Message.reported_at.is_not(None), 1), else_=0)).label("reported"),
        )
        .where(message_scope(actor))
        .group_by(Message.thread_id)
    )
    if text.strip():
        query = query.having(
            func.max(case((Message.body.contains(text.strip(), autoescape=True), 1), else_=0)) == 1
        )
    return query


def count_conversations(session: Session, actor: Actor, text: str = "") -> int:
    """How many conversations ``conversations`` lists: one per thread id (every message has
    one: a conversation's first message is its own). Unfiltered, kept until the store changes
    (``core/memo.py``)."""
    if text.strip():  # a filter matches conversations by any of their messages: grouped
        inner = _threads(actor, text).subquery()
        return int(session.execute(select(func.count()).select_from(inner)).scalar_one())
    # without a filter, no aggregate per conversation: only its id
    query = select(func.count(Message.thread_id.distinct())).where(message_scope(actor))
    return memo(
        session,
        ("conversations.count", actor),
        lambda: int(session.execute(query).scalar_one()),
    )


def conversations(
    session: Session, actor: Actor, *, offset: int = 0, limit: int = 50, text: str = ""
) -> list[Conversation]:
    """One page of the actor's conversations, the newest message first. The first page of the
    unfiltered list is kept until the store changes (``core/memo.py``): screen 7 opened again,
    or after the app's preload read it, shows it without grouping a 10,000-message
    conversation again."""
    if offset or text.strip():
        return _conversations(session, actor, offset, limit, text)
    kept = memo(
        session,
        ("conversations.first_page", actor, limit),
        lambda: tuple(_conversations(session, actor, 0, limit, "")),
    )
    return list(kept)


def _conversations(
    session: Session, actor: Actor, offset: int, limit: int, text: str
) -> list[Conversation]:
    inner = _threads(actor, text).subquery()
    # each conversation's newest message (ix_messages_thread: one index probe per row)
    last_body = (
        select(Message.body)
        .where(message_scope(actor), Message.thread_id == inner.c.thread_id)
        .order_by(Message.created_at.desc(), Message.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    page = session.execute(
        select(inner, last_body.label("last_body"))
        .order_by(inner.c.last_at.desc(), inner.c.thread_id)
        .offset(offset)
        .limit(limit)
    ).all()
    # the page's first messages and people in two queries (then from the identity map)
    ids = [row[0] for row in page]
    roots = list(session.execute(select(Message).where(Message.id.in_(ids))).scalars())
    people = {p for m in roots for p in (m.sender_id, m.recipient_id) if p}
    # kept in a name: the identity map holds its objects weakly, and `_name` reads them
    users = list(session.execute(select(User).where(User.id.in_(people))).scalars())
    found: list[Conversation] = []
    for thread_id, last_at, count, unread, reported, last in page:
        root = session.get(Message, thread_id)
        kind = root.kind if root else "direct"
        found.append(
            Conversation(
                thread_id=thread_id,
                kind=kind,
                title=_title(session, actor, root),
                last_at=clock.aware(last_at),
                last_preview=_preview(last),
                messages=int(count),
                unread=int(unread or 0),
                reported=bool(reported),
            )
        )
    del users
    return found


def next_unread_conversation(
    session: Session, actor: Actor, after: int, text: str = ""
) -> int | None:
    """The position (in ``conversations``' order) of the first conversation with unread
    messages after position ``after``; None when there is none."""
    inner = _threads(actor, text).subquery()
    position = func.row_number().over(order_by=(inner.c.last_at.desc(), inner.c.thread_id)) - 1
    ranked = select(position.label("n"), inner.c.unread).subquery()
    query = (
        select(ranked.c.n)
        .where(ranked.c.unread > 0, ranked.c.n > after)
        .order_by(ranked.c.n)
        .limit(1)
    )
    found = session.execute(query).scalar_one_or_none()
    return None if found is None else int(found)


def unread_total(session: Session, actor: Actor) -> int:
    """Unread messages and notifications together: the status bar's figure."""
    return unread_messages(session, actor) + unread_count(session, actor)


def _name(session: Session, user_id: str | None) -> str:
    user = session.get(User, user_id) if user_id else None
    return user.full_name if user else "(gone)"


def _title(session: Session, actor: Actor, root: Message | None) -> str:
    if root is None:
        return "(conversation)"
    if root.kind == "announcement":
        label = audience_label(session, root.audience)
        if (root.audience or "").startswith(GROUP_AUDIENCE):
            group = session.get(StudyGroup, (root.audience or "").removeprefix(GROUP_AUDIENCE))
            label = f"the study group {group.name}" if group is not None else "a study group"
        return f"Announcement by {_name(session, root.sender_id)} to {label}"
    if actor.id == root.sender_id:
        return _name(session, root.recipient_id)
    if actor.id == root.recipient_id:
        return _name(session, root.sender_id)
    return f"{_name(session, root.sender_id)} and {_name(session, root.recipient_id)}"


def _in_thread(actor: Actor, thread_id: str) -> ColumnElement[bool]:
    return and_(message_scope(actor), Message.thread_id == thread_id)


def count_thread(session: Session, actor: Actor, thread_id: str) -> int:
    query = select(func.count()).select_from(Message).where(_in_thread(actor, thread_id))
    return int(session.execute(query).scalar_one())


def thread_messages(
    session: Session,
    actor: Actor,
    thread_id: str,
    *,
    offset: int = 0,
    limit: int = 100,
    total: int | None = None,
) -> list[Line]:
    """One page of a conversation, oldest first (``thread_root`` refuses one not visible).

    ``total``, the conversation's count when the caller has it: a page in its later half is
    read from the newest end, skipping the rows after it rather than the rows before it (the
    newest page of a 10,000-message conversation skips none instead of 9,900)."""
    root = thread_root(session, actor, thread_id)
    sender = aliased(User)
    query = (
        select(Message, sender.full_name, unread_condition(actor))
        .join(sender, sender.id == Message.sender_id)
        .where(_in_thread(actor, root.thread_id or root.id))
    )
    if total is not None and offset * 2 > total:
        end = min(offset + limit, total)
        if end <= offset:
            return []
        newest_first = query.order_by(Message.created_at.desc(), Message.id.desc())
        rows = list(session.execute(newest_first.offset(total - end).limit(end - offset)))[::-1]
    else:
        ordered = query.order_by(Message.created_at, Message.id)
        rows = list(session.execute(ordered.offset(offset).limit(limit)))
    return [
        Line(
            id=m.id,
            thread_id=m.thread_id or m.id,
            sender_id=m.sender_id,
            sender_name=name,
            kind=m.kind,
            body=m.body,
            created_at=clock.aware(m.created_at),
            edited=m.edited_at is not None,
            history=list(m.history),
            unread=bool(unread),
            reported=m.reported_at is not None,
        )
        for m, name, unread in rows
    ]


def newest_page(
    session: Session, actor: Actor, thread_id: str, page_size: int
) -> tuple[int, int, list[Line]]:
    """A conversation as it opens: its count and its newest page, ``(count, offset, lines)``
    (``(0, 0, [])`` for one empty or not visible to the actor), read in one transaction and
    kept until the store changes (``core/memo.py``). The app's preload reads the newest
    conversation's ahead (screen 7's ``warm_up``): its first `enter` paints without reading
    (or compiling) anything, and after any commit (opening it marks it read) reads again."""

    def read() -> tuple[int, int, tuple[Line, ...]]:
        total = count_thread(session, actor, thread_id)
        if not total:
            return 0, 0, ()
        offset = (total - 1) // page_size * page_size
        lines = thread_messages(
            session, actor, thread_id, offset=offset, limit=page_size, total=total
        )
        return total, offset, tuple(lines)

    total, offset, lines = memo(session, ("thread.newest_page", actor, thread_id, page_size), read)
    return total, offset, list(lines)


def unread_messages(session: Session, actor: Actor) -> int:
    query = (
        select(func.count())
        .select_from(Message)
        .where(message_scope(actor), unread_condition(actor))
    )
    return int(session.execute(query).scalar_one())


def _mark(session: Session, actor: Actor, message: Message, read: bool) -> bool:
    """Mark one message read or unread for the actor; whether anything changed."""
    now = clock.now()
    if message.kind == "direct":
        if message.recipient_id != actor.id or (message.read_at is not None) == read:
            return False
        writes.update(session, actor.id, message, {"read_at": now if read else None}, action="read")
        return True
    if message.sender_id == actor.id:
        return False
    marks = list(
        session.execute(
            select(MessageRead).where(
                MessageRead.message_id == message.id,
                MessageRead.user_id == actor.id,
                MessageRead.deleted_at.is_(None),
            )
        ).scalars()
    )
    changed = False
    for mark in marks:
        if (mark.read_at is not None) != read:
            writes.update(
                session, actor.id, mark, {"read_at": now if read else None}, action="read"
            )
            changed = True
    if read and not marks:
        mark = MessageRead(message_id=message.id, user_id=actor.id, read_at=now)
        writes.insert(session, actor.id, mark, action="read")
        changed = True
    return changed


def mark_thread_read(session: Session, actor: Actor, thread_id: str) -> int:
    """Mark every unread message of a conversation read; how many there were."""
    root = thread_root(session, actor, thread_id)
    rows = session.execute(
        select(Message).where(_in_thread(actor, root.thread_id or root.id), unread_condition(actor))
    ).scalars()
    count = sum(_mark(session, actor, row, True) for row in rows)
    session.flush()
    return count


def mark_thread_unread(session: Session, actor: Actor, thread_id: str) -> bool:
    """Mark the newest message someone else wrote in a conversation unread again."""
    root = thread_root(session, actor, thread_id)
    newest = session.execute(
        select(Message)
        .where(_in_thread(actor, root.thread_id or root.id), Message.sender_id != actor.id)
        .order_by(Message.created_at.desc(), Message.id.desc())
        .limit(1)
    ).scalar_one_or_none()
    changed = newest is not None and _mark(session, actor, newest, False)
    session.flush()
    return changed


def mark_all_read(session: Session, actor: Actor) -> int:
    """Mark every unread message of the actor read; how many there were."""
    rows = list(
        session.execute(
            select(Message).where(message_scope(actor), unread_condition(actor))
        ).scalars()
    )
    count = sum(_mark(session, actor, row, True) for row in rows)
    session.flush()
    return count


__all__ = [
    "Conversation",
    "Line",
    "conversations",
    "count_conversations",
    "count_thread",
    "mark_all_read",
    "mark_thread_read",
    "mark_thread_unread",
    "newest_page",
    "next_unread_conversation",
    "thread_messages",
    "unread_condition",
    "unread_messages",
    "unread_total",
]
