"""Saving a decision from the review queue, and where the list's cursor lands after it: the
item it stood on when that was not decided, else the next pending one, and its position (one
transaction, in a worker)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from mentor_tui.config import Config
from mentor_tui.core.access import Actor
from mentor_tui.core.reviews.decisions import decide_many
from mentor_tui.core.reviews.queue import QueueItem, next_pending_after, queue_position

if TYPE_CHECKING:
    from sqlmodel import Session


@dataclass(frozen=True)
class Landed:
    """What a saved decision did: how many, and the row the cursor goes to and its item."""

    decided: int
    position: int
    landing: str | None


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
        position, landing = 0, None
        if anchor is not None:
            # the cursor stays on an item it did not decide, else goes to the next pending
            landing = anchor
            if anchor.id in ids:
                landing = next_pending_after(
                    session,
                    actor,
                    anchor.submitted_at,
                    anchor.id,
                    text_filter=text_filter,
                    config=config,
                )
            if landing is not None:
                position = queue_position(
                    session,
                    actor,
                    landing.submitted_at,
                    landing.id,
                    text_filter=text_filter,
                    config=config,
                )
        landed = landing.id if landing is not None else None
        return Landed(len(decided), position, landed)

    return job
