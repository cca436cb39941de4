"""The composer's drafts: what is typed is saved as it is typed, in the same local draft store
as every editor's (``core/drafts``, kind "message"; never synced), so a crash or a power cut
loses nothing; sending turns the draft into a message and deletes it in the same transaction.

A draft is addressed to one of: a person (a new conversation), several people (the same text
to each, a conversation each: students marked in the list), a conversation (a reply), or an
audience (an announcement). There is at most one draft per author and address; opening the
composer for the same address again brings the text back.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from sqlmodel import Session

from mentor_tui.config import Config
from mentor_tui.core.access import Actor
from mentor_tui.core.drafts import drafts
from mentor_tui.core.messages import send
from mentor_tui.db.models import Message
from mentor_tui.errors import UserError

KIND = "message"


@dataclass(frozen=True)
class Address:
    """Where a draft goes: exactly one of the four (``recipient`` may be empty while the
    person is still being typed)."""

    recipient: str | None = None  # an email or id, as typed
    thread_id: str | None = None
    audience: str | None = None
    recipients: tuple[str, ...] = ()  # several people's ids: the same text to each

    @property
    def key(self) -> str:
        """The draft's key: one draft per conversation, per audience, per set of people, and
        one new message."""
        if self.thread_id is not None:
            return f"thread:{self.thread_id}"
        if self.audience is not None:
            return f"audience:{self.audience}"
        if self.recipients:
            people = "\n".join(sorted(set(self.recipients))).encode()
            return f"each:{hashlib.sha256(people).hexdigest()[:24]}"
        return "new"


@dataclass(frozen=True)
class MessageDraft:
    id: str  # the draft's key
    body: str
    recipient_id: str | None


def find_draft(session: Session, actor: Actor, address: Address) -> MessageDraft | None:
    """The actor's draft for ``address``, or None."""
    found = drafts.load_draft(session, actor, KIND, address.key)
    if found is None:
        return None
    recipient = found.fields.get("recipient") or None
    return MessageDraft(address.key, found.fields.get("body", ""), recipient)


def save_draft(
    session: Session, actor: Actor, draft_id: str | None, address: Address, body: str
) -> str:
    """Save the composer's text; the draft's id (its key)."""
    if draft_id and draft_id != address.key:
        drafts.discard_draft(session, actor, KIND, draft_id)
    fields = {"body": body, "recipient": address.recipient or ""}
    drafts.save_draft(session, actor, KIND, address.key, fields)
    return address.key


def discard_draft(session: Session, actor: Actor, draft_id: str) -> None:
    drafts.discard_draft(session, actor, KIND, draft_id)


def send_draft(
    session: Session,
    config: Config,
    actor: Actor,
    draft_id: str | None,
    address: Address,
    body: str,
) -> Message:
    """Send what the composer holds and delete its draft, in one transaction: a refusal
    leaves the draft as it was. To several people: the first of their messages."""
    if address.recipients:
        row = send.send_each(session, actor, address.recipients, body)[0]
    elif address.thread_id is not None:
        row = send.reply(session, actor, address.thread_id, body)
    elif address.audience is not None:
        row = send.announce(session, actor, body, address.audience)
    elif address.recipient and address.recipient.strip():
        row = send.send(session, actor, address.recipient, body)
    else:
        raise UserError("Say whom the message is to: their email.")
    discard_draft(session, actor, draft_id or address.key)
    return row


__all__ = ["Address", "MessageDraft", "discard_draft", "find_draft", "save_draft", "send_draft"]
