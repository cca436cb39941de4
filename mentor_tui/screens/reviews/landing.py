"""Saving a decision from the review queue, and where the list's cursor lands after it: the
item it stood on when that was not decided, else the next pending one (one transaction, in a
worker).

Its position in the list is not counted here: the list takes the decided rows out itself and
its cursor is on the landing item (the usual case), and counting the items before it reads
the queue's index up to it (a third of a second at row 60,000 of 100,000). Where the list and
the store disagree, the screen asks for it apart (``landing_position``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from mentor_tui.config import Config
from mentor_tui.core.access import Actor
from mentor_tui.core.reviews.decisions import decide_many
from mentor_tui.core.reviews.queue import QueueItem, queue_position
from mentor_tui.core.reviews.queue_pages import landing_after

if TYPE_CHECKING:
    from sqlmodel import Session


@dataclass(frozen=True)
class Landed:
    """What a saved decision did: how many, and the item the cursor goes to."""

    decided: int
    landing: QueueItem | None


def decision_job(
    actor: Actor,
    ids: list[str],
    decision: str,
    feedback: str,
    anchor: QueueItem | None,
    text_filter: str,
    config: Config,
) -> Callable[[Session], Landed]:
    """The job of one decision on ``ids``; ``anchor`` is the item the cursor stood on (or the
    first decided)."""

    def job(session: Session) -> Landed:
        decided = decide_many(session, actor, ids, decision, feedback or None, config)
        landing = None
        if anchor is not None:
            # the cursor stays on an item it did not decide, else goes to the next pending
            landing = anchor
            if anchor.id in ids:
                landing = landing_after(
                    session, actor, anchor, text_filter=text_filter, config=config
                )
        return Landed(len(decided), landing)

    return job


def landing_position(
    actor: Actor, landing: QueueItem, text_filter: str, config: Config
) -> Callable[[Session], int]:
    """The job that counts the row index of ``landing`` in the queue (the items before it)."""

    def job(session: Session) -> int:
        return queue_position(
            session, actor, landing.submitted_at, landing.id, text_filter=text_filter, config=config
        )

    return job
