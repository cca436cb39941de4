"""Messages widgets and screens use to talk to each other (the only way they do)."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message

from mentor_tui.core.actor import Actor


@dataclass
class DataChanged(Message):
    """Something was written to the store; visible lists and the status bar reload."""

    what: str = ""


@dataclass
class SignedIn(Message):
    """A user signed in (first run); the app switches to the dashboard."""

    actor: Actor
