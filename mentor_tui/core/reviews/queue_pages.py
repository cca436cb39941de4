"""Keyset pages of the review queue: the items after (or before) a known item of the queue,
found by seeking its index to that item's place instead of counting every item before the
page (``OFFSET``), so that the 2,000th page of 100,000 pending items, and the last one, cost
what the first one does.

The queue's order is that of ``list_queue``: first the items whose student asked for feedback,
in the order asked, then the rest oldest first; ties are broken by id in both parts, so every
item has one place and ``QueueKey`` names it exactly."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, func, not_, select
from sqlmodel import Session

from mentor_tui.config import Config, load_config
from mentor_tui.core import clock
from mentor_tui.core.access import Actor
from mentor_tui.core.reviews.queue import QueueItem, _items, _queue_conditions
from mentor_tui.db.models import Submission


@dataclass(frozen=True, order=True)
class QueueKey:
    """An item's place in the queue: its part (asked for feedback first), the time it is
    ordered by in that part, and its id (the tie-break). Keys sort in queue order."""

    part: int  # 0: asked for feedback (by feedback_requested_at), 1: the rest (by submitted_at)
    at: datetime
    id: str


def queue_key(item: QueueItem) -> QueueKey:
    if item.feedback_requested_at is not None:
        return QueueKey(0, clock.aware(item.feedback_requested_at), item.id)
    return QueueKey(1, clock.aware(item.submitted_at), item.id)


def _parts(
    session: Session, actor: Actor, text_filter: str, config: Config, now: datetime
) -> list[tuple[list[ColumnElement[bool]], Any]]:
    """The WHERE and the ordering column of each part of the queue, in queue order."""
    asked = _queue_conditions(
        session,
        actor,
        text_filter=text_filter,
        overdue_only=False,
        config=config,
        now=now,
        asked=True,
    )
    rest = _queue_conditions(
        session, actor, text_filter=text_filter, overdue_only=False, config=config, now=now
    )
    return [
        (asked, Submission.feedback_requested_at),
        ([*rest, Submission.feedback_requested_at.is_(None)], Submission.submitted_at),
    ]


def _beyond(column: Any, key: QueueKey, *, later: bool) -> ColumnElement[bool]:
    """The items after (``later``) or before ``key`` in its part, written as a range on the
    part's column so that SQLite seeks its index to the key."""
    if later:
        return and_(column >= key.at, not_(and_(column == key.at, Submission.id <= key.id)))
    return and_(column <= key.at, not_(and_(column == key.at, Submission.id >= key.id)))


def _walk(
    session: Session,
    actor: Actor,
    key: QueueKey | None,
    skip: int,
    limit: int,
    *,
    later: bool,
    text_filter: str,
    config: Config | None,
    now: datetime | None,
) -> list[QueueItem]:
    config = config or load_config()
    now = now or clock.now()
    parts = list(enumerate(_parts(session, actor, text_filter, config, now)))
    if not later:
        parts.reverse()
    ids: list[str] = []
    skip, limit = max(0, skip), max(0, limit)
    for number, (conditions, column) in parts:
        if key is not None and (number < key.part if later else number > key.part):
            continue  # a part wholly before (after) the key
        query = select(Submission.id).where(*conditions)
        if key is not None and number == key.part:
            query = query.where(_beyond(column, key, later=later))
        order = (column, Submission.id) if later else (column.desc(), Submission.id.desc())
        wanted = limit - len(ids)
        found = list(session.execute(query.order_by(*order).offset(skip).limit(wanted)).scalars())
        if not found and skip:  # the part holds no more than `skip`: skip the rest in the next
            counted = select(func.count()).select_from(query.subquery())
            skip -= int(session.execute(counted).scalar_one())
        else:
            skip = 0
        ids += found
        if len(ids) >= limit:
            break
    by_id = {item.id: item for item in _items(session, actor, _of_ids(ids), config, now)}
    items = [by_id[i] for i in ids if i in by_id]
    return items if later else items[::-1]


def _of_ids(ids: list[str]) -> Any:
    return select(Submission.id).where(Submission.id.in_(ids))


def items_after(
    session: Session,
    actor: Actor,
    after: QueueKey | None,
    limit: int,
    *,
    skip: int = 0,
    text_filter: str = "",
    config: Config | None = None,
    now: datetime | None = None,
) -> list[QueueItem]:
    """Up to ``limit`` items of the queue that follow the item at ``after`` (None: from the
    start), leaving out the first ``skip`` of them; in queue order."""
    return _walk(
        session,
        actor,
        after,
        skip,
        limit,
        later=True,
        text_filter=text_filter,
        config=config,
        now=now,
    )


def items_before(
    session: Session,
    actor: Actor,
    before: QueueKey | None,
    limit: int,
    *,
    skip: int = 0,
    text_filter: str = "",
    config: Config | None = None,
    now: datetime | None = None,
) -> list[QueueItem]:
    """Up to ``limit`` items of the queue that come before the item at ``before`` (None: the
    end of the queue), leaving out the ``skip`` nearest to it; in queue order."""
    return _walk(
        session,
        actor,
        before,
        skip,
        limit,
        later=False,
        text_filter=text_filter,
        config=config,
        now=now,
    )


def landing_after(
    session: Session,
    actor: Actor,
    decided: QueueItem,
    *,
    text_filter: str = "",
    config: Config | None = None,
) -> QueueItem | None:
    """Where the queue lands after ``decided`` was decided: the next pending item after its
    place in the queue (the asked-for-feedback part included), else the closest one before it,
    else None (the queue is empty)."""
    key = queue_key(decided)
    common: dict[str, Any] = {"text_filter": text_filter, "config": config}
    found = items_after(session, actor, key, 1, **common) or items_before(
        session, actor, key, 1, **common
    )
    return found[0] if found else None


__all__ = ["QueueKey", "items_after", "items_before", "landing_after", "queue_key"]
