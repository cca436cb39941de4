"""Saving a decision from the review queue, and where the list's cursor lands after it: the
item it stood on when that was not decided, else the next pending one.

The decision is written alone (one transaction, in a worker): the list takes the decided
rows out itself and its cursor lands on the next row it holds, painted at once. Where the
store puts the landing is read a moment after that frame, with the queue's count
(``landing_check``): where the list and the store disagree (a change no message announced),
the cursor moves and the list reloads then. The landing's position is not counted with it:
counting the items before it reads the queue's index up to it (a third of a second at row
60,000 of 100,000), so the screen asks for it apart, only when needed (``landing_position``)."""

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


def decision_job(
    actor: Actor, ids: list[str], decision: str, feedback: str, config: Config
) -> Callable[[Session], int]:
    """The job of one decision on ``ids``: how many it decided."""

    def job(session: Session) -> int:
        return len(decide_many(session, actor, ids, decision, feedback or None, config))

    return job


@dataclass(frozen=True)
class LandingCheck:
    """Where the store lands after a decision, and how many it counts in the queue (None:
    not counted)."""

    landing: QueueItem | None
    count: int | None


def landing_check(
    actor: Actor,
    anchor: QueueItem,
    ids: list[str],
    text_filter: str,
    config: Config,
    count: Callable[[Session], int] | None,
) -> Callable[[Session], LandingCheck]:
    """The job that reads where the queue lands after deciding ``ids`` with the cursor on
    ``anchor``: on it when it was not decided, else on the next pending item; and the
    queue's count by ``count`` (when given), in the same transaction."""

    def job(session: Session) -> LandingCheck:
        landing: QueueItem | None = anchor
        if anchor.id in ids:
            landing = landing_after(session, actor, anchor, text_filter=text_filter, config=config)
        return LandingCheck(landing, count(session) if count is not None else None)

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
