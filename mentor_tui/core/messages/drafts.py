"""The composer's drafts: what is typed is saved as it is typed (local only, never synced), so
a crash or a power cut loses nothing; sending turns the draft into a message and deletes it
in the same transaction.

A draft is addressed to one of: a person (a new conversation), a conversation (a reply), or an
audience (an announcement). There is at most one draft per author and address; opening the
composer for the same address again brings the text back.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlmodel import Session

from mentor_tui.config import Config
from mentor_tui.core import clock
from mentor_tui.core.access import Actor
from mentor_tui.core.messages import send
from mentor_tui.db.message_models import MessageDraft
from mentor_tui.db.models import Message, new_id
from mentor_tui.errors import UserError


@dataclass(frozen=True)
class Address:
    """Where a draft goes: exactly one of the three (``recipient`` may be empty while the
    person is still being typed)."""

    recipient: str | None = None  # an email or id, as typed
    thread_id: str | None = None
    audience: str | None = None


def find_draft(session: Session, actor: Actor, address: Address) -> MessageDraft | None:
    """The actor's draft for ``address`` (for a new conversation: the newest such draft)."""
    query = select(MessageDraft).where(MessageDraft.author_id == actor.id)
    if address.thread_id is not None:
        query = query.where(MessageDraft.thread_id == address.thread_id)
    elif address.audience is not None:
        query = query.where(MessageDraft.audience == address.audience)
    else:
        query = query.where(
            MessageDraft.thread_id.is_(None),
            MessageDraft.audience.is_(None),
        )
    query = query.order_by(MessageDraft.saved_at.desc()).limit(1)
    found: MessageDraft | None = session.execute(query).scalar_one_or_none()
    return found


def save_draft(
    session: Session, actor: Actor, draft_id: str | None, address: Address, body: str
) -> str:
    """Save the composer's text (created by its first save); the draft's id."""
    row = session.get(MessageDraft, draft_id) if draft_id else None
    if row is not None and row.author_id != actor.id:
        row = None
    if row is None:
        row = MessageDraft(id=draft_id or new_id(), author_id=actor.id, saved_at=clock.now())
    row.recipient_id = address.recipient
    row.thread_id = address.thread_id
    row.audience = address.audience
    row.body = body
    row.saved_at = clock.now()
    session.add(row)
    session.flush()
    return row.id


def discard_draft(session: Session, actor: Actor, draft_id: str) -> None:
    row = session.get(MessageDraft, draft_id)
    if row is not None and row.author_id == actor.id:
        session.delete(row)
        session.flush()


def send_draft(
    session: Session,
    config: Config,
    actor: Actor,
    draft_id: str | None,
    address: Address,
    body: str,
) -> Message:
    """Send what the composer holds and delete its draft, in one transaction: a refusal
    leaves the draft as it was."""
    if address.thread_id is not None:
        row = send.reply(session, actor, address.thread_id, body)
    elif address.audience is not None:
        row = send.announce(session, actor, body, address.audience)
    elif address.recipient and address.recipient.strip():
        row = send.send(session, actor, address.recipient, body)
    else:
        raise UserError("Say whom the message is to: their email.")
    if draft_id:
        discard_draft(session, actor, draft_id)
    return row


__all__ = ["Address", "discard_draft", "find_draft", "save_draft", "send_draft"]
