"""Who may write to whom, and what a message may be.

The people a person may write to are ``core/access.py``'s ``message_recipient_scope``; an
announcement's audiences are ``announcement_audiences``. ``new_message_condition`` states the
same rules as SQL on a pushed ``messages`` row, for the sync server's grants, so a change made
by hand cannot do what the app refuses.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import ColumnElement, and_, exists, false, or_, select
from sqlalchemy.orm import aliased
from sqlmodel import Session

from mentor_tui.core.access import (
    GROUP_AUDIENCE,
    Actor,
    announcement_audiences,
    find_user_unscoped,
    group_audience,
    group_prefixes,
    message_recipient_scope,
)
from mentor_tui.db.models import Message, User
from mentor_tui.db.peer_models import StudyGroup
from mentor_tui.errors import AccessDenied, UserError

# A message of a megabyte must arrive and show literally (issue 17); past a few it is no
# longer a message.
MAX_BODY = 4_000_000
AUDIENCE_LABELS = {
    "students": "students",
    "mentors": "all mentors",
    "everyone": "everyone",
}


def message_body(text: str) -> str:
    """The text of a message as given (kept exactly), or one sentence why not."""
    if not text.strip():
        raise UserError("A message needs some text.")
    if len(text) > MAX_BODY:
        raise UserError(f"A message can be at most {MAX_BODY:,} characters long.")
    return text


def recipient(session: Session, actor: Actor, key: str) -> User:
    """The person ``key`` (an email or id) names, if ``actor`` may write to them."""
    user = find_user_unscoped(session, key)
    if user.id == actor.id:
        raise UserError("You cannot send a message to yourself.")
    allowed = session.execute(
        select(exists().where(User.id == user.id, message_recipient_scope(actor)))
    ).scalar()
    if not allowed:
        raise AccessDenied(f"You cannot write to {user.email}: {_whom(actor)}.")
    return user


def recipients(session: Session, actor: Actor, keys: Sequence[str]) -> list[User]:
    """The people ``keys`` (emails or ids) name, each once in the order given, if ``actor`` may
    write to every one of them; else one sentence naming those they may not (up to three)."""
    if not [k for k in keys if k.strip()]:
        raise UserError("Say whom the message is to.")
    found: list[User] = []
    refused: list[str] = []
    for key in keys:
        if not key.strip():
            continue
        try:
            user = recipient(session, actor, key)
        except AccessDenied:
            refused.append(find_user_unscoped(session, key).email)
            continue
        if all(user.id != u.id for u in found):
            found.append(user)
    if refused:
        named = ", ".join(refused[:3]) + (
            f" and {len(refused) - 3} more" if len(refused) > 3 else ""
        )
        raise AccessDenied(f"You cannot write to {named}: {_whom(actor)}; nothing was sent.")
    return found


def _whom(actor: Actor) -> str:
    if actor.is_student:
        return "a student writes to their mentor and the admins"
    if actor.is_mentor:
        return "a mentor writes to their own students, other mentors and the admins"
    return "their account is inactive"


def audience(actor: Actor, name: str, session: Session | None = None) -> str:
    """An announcement's audience as given, if ``actor`` may announce to it: one of
    ``announcement_audiences``, or a study group of theirs (``group:`` and its id; an admin's
    any group), which needs the ``session``."""
    if name.startswith(GROUP_AUDIENCE) and session is not None:
        group = session.get(StudyGroup, name.removeprefix(GROUP_AUDIENCE))
        if group is None or group.deleted_at is not None:
            raise UserError("That study group is gone.")
        if not (actor.is_admin or group.mentor_id == actor.id):
            raise AccessDenied("Only the group's mentor announces to a study group.")
        return name
    allowed = announcement_audiences(actor)
    if not allowed:
        raise AccessDenied("Only mentors and admins can send announcements.")
    if name not in allowed:
        raise AccessDenied(
            f"You can announce to {' or '.join(AUDIENCE_LABELS[a] for a in allowed)}, "
            f"not to {name!r}."
        )
    return name


def new_message_condition(actor: Actor) -> ColumnElement[bool]:
    """A new ``messages`` row ``actor`` may create, as SQL on the row (the server checks a
    pushed insert with it): sent by them, unread and unreported, and either a direct message to
    someone they may write to (starting a conversation, or in one between the same two) or an
    announcement to an audience they may address."""
    root = aliased(Message)
    to_allowed = exists().where(User.id == Message.recipient_id, message_recipient_scope(actor))
    same_pair = or_(
        and_(root.sender_id == actor.id, root.recipient_id == Message.recipient_id),
        and_(root.recipient_id == actor.id, root.sender_id == Message.recipient_id),
    )
    in_thread = or_(
        Message.thread_id == Message.id,
        exists().where(root.id == Message.thread_id, root.kind == "direct", same_pair),
    )
    direct = and_(Message.kind == "direct", Message.audience.is_(None), to_allowed, in_thread)
    audiences = announcement_audiences(actor)
    to_whom = or_(
        Message.audience.in_(audiences),
        *(Message.audience.startswith(p, autoescape=True) for p in group_prefixes(actor)),
    )
    announcement = (
        and_(
            Message.kind == "announcement",
            Message.recipient_id.is_(None),
            to_whom,
            Message.thread_id == Message.id,
        )
        if audiences
        else false()
    )
    # a mentor's announcement to a study group of theirs (core/peers/groups.py)
    to_group = and_(
        Message.kind == "announcement",
        Message.recipient_id.is_(None),
        Message.thread_id == Message.id,
        exists().where(
            StudyGroup.mentor_id == actor.id,
            StudyGroup.deleted_at.is_(None),
            Message.audience == group_audience(StudyGroup.id),
        ),
    )
    return and_(
        Message.sender_id == actor.id,
        Message.read_at.is_(None),
        Message.reported_at.is_(None),
        Message.reported_by.is_(None),
        or_(direct, announcement, to_group),
    )


__all__ = [
    "AUDIENCE_LABELS",
    "MAX_BODY",
    "audience",
    "message_body",
    "new_message_condition",
    "recipient",
    "recipients",
]
